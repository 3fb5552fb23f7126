import { keyValues } from '../document/paths';
import type { PlainObject } from '../document/values';
import { keyOf, type SqlValue } from './codec';
import type { CollectionSchema } from './schema';

/**
 * A document's keys in a collection's layout: one value per key column, and for multikey fields
 * the distinct keys of their elements. `arrays` and `lossy` name fields this document makes
 * multikey or lossy that the schema does not yet know as such.
 */
export interface DocKeys {
  columns: SqlValue[];
  /** Per field: the element keys when the field is multikey (in the schema or from now on). */
  elements: Array<SqlValue[] | null>;
  arrays: string[];
  lossy: string[];
}

export function keysOf(schema: CollectionSchema, doc: PlainObject): DocKeys {
  const n = schema.fields.length;
  const out: DocKeys = { columns: new Array<SqlValue>(n), elements: new Array<SqlValue[] | null>(n), arrays: [], lossy: [] };
  for (let i = 0; i < n; i++) {
    const path = schema.fields[i]!;
    const parts = schema.fieldParts[i]!;
    // Top-level scalar: the common case, without collecting.
    const top = parts.length === 1 ? doc[parts[0]!] : undefined;
    if (parts.length === 1 && (top === null || typeof top !== 'object' || top instanceof Date)) {
      const key = keyOf(top);
      if (key === undefined && !schema.lossy.has(path)) out.lossy.push(path);
      out.columns[i] = key ?? null;
      out.elements[i] = schema.multikey.has(path) ? (key === undefined ? [] : [key]) : null;
      continue;
    }
    const { values, multikey } = keyValues(doc, parts);
    const isMulti = multikey || schema.multikey.has(path);
    if (multikey && !schema.multikey.has(path)) out.arrays.push(path);
    if (!isMulti) {
      const key = keyOf(values[0]);
      if (key === undefined && !schema.lossy.has(path)) out.lossy.push(path);
      out.columns[i] = key ?? null;
      out.elements[i] = null;
      continue;
    }
    out.columns[i] = null;
    const keys: SqlValue[] = [];
    for (const v of values) {
      // An empty array is indexed as itself, which no element condition matches.
      if (Array.isArray(v)) continue;
      const key = keyOf(v);
      if (key === undefined) {
        if (!schema.lossy.has(path) && !out.lossy.includes(path)) out.lossy.push(path);
        continue;
      }
      if (!keys.some((k) => sameKey(k, key))) keys.push(key);
    }
    out.elements[i] = keys;
  }
  return out;
}

export function sameKey(a: SqlValue | undefined, b: SqlValue | undefined): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return false;
}

export function sameKeys(a: readonly SqlValue[] | null | undefined, b: readonly SqlValue[] | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameKey(a[i], b[i])) return false;
  return true;
}
