import { DocCache } from './doc-cache';
import type { StoredRow } from './rows';

/** A row of 120 characters of JSON text (for rowids of up to 13 digits). */
const row = (rid: number, v = 1, name = 'x'.repeat(80)): StoredRow => ({ rid, v, dates: 0, doc: JSON.stringify({ _id: String(rid).padStart(13, '0'), v, name }) });

describe('DocCache', () => {
  it('parses a row once per version, and hands that parse to the reads of its version', () => {
    const cache = new DocCache(10_000);
    const first = cache.docOf('t1', row(1));
    expect(cache.docOf('t1', row(1))).toBe(first);
    expect(cache.held('t1', 1, 1)).toBe(first);
    expect(cache.held('t1', 1, 2)).toBeUndefined();
    // The same rowid in another table is another document.
    expect(cache.docOf('t2', row(1))).not.toBe(first);
    const second = cache.docOf('t1', row(1, 2));
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ v: 2 });
    expect(cache.held('t1', 1, 1)).toBeUndefined();
    expect(cache.held('t1', 1, 2)).toBe(second);
  });

  it('stays within its bound, evicting the oldest first but passing once over those read since', () => {
    const size = row(1).doc.length;
    const cache = new DocCache(size * 20);
    for (let rid = 1; rid <= 20; rid++) cache.docOf('t', row(rid));
    expect(cache.size).toBe(20);
    // Rows 1 and 2 read again: the next eviction passes over them.
    const kept = [cache.held('t', 1, 1), cache.held('t', 2, 1)];
    cache.docOf('t', row(21));
    // A tenth freed at once: the two oldest unread rows (3 and 4) and a third (5) to get under.
    expect(cache.size).toBe(18);
    expect(cache.held('t', 1, 1)).toBe(kept[0]);
    expect(cache.held('t', 2, 1)).toBe(kept[1]);
    for (const rid of [3, 4, 5]) expect(cache.held('t', rid, 1)).toBeUndefined();
    for (const rid of [6, 20, 21]) expect(cache.held('t', rid, 1)).toBeDefined();
    // Many more rows: the bound holds whatever is read.
    for (let rid = 22; rid <= 500; rid++) {
      cache.docOf('t', row(rid));
      cache.held('t', rid - 1, 1);
    }
    expect(cache.size).toBeLessThanOrEqual(20);
  });

  it('forgets a row, a table, or everything', () => {
    const cache = new DocCache(100_000);
    for (let rid = 1; rid <= 3; rid++) {
      cache.docOf('a', row(rid));
      cache.docOf('b', row(rid));
    }
    cache.forgetRow('a', 2);
    expect(cache.held('a', 2, 1)).toBeUndefined();
    expect(cache.held('a', 1, 1)).toBeDefined();
    cache.forgetTable('b');
    expect([1, 2, 3].map((rid) => cache.held('b', rid, 1))).toEqual([undefined, undefined, undefined]);
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('parses without holding when turned off, for rowids beyond its keys, and for documents over a quarter of it', () => {
    const off = new DocCache(0);
    expect(off.enabled).toBe(false);
    expect(off.docOf('t', row(1))).not.toBe(off.docOf('t', row(1)));
    const cache = new DocCache(1_000);
    const far = 2 ** 40;
    expect(cache.docOf('t', row(far))).toMatchObject({ _id: String(far).padStart(13, '0') });
    expect(cache.held('t', far, 1)).toBeUndefined();
    expect(cache.docOf('t', row(2, 1, 'y'.repeat(300)))).toMatchObject({ name: 'y'.repeat(300) });
    expect(cache.size).toBe(0);
  });
});
