import { SortedChunkList } from './sorted-list';

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const byNumber = (a: number, b: number): number => a - b;

describe('SortedChunkList', () => {
  it('keeps items sorted through random inserts and removes, across chunk splits and merges', () => {
    const rand = rng(7);
    const list = new SortedChunkList<number>(byNumber, 4);
    const reference: number[] = [];
    for (let step = 0; step < 3000; step++) {
      if (reference.length > 0 && rand() < 0.4) {
        const v = reference[Math.floor(rand() * reference.length)];
        expect(list.remove(v)).toBe(true);
        reference.splice(reference.indexOf(v), 1);
      } else {
        const v = Math.floor(rand() * 1_000_000);
        if (reference.includes(v)) continue;
        list.insert(v);
        reference.push(v);
        reference.sort(byNumber);
      }
      if (step % 250 === 0) expect(list.toArray()).toEqual(reference);
    }
    expect(list.toArray()).toEqual(reference);
    expect(list.size).toBe(reference.length);
    expect(list.remove(-1)).toBe(false);
  });

  it('answers ranks, items at ranks, and walks ranges both ways', () => {
    const list = new SortedChunkList<number>(byNumber, 3);
    for (const v of [50, 10, 40, 20, 30, 60, 70, 80, 90, 0]) list.insert(v);
    expect(list.rank((x) => x >= 35)).toBe(4);
    expect(list.rank((x) => x > 90)).toBe(10);
    expect(list.rank(() => true)).toBe(0);
    expect(list.at(4)).toBe(40);
    const collect = (start: number, end: number, reverse: boolean): number[] => {
      const out: number[] = [];
      const cur = list.cursor(start, end, reverse);
      for (let v = cur.next(); v !== undefined; v = cur.next()) out.push(v);
      return out;
    };
    expect(collect(2, 7, false)).toEqual([20, 30, 40, 50, 60]);
    expect(collect(2, 7, true)).toEqual([60, 50, 40, 30, 20]);
    expect(collect(0, 10, true)).toEqual([90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
    expect(collect(5, 5, false)).toEqual([]);
    const cur = list.cursor(0, 2, false);
    expect(cur.peek()).toBe(0);
    expect(cur.left).toBe(2);
  });

  it('bulk loads unsorted items', () => {
    const list = new SortedChunkList<number>(byNumber, 2);
    list.load([5, 3, 9, 1, 7]);
    expect(list.toArray()).toEqual([1, 3, 5, 7, 9]);
    list.insert(4);
    expect(list.at(2)).toBe(4);
  });
});
