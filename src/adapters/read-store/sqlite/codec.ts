/**
 * How documents and index keys are stored in SQLite.
 *
 * Documents are JSON text. JSON has no Date, so a document that holds Dates is written with each
 * Date as `{"$date":"<ISO>"}` and flagged (`dates = 1`), and only flagged documents are read back
 * with a reviver: the common document, without Dates, is parsed by plain JSON.parse.
 *
 * Index keys are SQLite values chosen so that SQLite's own comparison orders them as MongoDB
 * orders BSON (within the types a key can hold) and compares them equal exactly when MongoDB
 * would: null and missing → NULL; numbers → INTEGER/REAL (SQLite compares them numerically);
 * strings → TEXT (BINARY collation: UTF-8 byte order, as MongoDB's simple collation); Dates,
 * booleans and sub-documents → BLOBs that start with their MongoDB type rank, so they sort after
 * every string and in MongoDB's order among themselves (object < boolean < date). SQLite orders
 * NULL < numbers < TEXT < BLOB, which is MongoDB's null < numbers < strings < objects < … .
 */
import { isPlainObject, type PlainObject } from '../document/values';

export type SqlValue = null | number | string | Buffer;

const RANK_OBJECT = 0x05;
const RANK_BOOLEAN = 0x09;
const RANK_DATE = 0x0a;

function containsDate(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (v instanceof Date) return true;
  if (Array.isArray(v)) {
    for (const e of v) if (containsDate(e)) return true;
    return false;
  }
  for (const k in v as PlainObject) if (containsDate((v as PlainObject)[k])) return true;
  return false;
}

function dateReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as PlainObject)[key];
  return raw instanceof Date ? { $date: raw.toISOString() } : value;
}

function dateReviver(_key: string, value: unknown): unknown {
  if (isPlainObject(value) && typeof value.$date === 'string' && Object.keys(value).length === 1) return new Date(value.$date);
  return value;
}

export interface EncodedDoc {
  text: string;
  dates: 0 | 1;
}

export function encodeDoc(doc: PlainObject): EncodedDoc {
  if (containsDate(doc)) return { text: JSON.stringify(doc, dateReplacer), dates: 1 };
  return { text: JSON.stringify(doc), dates: 0 };
}

export function decodeDoc(text: string, dates: number): PlainObject {
  return (dates ? JSON.parse(text, dateReviver) : JSON.parse(text)) as PlainObject;
}

function blob(rank: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = rank;
  body.copy(out, 1);
  return out;
}

/** A Date's key: rank byte, then the time as an order-preserving 8-byte big-endian integer. */
export function dateKey(d: Date): Buffer {
  const body = Buffer.alloc(8);
  // Flip the sign bit so that negative times sort before positive ones.
  body.writeBigInt64BE(BigInt(d.getTime()) ^ -(2n ** 63n));
  return blob(RANK_DATE, body);
}

const FALSE_KEY = Buffer.from([RANK_BOOLEAN, 0]);
const TRUE_KEY = Buffer.from([RANK_BOOLEAN, 1]);

/** Lowest and highest keys of a type (for range bounds that stay within one type). */
export const TYPE_BOUNDS = {
  number: { low: null, lowInclusive: false, high: '', highInclusive: false },
  string: { low: '', lowInclusive: true, high: Buffer.alloc(0), highInclusive: false },
  date: { low: Buffer.from([RANK_DATE]), lowInclusive: true, high: Buffer.from([RANK_DATE + 1]), highInclusive: false },
  boolean: { low: Buffer.from([RANK_BOOLEAN]), lowInclusive: true, high: Buffer.from([RANK_BOOLEAN + 1]), highInclusive: false },
} as const;

export type KeyType = keyof typeof TYPE_BOUNDS;

/**
 * The index key of a scalar value, or undefined when the value has no key that SQLite compares
 * exactly as MongoDB does (NaN, bigint, RegExp, functions ...). Sub-documents get a key whose
 * equality is MongoDB's (same fields in the same order, equal values), not its order.
 */
export function keyOf(v: unknown): SqlValue | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isNaN(v) ? undefined : v === 0 ? 0 : v;
    case 'boolean':
      return v ? TRUE_KEY : FALSE_KEY;
    case 'undefined':
      return null;
    case 'object':
      if (v === null) return null;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : dateKey(v);
      if (isPlainObject(v)) return blob(RANK_OBJECT, Buffer.from(encodeDoc(v).text, 'utf8'));
      return undefined;
    default:
      return undefined;
  }
}

/** The type whose keys a range bound selects, or undefined when no single-type range fits. */
export function keyTypeOf(v: unknown): KeyType | undefined {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : 'date';
  return undefined;
}
