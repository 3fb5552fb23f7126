/**
 * Deep copy for documents going into and out of the store. Faster than structuredClone for
 * JSON-like data (see bench/read-store.ts); keeps Dates as Dates. Object fields whose value is
 * undefined are dropped and undefined array elements become null, as a JSON or BSON round
 * trip would do; symbol-keyed fields are dropped too, as BSON does.
 *
 * A small plain object is copied field by field (the cheapest way). A wide one is copied with
 * a spread ({@link shallowCopy}), then its object-valued fields are replaced by their copies:
 * adding the fields one by one makes objects of more than about 16 fields dictionary-mode
 * ("slow") objects, slower to read and to copy again. Anything unusual (an undefined field,
 * symbol keys, an own `__proto__` field) takes the field-by-field path, which defines the
 * result.
 */

/**
 * A shallow copy of a plain object (own enumerable fields, in order) that is a fast-mode object
 * and stays cheap to write and extend. Written as a spread into a fresh literal on purpose: a
 * bare `{ ...o }` takes V8's clone-object fast path, whose copies can make every later write
 * and added field slow (measured on Node 20: adding 8 fields to 100,000 such copies took
 * ~12 µs per copy instead of ~0.4 µs), while adding fields one by one to `{}` turns objects of
 * more than ~16 fields into dictionary-mode objects.
 */
export function shallowCopy<T extends object>(o: T): T {
  return { ...{}, ...o };
}

/**
 * Objects of up to this many fields are copied field by field (cheapest for small objects); V8
 * keeps objects built that way fast-mode up to about 16 fields.
 */
const FIELD_BY_FIELD = 14;

/** Copies a value given to the store (a document, an update argument, a filter value). */
export function cloneValue<T>(value: T): T {
  return (typeof value === 'object' && value !== null ? cloneObject(value, true) : value) as T;
}

/**
 * Copies a value read from the store. Stored values were made by {@link cloneValue} or by
 * updates from such copies, so they have no symbol keys, which spares the check.
 */
export function cloneStored<T>(value: T): T {
  return (typeof value === 'object' && value !== null ? cloneObject(value, false) : value) as T;
}

function cloneObject(v: object, foreign: boolean): unknown {
  if (Array.isArray(v)) {
    const n = v.length;
    const out: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const e: unknown = v[i];
      out[i] = typeof e === 'object' ? (e === null ? null : cloneObject(e, foreign)) : e === undefined ? null : e;
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const src = v as Record<string, unknown>;
    // Field by field while the object is small; a wide one is copied with a spread instead.
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const k in src) {
      const e = src[k];
      if (e === undefined) continue;
      if (n === FIELD_BY_FIELD && proto !== null) return copyWide(src, out, n, foreign);
      n++;
      out[k] = typeof e === 'object' && e !== null ? cloneObject(e, foreign) : e;
    }
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof RegExp) return new RegExp(v.source, v.flags);
  return structuredClone(v);
}

/**
 * The copy of a plain object of more than {@link FIELD_BY_FIELD} fields: a spread, whose
 * object-valued fields are then replaced by copies (the first `done` fields were copied into
 * `partial` already: their copies are reused). Anything a spread would copy differently from
 * the field-by-field copy (symbol keys, undefined fields, an own `__proto__` field) takes the
 * field-by-field copy.
 */
function copyWide(src: Record<string, unknown>, partial: Record<string, unknown>, done: number, foreign: boolean): Record<string, unknown> {
  if (foreign && Object.getOwnPropertySymbols(src).length > 0) return copyFields(src, foreign);
  const out = shallowCopy(src);
  // With no undefined field (else the field-by-field copy below), the first `done` keys here
  // are the ones copied into `partial`.
  let i = 0;
  for (const k in out) {
    const e = out[k];
    if (typeof e === 'object') {
      if (e !== null) {
        if (k === '__proto__') return copyFields(src, foreign);
        out[k] = i < done ? partial[k] : cloneObject(e, foreign);
      }
    } else if (e === undefined || k === '__proto__') {
      return copyFields(src, foreign);
    }
    i++;
  }
  return out;
}

/** The field-by-field copy (own and inherited enumerable string keys, undefined dropped). */
function copyFields(src: Record<string, unknown>, foreign: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in src) {
    const e = src[k];
    if (e === undefined) continue;
    out[k] = typeof e === 'object' && e !== null ? cloneObject(e, foreign) : e;
  }
  return out;
}
