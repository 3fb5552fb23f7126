/**
 * In-memory sorting with MongoDB's ordering (for sorts no index serves): keys are computed once
 * per document; when only the first k results are wanted, a bounded insertion buffer keeps the
 * k best instead of sorting everything.
 */
import type { SortSpec } from '../../../ports/read-store';
import { sortKey, splitPath } from './paths';
import { compareValues } from './values';

interface Keyed<T> {
  keys: unknown[];
  item: T;
  seq: number;
}

export interface CompiledSort {
  fields: { parts: readonly string[]; dir: 1 | -1 }[];
}

export function compileSort(spec: SortSpec): CompiledSort {
  const fields = Object.entries(spec).map(([path, dir]) => {
    if (dir !== 1 && dir !== -1) throw new TypeError(`Sort direction for ${path} must be 1 or -1`);
    return { parts: splitPath(path), dir };
  });
  return { fields };
}

/** Collects items one at a time and hands them back sorted; with `k`, keeps only the best k
 * as they arrive (a bounded insertion buffer), so a scan can sort while its documents are hot. */
export interface Sorter<T> {
  add(item: T): void;
  finish(): T[];
}

export function createSorter<T>(sort: CompiledSort, docOf: (item: T) => unknown, k?: number): Sorter<T> {
  const { fields } = sort;
  let seq = 0;
  const cmp = (a: Keyed<T>, b: Keyed<T>): number => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return fields[i].dir === 1 ? c : -c;
    }
    return a.seq - b.seq;
  };
  const keyed = (item: T): Keyed<T> => {
    const doc = docOf(item);
    const keys = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) keys[i] = sortKey(doc, fields[i].parts, fields[i].dir);
    return { keys, item, seq: seq++ };
  };
  const all: Keyed<T>[] = [];
  if (k === undefined || k > 1000 || fields.length === 0) {
    return {
      add: (item) => {
        all.push(fields.length === 0 ? { keys: [], item, seq: seq++ } : keyed(item));
      },
      finish: () => {
        if (fields.length > 0) all.sort(cmp);
        const out = all.map((e) => e.item);
        return k === undefined ? out : out.slice(0, k);
      },
    };
  }
  const first = fields[0];
  return {
    add: (item) => {
      if (k <= 0) return;
      if (all.length === k) {
        // Most candidates lose on the first sort field: reject them before building keys.
        const c = compareValues(sortKey(docOf(item), first.parts, first.dir), all[k - 1].keys[0]);
        if ((first.dir === 1 ? c : -c) > 0) {
          seq++;
          return;
        }
      }
      const e = keyed(item);
      if (all.length === k && cmp(e, all[k - 1]) >= 0) return;
      let lo = 0;
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cmp(all[mid], e) <= 0) lo = mid + 1;
        else hi = mid;
      }
      all.splice(lo, 0, e);
      if (all.length > k) all.pop();
    },
    finish: () => all.map((e) => e.item),
  };
}

/**
 * Sorts `items` (stable: ties keep their input order). With `k`, returns only the first k.
 * `docOf` gives the document each item sorts by.
 */
export function sortItems<T>(items: readonly T[], sort: CompiledSort, docOf: (item: T) => unknown, k?: number): T[] {
  const sorter = createSorter(sort, docOf, k);
  for (const item of items) sorter.add(item);
  return sorter.finish();
}
