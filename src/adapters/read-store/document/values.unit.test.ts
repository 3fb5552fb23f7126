import { cloneValue } from './clone';
import { keyValues, sortKey } from './paths';
import { compileProjection } from './projection';
import { compareValues, EMPTY_ARRAY_SORT_KEY, MAX_KEY, MIN_KEY, valuesEqual } from './values';

describe('value ordering', () => {
  it('orders types as BSON does: null < numbers < strings < objects < arrays < booleans < Dates', () => {
    const ordered = [null, -Infinity, -1, 0, 2.5, 'A', 'a', 'b', { a: 1 }, { a: 2 }, { b: 0 }, [], [1], [1, 2], [2], false, true, new Date(0), new Date(1)];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect([i, j, Math.sign(compareValues(ordered[i], ordered[j]))]).toEqual([i, j, Math.sign(i - j)]);
      }
    }
    expect(compareValues(undefined, null)).toBe(0);
    expect(compareValues(MIN_KEY, null)).toBe(-1);
    expect(compareValues(MAX_KEY, new Date(8.64e15))).toBe(1);
    expect(compareValues(EMPTY_ARRAY_SORT_KEY, null)).toBe(-1);
    expect(compareValues(NaN, -Infinity)).toBe(-1);
  });

  it('equality: Dates by time, arrays and objects by content in order, missing only equals missing', () => {
    expect(valuesEqual(new Date(5), new Date(5))).toBe(true);
    expect(valuesEqual({ a: 1, b: [1, { c: 2 }] }, { a: 1, b: [1, { c: 2 }] })).toBe(true);
    expect(valuesEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(valuesEqual(null, undefined)).toBe(false);
    expect(valuesEqual(NaN, NaN)).toBe(true);
    expect(valuesEqual(1, '1')).toBe(false);
  });
});

describe('paths', () => {
  it('collects index keys: missing as null, one per array element, multikey flagged', () => {
    expect(keyValues({ a: 1 }, ['b'])).toEqual({ values: [null], multikey: false });
    expect(keyValues({ a: [1, 2] }, ['a'])).toEqual({ values: [1, 2], multikey: true });
    expect(keyValues({ a: [{ b: 1 }, { c: 1 }] }, ['a', 'b'])).toEqual({ values: [1, null], multikey: true });
    expect(keyValues({ a: { b: 'x' } }, ['a', 'b'])).toEqual({ values: ['x'], multikey: false });
    expect(keyValues({ a: [] }, ['a'])).toEqual({ values: [[]], multikey: true });
  });

  it('sort keys use the smallest element ascending and the largest descending', () => {
    expect(sortKey({ a: [3, 1, 2] }, ['a'], 1)).toBe(1);
    expect(sortKey({ a: [3, 1, 2] }, ['a'], -1)).toBe(3);
    expect(sortKey({ a: [{ b: 4 }, { b: 2 }] }, ['a', 'b'], 1)).toBe(2);
    expect(sortKey({}, ['a'], 1)).toBeNull();
    expect(sortKey({ a: [] }, ['a'], 1)).toBe(EMPTY_ARRAY_SORT_KEY);
  });
});

describe('copies', () => {
  it('deep-copies objects, arrays and Dates, dropping undefined fields', () => {
    const src = { a: [1, { b: new Date(7) }], c: { d: 'x', u: undefined }, n: null, arr: [undefined] };
    const copy = cloneValue(src);
    expect(copy).toEqual({ a: [1, { b: new Date(7) }], c: { d: 'x' }, n: null, arr: [null] });
    expect('u' in copy.c).toBe(false);
    expect(copy.a).not.toBe(src.a);
    expect((copy.a[1] as { b: Date }).b).not.toBe((src.a[1] as { b: Date }).b);
    expect((copy.a[1] as { b: Date }).b).toBeInstanceOf(Date);
  });

  it('projects by inclusion and exclusion into fresh copies', () => {
    const doc = { _id: 'x', a: { b: 1, c: 2 }, l: [{ b: 1, c: 2 }, 5], z: 0 };
    expect(compileProjection({ 'a.b': 1, z: 1 })(doc)).toEqual({ _id: 'x', a: { b: 1 }, z: 0 });
    expect(compileProjection({ 'l.c': 1, _id: 0 })(doc)).toEqual({ l: [{ c: 2 }] });
    expect(compileProjection({ 'l.c': 0, a: 0 })(doc)).toEqual({ _id: 'x', l: [{ b: 1 }, 5], z: 0 });
    expect(compileProjection({ _id: 0 })(doc)).toEqual({ a: { b: 1, c: 2 }, l: [{ b: 1, c: 2 }, 5], z: 0 });
    expect(compileProjection({ _id: 1 })(doc)).toEqual({ _id: 'x' });
    const full = compileProjection(undefined)(doc);
    expect(full).toEqual(doc);
    expect(full.a).not.toBe(doc.a);
    expect(() => compileProjection({ a: 1, z: 0 })).toThrow(/mix/);
  });

  it('projects for a reader that only reads into a fresh top level over the stored values, frozen, once per document', () => {
    const doc = { _id: 'x', a: { b: 1, c: 2 }, l: [{ b: 1, c: 2 }, 5], comments: [{ t: 'hi' }], z: 0 };
    const spec = { comments: 0 };
    const shared = compileProjection(spec, true);
    expect(compileProjection(spec, true)).toBe(shared);
    const out = shared(doc);
    expect(out).toEqual({ _id: 'x', a: { b: 1, c: 2 }, l: [{ b: 1, c: 2 }, 5], z: 0 });
    expect(out.a).toBe(doc.a);
    expect(Object.isFrozen(doc.a) && Object.isFrozen(doc.l[0])).toBe(true);
    expect(Object.isFrozen(out)).toBe(true);
    expect(Object.isFrozen(doc.comments)).toBe(false);
    // The same stored object again: the same projection; another object (a new version): its own.
    expect(shared(doc)).toBe(out);
    const next = { ...doc, z: 1 };
    expect(shared(next)).not.toBe(out);
    expect(shared(next).z).toBe(1);
    const included = compileProjection({ 'a.b': 1, l: 1 }, true)(doc);
    expect(included).toEqual({ _id: 'x', a: { b: 1 }, l: [{ b: 1, c: 2 }, 5] });
    expect(included.l).toBe(doc.l);
    // The copying projection of the same spec still copies.
    expect(compileProjection(spec)(doc).a).not.toBe(doc.a);
  });

  it('compiles a spec written inline once: equal specs share one projector and its projections', () => {
    const doc = { _id: 'x', a: { b: 1 }, comments: [], z: 0 };
    const inline = () => compileProjection({ comments: 0, zz: 0 }, true);
    expect(inline()).toBe(inline());
    expect(inline()(doc)).toBe(inline()(doc));
    expect(compileProjection({ comments: 0, zz: 0 })).toBe(compileProjection({ comments: 0, zz: 0 }));
    expect(compileProjection({ comments: 0, zz: 0 })).not.toBe(inline());
    expect(compileProjection({ zz: 0, comments: 0 }, true)(doc)).toEqual(inline()(doc));
  });

  it('excludes whole top-level fields into a deep copy that keeps the field order', () => {
    const when = new Date(5);
    const doc = { _id: 'x', a: { b: [1, { c: 2 }] }, comments: [{ t: 'hi' }], at: when, history: [], n: null, z: 0 };
    const out = compileProjection({ comments: 0, history: 0 })(doc);
    expect(Object.keys(out)).toEqual(['_id', 'a', 'at', 'n', 'z']);
    expect(out).toEqual({ _id: 'x', a: { b: [1, { c: 2 }] }, at: new Date(5), n: null, z: 0 });
    expect(out.a).not.toBe(doc.a);
    expect((out.a as { b: unknown[] }).b[1]).not.toBe(doc.a.b[1]);
    expect(out.at).not.toBe(when);
    // Five fields go the general way, with the same answer.
    expect(compileProjection({ a: 0, comments: 0, at: 0, history: 0, n: 0 })(doc)).toEqual({ _id: 'x', z: 0 });
    expect(compileProjection({ _id: 0, a: 0, comments: 0, at: 0 })(doc)).toEqual({ history: [], n: null, z: 0 });
  });
});
