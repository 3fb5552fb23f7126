/**
 * The fast path for filters that pin `_id`: `{ _id: s }`, `{ _id: { $eq: s } }` or
 * `{ _id: { $in: [s, ...] } }` (strings), plus "simple" conditions on other fields, such as
 * the projector's idempotency guard `{ _id, $or: [{ _pos: { $lt: n } }, { _pos: { $exists:
 * false } }] }`. Such a filter needs no compiled predicate and no plan: the candidates come from
 * the primary map and the other conditions are interpreted directly against each (one or a
 * few) document, without allocating.
 *
 * Simple conditions are exactly those whose compiled form (filter.ts) cannot throw and whose
 * meaning is reproduced here:
 *  - top-level (undotted) fields other than `_id`, compared with a string, boolean, number
 *    (not NaN) or null, directly or through $eq $ne $gt $gte $lt $lte, or with $exists, or
 *    $in over strings, booleans and numbers (not NaN); an array value matches when an element
 *    does, as in MongoDB;
 *  - $and, $or and $nor over nonempty lists of simple filters, and $comment.
 * Anything else (dotted paths, other operators, objects, arrays, Dates, RegExps, `_id` inside
 * $and/$or/$nor) goes through the compiled filter and the planner, unchanged.
 */
import type { Filter } from '../../../ports/read-store';
import { isPlainObject, type PlainObject } from './values';

/** The candidates of a filter that pins `_id` (one id, or the $in list), else undefined. */
export function pinnedIds(filter: Filter | undefined): string | readonly string[] | undefined {
  if (filter === undefined || filter === null) return undefined;
  const v = filter._id;
  if (typeof v === 'string') return v;
  if (typeof v !== 'object' || v === null || !isPlainObject(v)) return undefined;
  let op: string | undefined;
  for (const k in v) {
    if (op !== undefined) return undefined;
    op = k;
  }
  const arg = op === undefined ? undefined : v[op];
  if (op === '$eq') return typeof arg === 'string' ? arg : undefined;
  if (op !== '$in' || !Array.isArray(arg)) return undefined;
  for (let i = 0; i < arg.length; i++) if (typeof arg[i] !== 'string') return undefined;
  return arg as string[];
}

/** Whether every condition of `filter` besides its top-level `_id` is simple (see above). */
export function isSimpleFilter(filter: PlainObject, top: boolean): boolean {
  for (const k in filter) {
    const c = filter[k];
    if (k.charCodeAt(0) === 36 /* $ */) {
      if (k === '$comment') continue;
      if (k !== '$and' && k !== '$or' && k !== '$nor') return false;
      if (!Array.isArray(c) || c.length === 0) return false;
      for (let i = 0; i < c.length; i++) {
        const sub: unknown = c[i];
        if (!isPlainObject(sub) || !isSimpleFilter(sub, false)) return false;
      }
      continue;
    }
    if (k === '_id') {
      if (top) continue;
      return false;
    }
    if (k.includes('.')) return false;
    if (isLiteral(c)) continue;
    if (!isPlainObject(c)) return false;
    let any = false;
    for (const op in c) {
      any = true;
      const a = c[op];
      switch (op) {
        case '$eq':
        case '$ne':
          if (!isLiteral(a)) return false;
          break;
        case '$gt':
        case '$gte':
        case '$lt':
        case '$lte':
          if (!(typeof a === 'string' || a === null || (typeof a === 'number' && !Number.isNaN(a)))) return false;
          break;
        case '$exists':
          break;
        case '$in':
          if (!Array.isArray(a)) return false;
          for (let i = 0; i < a.length; i++) {
            const e: unknown = a[i];
            if (!(typeof e === 'string' || typeof e === 'boolean' || (typeof e === 'number' && !Number.isNaN(e)))) return false;
          }
          break;
        default:
          return false;
      }
    }
    // {} is an equality with an empty document.
    if (!any) return false;
  }
  return true;
}

/** A scalar an equality compares with `===` (null also matching missing). */
function isLiteral(c: unknown): boolean {
  const t = typeof c;
  return t === 'string' || t === 'boolean' || (t === 'number' && !Number.isNaN(c)) || c === null;
}

/**
 * Whether `doc` matches a filter {@link isSimpleFilter} accepted. `top`: the filter is the
 * whole filter, whose `_id` condition picked `doc` and so holds.
 */
export function matchesSimple(doc: PlainObject, filter: PlainObject, top: boolean): boolean {
  for (const k in filter) {
    const c = filter[k];
    if (k.charCodeAt(0) === 36 /* $ */) {
      if (k === '$comment') continue;
      const subs = c as PlainObject[];
      if (k === '$and') {
        for (let i = 0; i < subs.length; i++) if (!matchesSimple(doc, subs[i], false)) return false;
      } else if (k === '$or') {
        let any = false;
        for (let i = 0; i < subs.length && !any; i++) any = matchesSimple(doc, subs[i], false);
        if (!any) return false;
      } else {
        for (let i = 0; i < subs.length; i++) if (matchesSimple(doc, subs[i], false)) return false;
      }
      continue;
    }
    if (top && k === '_id') continue;
    const v = doc[k];
    if (typeof c !== 'object' || c === null) {
      if (!equalsAt(v, c)) return false;
      continue;
    }
    const ops = c as PlainObject;
    for (const op in ops) {
      const a = ops[op];
      let ok: boolean;
      switch (op) {
        case '$eq':
          ok = equalsAt(v, a);
          break;
        case '$ne':
          ok = !equalsAt(v, a);
          break;
        case '$exists':
          ok = a ? v !== undefined : v === undefined;
          break;
        case '$in':
          ok = inAt(v, a as unknown[]);
          break;
        default:
          ok = compareAt(v, op, a);
      }
      if (!ok) return false;
    }
  }
  return true;
}

function equals(v: unknown, c: unknown): boolean {
  return c === null ? v === null || v === undefined : v === c;
}

/** Equality at a path: the value, or one of its elements when it is an array. */
function equalsAt(v: unknown, c: unknown): boolean {
  if (equals(v, c)) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (equals(v[i], c)) return true;
  }
  return false;
}

function inAt(v: unknown, list: unknown[]): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (list.includes(v[i])) return true;
    return false;
  }
  return list.includes(v);
}

/** $gt/$gte/$lt/$lte with a string, a number or null: only values of the same type compare. */
function compare(v: unknown, op: string, c: unknown): boolean {
  if (c === null) return (op === '$gte' || op === '$lte') && (v === null || v === undefined);
  if (typeof v !== typeof c) return false;
  const x = v as number | string;
  const y = c as number | string;
  switch (op) {
    case '$gt':
      return x > y;
    case '$gte':
      return x >= y;
    case '$lt':
      return x < y;
    default:
      return x <= y;
  }
}

function compareAt(v: unknown, op: string, c: unknown): boolean {
  if (compare(v, op, c)) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (compare(v[i], op, c)) return true;
  }
  return false;
}
