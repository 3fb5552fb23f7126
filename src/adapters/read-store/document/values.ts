/**
 * Value ordering and equality with MongoDB (BSON) semantics, for the value kinds documents
 * hold here: null, numbers, strings, plain objects, arrays, booleans, Dates (and RegExps).
 *
 * BSON sort order of types: MinKey < null (and missing) < numbers < strings < objects <
 * arrays < booleans < Dates < RegExps < MaxKey.
 */

export type PlainObject = Record<string, unknown>;

/** A sentinel that sorts just below (`high` false) or just above (`high` true) every value of
 * one type rank. Used for index bounds such as "every number greater than 5" (MongoDB's type
 * bracketing) and for the open ends of an index scan. */
export class TypeEdge {
  constructor(
    readonly rank: number,
    readonly high: boolean,
  ) {}
}

export const RANK_MIN = 0;
export const RANK_EMPTY_ARRAY_SORT = 1;
export const RANK_NULL = 2;
export const RANK_NUMBER = 3;
export const RANK_STRING = 4;
export const RANK_OBJECT = 5;
export const RANK_ARRAY = 6;
export const RANK_BOOLEAN = 9;
export const RANK_DATE = 10;
export const RANK_REGEXP = 12;
export const RANK_MAX = 100;

/** Sorts before every value. */
export const MIN_KEY = new TypeEdge(RANK_MIN, false);
/** Sorts after every value. */
export const MAX_KEY = new TypeEdge(RANK_MAX, true);
/** The sort key of an empty array: MongoDB sorts `[]` before null and missing. */
export const EMPTY_ARRAY_SORT_KEY = new TypeEdge(RANK_EMPTY_ARRAY_SORT, false);

export function isPlainObject(v: unknown): v is PlainObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function typeRank(v: unknown): number {
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return RANK_NUMBER;
    case 'string':
      return RANK_STRING;
    case 'boolean':
      return RANK_BOOLEAN;
    case 'undefined':
      return RANK_NULL;
    case 'object':
      if (v === null) return RANK_NULL;
      if (Array.isArray(v)) return RANK_ARRAY;
      if (v instanceof Date) return RANK_DATE;
      if (v instanceof TypeEdge) return v.rank;
      if (v instanceof RegExp) return RANK_REGEXP;
      return RANK_OBJECT;
    default:
      return RANK_OBJECT;
  }
}

function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // NaN sorts below every other number and equals itself.
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an && bn) return 0;
  return an ? -1 : 1;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order over values, as MongoDB sorts and compares them. Missing (undefined) equals null. */
export function compareValues(a: unknown, b: unknown): number {
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === 'string') return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    if (ta === 'number') return compareNumbers(a as number, b as number);
    if (a instanceof Date && b instanceof Date) return compareNumbers(a.getTime(), b.getTime());
  }
  return compareMixed(a, b);
}

function compareMixed(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a instanceof TypeEdge || b instanceof TypeEdge) {
    const ha = a instanceof TypeEdge ? (a.high ? 1 : -1) : 0;
    const hb = b instanceof TypeEdge ? (b.high ? 1 : -1) : 0;
    return ha === hb ? 0 : ha < hb ? -1 : 1;
  }
  switch (ra) {
    case RANK_NULL:
      return 0;
    case RANK_NUMBER:
      return compareNumbers(Number(a), Number(b));
    case RANK_STRING:
      return compareStrings(a as string, b as string);
    case RANK_BOOLEAN:
      return a === b ? 0 : a ? 1 : -1;
    case RANK_DATE:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case RANK_ARRAY:
      return compareArrays(a as unknown[], b as unknown[]);
    case RANK_REGEXP: {
      const x = a as RegExp;
      const y = b as RegExp;
      return compareStrings(x.source, y.source) || compareStrings(x.flags, y.flags);
    }
    default:
      return compareObjects(a as PlainObject, b as PlainObject);
  }
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** BSON document comparison: pair by pair in field order, by value type, then name, then value. */
function compareObjects(a: PlainObject, b: PlainObject): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]];
    const vb = b[kb[i]];
    const ra = typeRank(va);
    const rb = typeRank(vb);
    if (ra !== rb) return ra < rb ? -1 : 1;
    const c = compareStrings(ka[i], kb[i]) || compareValues(va, vb);
    if (c !== 0) return c;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

/** Equality as a MongoDB equality match sees it: Dates by time, arrays element-wise, objects
 * field by field in order. Missing (undefined) equals only missing; the matcher treats
 * "null matches missing" itself. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof RegExp || b instanceof RegExp) {
    return a instanceof RegExp && b instanceof RegExp && a.source === b.source && a.flags === b.flags;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ao = a as PlainObject;
  const bo = b as PlainObject;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    if (!valuesEqual(ao[ka[i]], bo[kb[i]])) return false;
  }
  return true;
}

/** True for the values an index bound can be built from (a point or an end of a range). */
export function isScalarKey(v: unknown): boolean {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || v === null || v instanceof Date;
}
