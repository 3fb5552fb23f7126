import { spareUsed, trimOldest } from './bounded-map';

describe('trimOldest', () => {
  const mapOf = (n: number) => new Map(Array.from({ length: n }, (_, i) => [i, i]));

  it('leaves a map within its bound as it is', () => {
    const m = mapOf(100);
    trimOldest(m, 100);
    expect(m.size).toBe(100);
  });

  it('drops the oldest down to nine tenths of the bound once over it', () => {
    const m = mapOf(101);
    trimOldest(m, 100);
    expect([...m.keys()]).toEqual(Array.from({ length: 90 }, (_, i) => i + 11));
  });

  it('drops only what is over the bound of a small map', () => {
    const m = mapOf(4);
    trimOldest(m, 3);
    expect([...m.keys()]).toEqual([1, 2, 3]);
  });

  it('spares a used entry once, moved to the end and unmarked, and drops the oldest unused', () => {
    const m = new Map(['a', 'b', 'c', 'd'].map((k) => [k, { used: k === 'a' || k === 'c' }]));
    trimOldest(m, 3, spareUsed);
    expect([...m.keys()]).toEqual(['c', 'd', 'a']);
    expect(m.get('a')!.used).toBe(false);
    expect(m.get('c')!.used).toBe(true);
    // Every entry used: each is spared once, then the oldest goes.
    const all = new Map(['a', 'b', 'c'].map((k) => [k, { used: true }]));
    trimOldest(all, 2, spareUsed);
    expect([...all.keys()]).toEqual(['b', 'c']);
  });
});
