/**
 * Deep copy for documents going into and out of the store. Faster than structuredClone for
 * JSON-like data (see bench/read-store.ts); keeps Dates as Dates. Object fields whose value is
 * undefined are dropped and undefined array elements become null, as a JSON or BSON round
 * trip would do.
 */

export function cloneValue<T>(value: T): T {
  return (typeof value === 'object' && value !== null ? cloneObject(value) : value) as T;
}

function cloneObject(v: object): unknown {
  if (Array.isArray(v)) {
    const n = v.length;
    const out: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const e: unknown = v[i];
      out[i] = typeof e === 'object' ? (e === null ? null : cloneObject(e)) : e === undefined ? null : e;
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k in src) {
      const e = src[k];
      if (e === undefined) continue;
      out[k] = typeof e === 'object' && e !== null ? cloneObject(e) : e;
    }
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof RegExp) return new RegExp(v.source, v.flags);
  return structuredClone(v);
}
