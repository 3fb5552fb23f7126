/**
 * MongoDB filters and sorts → SQL over a collection's key columns (schema.ts).
 *
 * The translation is a superset: the rows the SQL selects always include every document the
 * filter matches. It is `exact` when they are exactly those documents; then a page and its count
 * are answered by SQLite alone (LIMIT/OFFSET, count(*)). Otherwise the documents SQLite selects
 * are checked against the whole filter in code (document/filter.ts) — what SQL cannot express
 * is evaluated only on the candidates an index narrowed.
 *
 * Translated: equality (null included), $eq $ne $in $nin $gt $gte $lt $lte on a key column, with
 * bounds kept within the bound's type as MongoDB compares only within one type; the same on a
 * multikey field through its side table (an element matches); a `^literal` $regex as a prefix
 * range (not exact); $exists:false as IS NULL (not exact); $and; $or when every branch
 * translates. Everything else ($not, $elemMatch, $all, $size, $nor, $exists:true, other
 * regexes, fields without a key column) adds no condition and makes the translation inexact.
 */
import type { Filter, SortSpec } from '../../../ports/read-store';
import { isOperatorObject } from '../document/filter';
import { isPlainObject, type PlainObject } from '../document/values';
import { keyOf, keyTypeOf, TYPE_BOUNDS, type SqlValue } from './codec';
import type { CollectionSchema } from './schema';

export interface Translated {
  /** A SQL condition, or null for "no condition" (every row). */
  sql: string | null;
  params: SqlValue[];
  exact: boolean;
  /** The conditions `sql` joins with AND, when there are several (their params in order). */
  parts?: readonly Translated[];
  /** A lookup of a multikey field's elements in the side table: `rid IN (SELECT rid FROM {side} WHERE f = ? AND …)`. */
  lookup?: true;
  /** An equality: of a multikey field's elements (`field`: its position) or of a key column. */
  equal?: { field: number; key: SqlValue } | { col: string; key: SqlValue };
  /** A multikey field's elements in [low, high): a `^literal` regex. */
  prefix?: { field: number; low: string; high: string };
}

/** The side-table lookup as {@link elements} writes it, and as a correlated check of each row. */
export const ELEMENTS_IN = 'rid IN (SELECT rid FROM {side} WHERE ';
export const ELEMENTS_EXISTS = 'EXISTS (SELECT 1 FROM {side} WHERE {side}.rid = {t}.rid AND ';

const ALL: Translated = { sql: null, params: [], exact: true };
const UNTRANSLATED: Translated = { sql: null, params: [], exact: false };
const NOTHING: Translated = { sql: '0', params: [], exact: true };

type Target = { kind: 'column'; col: string } | { kind: 'multikey'; field: number } | null;

function targetOf(schema: CollectionSchema, path: string): Target {
  if (path === '_id') return { kind: 'column', col: 'id' };
  const col = schema.columnOf.get(path);
  if (col === undefined || schema.lossy.has(path)) return null;
  if (schema.multikey.has(path)) return { kind: 'multikey', field: schema.fields.indexOf(path) };
  return { kind: 'column', col };
}

function and(parts: readonly Translated[]): Translated {
  const kept: Translated[] = [];
  const params: SqlValue[] = [];
  let exact = true;
  for (const p of parts) {
    exact &&= p.exact;
    if (p.sql === null) continue;
    // Nested conjunctions are flattened, so each lookup is a part of its own.
    kept.push(...(p.parts ?? [p]));
    params.push(...p.params);
  }
  if (kept.length === 0) return { sql: null, params, exact };
  if (kept.length === 1) return { ...kept[0]!, exact };
  return { sql: kept.map((p) => `(${p.sql!})`).join(' AND '), params, exact, parts: kept };
}

export function translateFilter(schema: CollectionSchema, filter: Filter | undefined): Translated {
  if (filter === undefined || filter === null) return ALL;
  const parts: Translated[] = [];
  for (const key of Object.keys(filter)) {
    const c = filter[key];
    if (key === '$comment') continue;
    if (key === '$and') {
      if (!Array.isArray(c)) return UNTRANSLATED;
      for (const sub of c) parts.push(isPlainObject(sub) ? translateFilter(schema, sub) : UNTRANSLATED);
    } else if (key === '$or') {
      parts.push(Array.isArray(c) ? or(schema, c) : UNTRANSLATED);
    } else if (key.charCodeAt(0) === 36) {
      parts.push(UNTRANSLATED);
    } else {
      parts.push(field(schema, key, c));
    }
  }
  return and(parts);
}

function or(schema: CollectionSchema, branches: readonly unknown[]): Translated {
  if (branches.length === 0) return UNTRANSLATED;
  const translated = branches.map((b) => (isPlainObject(b) ? translateFilter(schema, b) : UNTRANSLATED));
  if (translated.some((t) => t.sql === null)) return UNTRANSLATED;
  return {
    sql: translated.map((t) => `(${t.sql})`).join(' OR '),
    params: translated.flatMap((t) => t.params),
    exact: translated.every((t) => t.exact),
  };
}

function field(schema: CollectionSchema, path: string, condition: unknown): Translated {
  const target = targetOf(schema, path);
  if (target === null) return UNTRANSLATED;
  if (condition instanceof RegExp) return regex(target, condition.source, condition.flags);
  if (!isOperatorObject(condition)) return equals(target, condition);
  const parts: Translated[] = [];
  const bounded = target.kind === 'column' ? between(target.col, condition) : null;
  if (bounded) parts.push(bounded);
  for (const op of Object.keys(condition)) {
    const arg = condition[op];
    if (bounded && Object.hasOwn(COMPARATORS, op)) continue;
    switch (op) {
      case '$eq':
        parts.push(arg instanceof RegExp ? UNTRANSLATED : equals(target, arg));
        break;
      case '$ne':
        parts.push(notEquals(target, arg));
        break;
      case '$in':
        parts.push(inList(target, arg));
        break;
      case '$nin':
        parts.push(notInList(target, arg));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        parts.push(range(target, op, arg));
        break;
      case '$exists':
        parts.push(arg === false && target.kind === 'column' ? { sql: `${target.col} IS NULL`, params: [], exact: false } : UNTRANSLATED);
        break;
      case '$regex':
        parts.push(
          typeof arg === 'string'
            ? regex(target, arg, typeof condition.$options === 'string' ? condition.$options : '')
            : arg instanceof RegExp
              ? regex(target, arg.source, arg.flags)
              : UNTRANSLATED,
        );
        break;
      case '$options':
        break;
      case '$comment':
        break;
      default:
        parts.push(UNTRANSLATED);
    }
  }
  return and(parts);
}

function elements(target: { field: number }, condition: string, params: SqlValue[], exact: boolean): Translated {
  return { sql: `${ELEMENTS_IN}f = ? AND ${condition})`, params: [target.field, ...params], exact, lookup: true };
}

function equals(target: Exclude<Target, null>, value: unknown): Translated {
  if (Array.isArray(value)) return UNTRANSLATED;
  const key = keyOf(value);
  if (key === undefined) return UNTRANSLATED;
  if (target.kind === 'multikey') return key === null ? UNTRANSLATED : { ...elements(target, 'k = ?', [key], true), equal: { field: target.field, key } };
  return key === null ? { sql: `${target.col} IS NULL`, params: [], exact: true } : { sql: `${target.col} = ?`, params: [key], exact: true, equal: { col: target.col, key } };
}

function notEquals(target: Exclude<Target, null>, value: unknown): Translated {
  if (target.kind === 'multikey' || Array.isArray(value)) return UNTRANSLATED;
  const key = keyOf(value);
  if (key === undefined) return UNTRANSLATED;
  return key === null ? { sql: `${target.col} IS NOT NULL`, params: [], exact: true } : { sql: `${target.col} IS NOT ?`, params: [key], exact: true };
}

function keysOfList(list: unknown): { keys: SqlValue[]; hasNull: boolean } | null {
  if (!Array.isArray(list)) return null;
  const keys: SqlValue[] = [];
  let hasNull = false;
  for (const v of list) {
    if (Array.isArray(v) || v instanceof RegExp) return null;
    const key = keyOf(v);
    if (key === undefined) return null;
    if (key === null) hasNull = true;
    else keys.push(key);
  }
  return { keys, hasNull };
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function inList(target: Exclude<Target, null>, list: unknown): Translated {
  const parsed = keysOfList(list);
  if (parsed === null) return UNTRANSLATED;
  const { keys, hasNull } = parsed;
  if (target.kind === 'multikey') {
    if (hasNull) return UNTRANSLATED;
    return keys.length === 0 ? NOTHING : elements(target, `k IN (${placeholders(keys.length)})`, keys, true);
  }
  const inSql = keys.length ? `${target.col} IN (${placeholders(keys.length)})` : null;
  if (hasNull) return { sql: inSql ? `${inSql} OR ${target.col} IS NULL` : `${target.col} IS NULL`, params: keys, exact: true };
  return inSql ? { sql: inSql, params: keys, exact: true } : NOTHING;
}

function notInList(target: Exclude<Target, null>, list: unknown): Translated {
  if (target.kind === 'multikey') return UNTRANSLATED;
  const parsed = keysOfList(list);
  if (parsed === null) return UNTRANSLATED;
  const { keys, hasNull } = parsed;
  const notIn = keys.length ? `${target.col} NOT IN (${placeholders(keys.length)})` : null;
  if (hasNull) return { sql: notIn ? `${target.col} IS NOT NULL AND ${notIn}` : `${target.col} IS NOT NULL`, params: keys, exact: true };
  return notIn ? { sql: `${target.col} IS NULL OR ${notIn}`, params: keys, exact: true } : ALL;
}

const COMPARATORS: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

/**
 * Bounds on both sides of a column, all of one type: the values between them are of that type,
 * so the type's own limits, which {@link range} adds to a one-sided bound, are left out. Given
 * both, SQLite sees two lower and two upper bounds and may take the type's limits for the index
 * range: a day of tickets (`created_at` between two dates) read every ticket. Null otherwise.
 * Not for array fields, where each bound may be met by a different element.
 */
function between(col: string, condition: PlainObject): Translated | null {
  const ops = Object.keys(condition).filter((op) => Object.hasOwn(COMPARATORS, op));
  const upward = (op: string) => op === '$gt' || op === '$gte';
  if (!ops.some(upward) || ops.every(upward)) return null;
  const type = keyTypeOf(condition[ops[0]!]);
  if (type === undefined || ops.some((op) => keyTypeOf(condition[op]) !== type)) return null;
  return { sql: ops.map((op) => `${col} ${COMPARATORS[op]} ?`).join(' AND '), params: ops.map((op) => keyOf(condition[op])!), exact: true };
}

function range(target: Exclude<Target, null>, op: string, bound: unknown): Translated {
  const type = keyTypeOf(bound);
  if (type === undefined) return UNTRANSLATED;
  const key = keyOf(bound)!;
  const bounds = TYPE_BOUNDS[type];
  const upward = op === '$gt' || op === '$gte';
  // Keep within the bound's type: below the next type's lowest key, or above the type's lowest.
  const clauses = [`{col} ${COMPARATORS[op]} ?`];
  const params: SqlValue[] = [key];
  if (upward) {
    clauses.push(`{col} ${bounds.highInclusive ? '<=' : '<'} ?`);
    params.push(bounds.high);
  } else if (bounds.low !== null) {
    clauses.push(`{col} ${bounds.lowInclusive ? '>=' : '>'} ?`);
    params.push(bounds.low);
  }
  if (target.kind === 'multikey') return elements(target, clauses.map((c) => c.replace('{col}', 'k')).join(' AND '), params, true);
  return { sql: clauses.map((c) => c.replace('{col}', target.col)).join(' AND '), params, exact: true };
}

/**
 * A case-sensitive regex that starts with `^literal` selects the strings with that prefix: the
 * range [literal, literal with its last character raised), in UTF-8 byte order as in code point
 * order. Exact when the regex is nothing but `^literal`; for a multikey field that is "an element
 * has the prefix", which is what the regex means there too.
 */
function regex(target: Exclude<Target, null>, source: string, flags: string): Translated {
  if (/[imxs]/.test(flags)) return UNTRANSLATED;
  const m = /^\^((?:[^\\^$.|?*+()[\]{}]|\\[\\^$.|?*+()[\]{}/-])+)/.exec(source);
  if (!m) return UNTRANSLATED;
  const prefix = m[1]!.replace(/\\(.)/g, '$1');
  const last = prefix.charCodeAt(prefix.length - 1);
  // A surrogate or U+FFFF cannot be raised to the next code point within one UTF-16 unit.
  if (last >= 0xd800 && (last <= 0xdfff || last === 0xffff)) return UNTRANSLATED;
  const upper = prefix.slice(0, -1) + String.fromCharCode(last + 1);
  const exact = m[0].length === source.length;
  if (target.kind === 'multikey') return { ...elements(target, 'k >= ? AND k < ?', [prefix, upper], exact), prefix: { field: target.field, low: prefix, high: upper } };
  return { sql: `${target.col} >= ? AND ${target.col} < ?`, params: [prefix, upper], exact };
}

/** The terms of an ORDER BY that {@link translateSort} wrote: each key column and its direction. */
export function orderTerms(order: string): Array<{ col: string; dir: 1 | -1 }> {
  return order.split(', ').map((term) => {
    const [col, dir] = term.split(' ');
    return { col: col!, dir: dir === 'DESC' ? -1 : 1 };
  });
}

/** ORDER BY for a sort on key columns, or null when a sort field has none (sorted in code). */
export function translateSort(schema: CollectionSchema, sort: SortSpec | undefined): string | null | undefined {
  if (sort === undefined) return undefined;
  const terms: string[] = [];
  for (const [path, dir] of Object.entries(sort)) {
    const target = targetOf(schema, path);
    if (target === null || target.kind !== 'column') return null;
    terms.push(`${target.col} ${dir === -1 ? 'DESC' : 'ASC'}`);
  }
  return terms.length ? terms.join(', ') : undefined;
}
