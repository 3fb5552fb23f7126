/**
 * Dotted-path access with MongoDB's array traversal, for index keys and sort keys.
 */
import { BoundedCache } from './cache';
import { compareValues, EMPTY_ARRAY_SORT_KEY, isPlainObject } from './values';

const splitPaths = new BoundedCache<string, readonly string[]>(10_000);

/** A dotted path's parts. Memoised (in a bounded cache): the result is shared, never mutate it. */
export function splitPath(path: string): readonly string[] {
  let parts = splitPaths.get(path);
  if (parts === undefined) {
    parts = Object.freeze(path.split('.'));
    splitPaths.set(path, parts);
  }
  return parts;
}

export function isArrayIndex(part: string): boolean {
  const n = part.length;
  if (n === 0 || n > 9) return false;
  for (let i = 0; i < n; i++) {
    const c = part.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return n === 1 || part.charCodeAt(0) !== 48;
}

/** Result of collecting index key values at one path. */
export interface KeyValues {
  values: unknown[];
  /** An array was met on the way (the index becomes multikey on this field). */
  multikey: boolean;
}

/**
 * The index key values of `doc` at `parts`: one value, or one per array element (multikey),
 * with missing fields as null (MongoDB indexes missing as null). An empty array at the leaf
 * is indexed as the empty array itself.
 */
export function keyValues(doc: unknown, parts: readonly string[]): KeyValues {
  const out: KeyValues = { values: [], multikey: false };
  collectKeys(doc, parts, 0, out);
  return out;
}

function collectKeys(value: unknown, parts: readonly string[], i: number, out: KeyValues): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      out.multikey = true;
      if (value.length === 0) out.values.push(value);
      else for (const e of value) out.values.push(e === undefined ? null : e);
    } else {
      out.values.push(value === undefined ? null : value);
    }
    return;
  }
  if (Array.isArray(value)) {
    out.multikey = true;
    const part = parts[i];
    if (isArrayIndex(part)) {
      collectKeys(value[Number(part)], parts, i + 1, out);
      return;
    }
    let any = false;
    for (const e of value) {
      if (isPlainObject(e)) {
        any = true;
        collectKeys(e[part], parts, i + 1, out);
      }
    }
    if (!any) out.values.push(null);
    return;
  }
  if (isPlainObject(value)) {
    collectKeys(value[parts[i]], parts, i + 1, out);
    return;
  }
  out.values.push(null);
}

/** All values at a path (array elements expanded at the leaf); used for sort keys. */
function collectSortValues(value: unknown, parts: readonly string[], i: number, out: unknown[], state: { empty: boolean }): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) state.empty = true;
      for (const e of value) out.push(e);
    } else {
      out.push(value === undefined ? null : value);
    }
    return;
  }
  if (Array.isArray(value)) {
    const part = parts[i];
    if (isArrayIndex(part)) {
      collectSortValues(value[Number(part)], parts, i + 1, out, state);
      return;
    }
    for (const e of value) if (isPlainObject(e)) collectSortValues(e[part], parts, i + 1, out, state);
    return;
  }
  if (isPlainObject(value)) {
    collectSortValues(value[parts[i]], parts, i + 1, out, state);
    return;
  }
  out.push(null);
}

/**
 * The value a document sorts by on one field: the value itself, or for arrays the smallest
 * element when sorting ascending and the largest when sorting descending (as MongoDB does).
 * Missing sorts as null; an empty array sorts before null.
 */
export function sortKey(doc: unknown, parts: readonly string[], dir: 1 | -1): unknown {
  if (parts.length === 1 && isPlainObject(doc)) {
    const v = doc[parts[0]];
    if (!Array.isArray(v)) return v === undefined ? null : v;
  }
  const values: unknown[] = [];
  const state = { empty: false };
  collectSortValues(doc, parts, 0, values, state);
  if (values.length === 0) return state.empty ? EMPTY_ARRAY_SORT_KEY : null;
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i], best);
    if (dir === 1 ? c < 0 : c > 0) best = values[i];
  }
  return best;
}

/** Reads a (non-array-traversing) value at a path; undefined when missing. */
export function getPath(doc: unknown, parts: readonly string[]): unknown {
  let v: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(v)) {
      if (!isArrayIndex(part)) return undefined;
      v = v[Number(part)];
    } else if (isPlainObject(v)) {
      v = v[part];
    } else {
      return undefined;
    }
  }
  return v;
}

/** The values of a field for distinct(): arrays flattened, missing fields left out. */
export function collectDistinct(value: unknown, parts: readonly string[], i: number, out: unknown[]): void {
  if (value === undefined) return;
  if (i === parts.length) {
    if (Array.isArray(value)) for (const e of value) out.push(e);
    else out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const e of value) if (isPlainObject(e)) collectDistinct(e, parts, i, out);
    return;
  }
  if (isPlainObject(value)) collectDistinct(value[parts[i]], parts, i + 1, out);
}
