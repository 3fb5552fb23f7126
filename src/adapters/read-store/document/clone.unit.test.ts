import { cloneStored, cloneValue } from './clone';

/** The field-by-field copy the store used before the spread-based one: the reference. */
function reference(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((e: unknown) => (e === undefined ? null : reference(e)));
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k in src) {
      const e = src[k];
      if (e === undefined) continue;
      out[k] = reference(e);
    }
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof RegExp) return new RegExp(v.source, v.flags);
  return structuredClone(v);
}

/** Deep equality that also compares key order, prototypes and symbol keys. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null) return Object.is(a, b);
  if (typeof b !== 'object' || b === null) return false;
  const pa: unknown = Object.getPrototypeOf(a);
  const pb: unknown = Object.getPrototypeOf(b);
  // Prototypes are the same object, or (set from an own __proto__ field) equal copies.
  if (pa !== pb && (pa === Object.prototype || pb === Object.prototype || !same(pa, pb))) return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k]));
}

/** Whether a copy holds any object of the original (at any depth), instead of a copy of it. */
function sharesObjects(copy: unknown, original: unknown): boolean {
  const seen = new Set<unknown>();
  const collect = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    for (const k of Reflect.ownKeys(v)) collect((v as Record<PropertyKey, unknown>)[k]);
  };
  collect(original);
  let shared = false;
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || shared) return;
    if (seen.has(v)) {
      shared = true;
      return;
    }
    for (const k of Reflect.ownKeys(v)) visit((v as Record<PropertyKey, unknown>)[k]);
  };
  visit(copy);
  return shared;
}

function wide(n: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[`f${i}`] = i % 3 === 0 ? { i, nested: [i, { deep: `v${i}` }] } : `s${i}`;
  return o;
}

describe('clone', () => {
  const sym = Symbol('s');
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: { c: 2 } });
  const withProtoKey = JSON.parse('{"a":1,"__proto__":{"polluted":true},"b":2}') as Record<string, unknown>;
  const cases: [string, unknown][] = [
    ['flat', { _id: 'x', a: 1, b: 'two', c: null, d: true }],
    ['nested', { _id: 'x', a: { b: { c: [1, { d: 2 }] } }, e: [] }],
    ['undefined fields dropped', { _id: 'x', a: undefined, b: { c: undefined, d: 1 }, e: 2 }],
    ['undefined array elements become null', { a: [1, undefined, { b: undefined }] }],
    ['integer-like keys', { b: 1, 2: 'two', a: 3, 1: 'one' }],
    ['dates and regexps', { at: new Date(1234), re: /x+/gi, list: [new Date(5)] }],
    ['symbol keys dropped', { a: 1, [sym]: 'hidden', b: { [sym]: 1, c: 2 } }],
    ['null prototype', { a: nullProto }],
    ['own __proto__ key', { doc: withProtoKey }],
    ['wide (40 fields)', wide(40)],
    ['wide, an undefined field early', { early: undefined, ...wide(30) }],
    ['wide, an undefined field late', { ...wide(30), late: undefined, last: { x: 1 } }],
    ['wide, symbol keys', { ...wide(20), [sym]: { x: 1 } }],
    ['wide, own __proto__ key late', JSON.parse(`{${Object.keys(wide(20)).map((k) => `"${k}":1`).join(',')},"__proto__":{"p":1},"z":{"q":2}}`) as unknown],
    ['wide, nested wide', { ...wide(20), inner: wide(25) }],
    ['wide, objects around the switch to the spread', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`g${i}`, { i }]))],
    ['class instance', { m: new Map([[1, 2]]) }],
  ];

  it.each(cases)('copy-in gives what the field-by-field copy gave: %s', (_name, value) => {
    const got = cloneValue(value);
    expect(same(got, reference(value))).toBe(true);
    expect(sharesObjects(got, value)).toBe(false);
  });

  it.each(cases.filter(([name]) => !name.startsWith('symbol')))('copy-out of stored values too: %s', (_name, value) => {
    const stored = cloneValue(value);
    const got = cloneStored(stored);
    expect(same(got, reference(stored))).toBe(true);
    expect(sharesObjects(got, stored)).toBe(false);
  });

  it('copies are independent of the original, at every depth', () => {
    const src = { a: { b: [1, { c: 2 }] }, d: new Date(1) };
    const copy = cloneValue(src);
    copy.a.b.push(3);
    (copy.a.b[1] as { c: number }).c = 9;
    copy.d.setTime(5);
    expect(src).toEqual({ a: { b: [1, { c: 2 }] }, d: new Date(1) });
  });
});
