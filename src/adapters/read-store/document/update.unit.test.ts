import type { Doc } from '../../../ports/read-store';
import { compileUpdate, UpdateError, upsertSeed } from './update';

const apply = (doc: Doc, update: Record<string, Record<string, unknown>>, isInsert = false): Doc | null => compileUpdate(update).apply(doc, isInsert);

describe('update operators', () => {
  it('never mutates the stored document and shares untouched subtrees', () => {
    const doc = { _id: 'a', keep: { big: [1, 2, 3] }, sub: { n: 1, other: { x: 1 } }, list: [1] };
    const frozen = JSON.stringify(doc);
    const next = apply(doc, { $set: { 'sub.n': 2 }, $push: { list: 2 } }) as Doc & typeof doc;
    expect(JSON.stringify(doc)).toBe(frozen);
    expect(next).toEqual({ _id: 'a', keep: { big: [1, 2, 3] }, sub: { n: 2, other: { x: 1 } }, list: [1, 2] });
    expect(next.keep).toBe(doc.keep);
    expect(next.sub.other).toBe(doc.sub.other);
    expect(next.sub).not.toBe(doc.sub);
  });

  it('returns null when nothing changes', () => {
    const doc = { _id: 'a', n: 1, l: ['x'], d: new Date(5) };
    expect(apply(doc, { $set: { n: 1, d: new Date(5) } })).toBeNull();
    expect(apply(doc, { $inc: { n: 0 } })).toBeNull();
    expect(apply(doc, { $addToSet: { l: 'x' } })).toBeNull();
    expect(apply(doc, { $pull: { l: 'y' } })).toBeNull();
    expect(apply(doc, { $unset: { missing: '' } })).toBeNull();
    expect(apply(doc, { $min: { n: 5 } })).toBeNull();
    expect(apply(doc, { $setOnInsert: { z: 1 } })).toBeNull();
  });

  it('leaves nothing behind when an operator fails halfway', () => {
    const doc = { _id: 'a', n: 1, s: 'text' };
    expect(() => apply(doc, { $set: { n: 2 }, $inc: { s: 1 } })).toThrow(UpdateError);
    expect(doc).toEqual({ _id: 'a', n: 1, s: 'text' });
  });

  it('rejects malformed updates', () => {
    expect(() => compileUpdate({})).toThrow(UpdateError);
    expect(() => compileUpdate({ n: { a: 1 } } as never)).toThrow(/operators/);
    expect(() => compileUpdate({ $bogus: { a: 1 } })).toThrow(/Unsupported/);
    expect(() => compileUpdate({ $set: { a: 1 }, $inc: { a: 1 } })).toThrow(/conflict/);
    expect(() => compileUpdate({ $set: { 'a.b': 1, a: {} } })).toThrow(/conflict/);
    expect(() => compileUpdate({ $set: { 'items.$.qty': 1 } })).toThrow(/Positional/);
    expect(() => apply({ _id: 'a', s: 'x' }, { $set: { 's.t': 1 } })).toThrow(UpdateError);
    expect(() => apply({ _id: 'a', l: 1 }, { $push: { l: 2 } })).toThrow(UpdateError);
    expect(() => apply({ _id: 'a' }, { $set: { _id: 'b' } })).toThrow(/immutable/);
  });

  it('$mul, $rename, $pop, $pullAll', () => {
    expect(apply({ _id: 'a', n: 3 }, { $mul: { n: 2, m: 5 } })).toEqual({ _id: 'a', n: 6, m: 0 });
    expect(apply({ _id: 'a', old: { v: 1 }, x: 1 }, { $rename: { old: 'renamed.inner' } })).toEqual({ _id: 'a', x: 1, renamed: { inner: { v: 1 } } });
    expect(apply({ _id: 'a', l: [1, 2, 3] }, { $pop: { l: 1 } })).toEqual({ _id: 'a', l: [1, 2] });
    expect(apply({ _id: 'a', l: [1, 2, 3] }, { $pop: { l: -1 } })).toEqual({ _id: 'a', l: [2, 3] });
    expect(apply({ _id: 'a', l: [1, 2, 3, 2] }, { $pullAll: { l: [2, 3] } })).toEqual({ _id: 'a', l: [1] });
  });

  it('$push with $position and $sort', () => {
    expect(apply({ _id: 'a', l: [1, 4] }, { $push: { l: { $each: [2, 3], $position: 1 } } })).toEqual({ _id: 'a', l: [1, 2, 3, 4] });
    expect(apply({ _id: 'a', l: [3, 1] }, { $push: { l: { $each: [2], $sort: -1 } } })).toEqual({ _id: 'a', l: [3, 2, 1] });
    expect(
      apply({ _id: 'a', l: [{ n: 2 }, { n: 9 }] }, { $push: { l: { $each: [{ n: 5 }], $sort: { n: -1 }, $slice: 2 } } }),
    ).toEqual({ _id: 'a', l: [{ n: 9 }, { n: 5 }] });
  });

  it('writes into arrays by position and pads with null', () => {
    expect(apply({ _id: 'a', l: [1] }, { $set: { 'l.3': 4 } })).toEqual({ _id: 'a', l: [1, null, null, 4] });
    expect(apply({ _id: 'a', l: [{ q: 1 }, { q: 2 }] }, { $inc: { 'l.1.q': 5 } })).toEqual({ _id: 'a', l: [{ q: 1 }, { q: 7 }] });
    expect(apply({ _id: 'a', l: [1, 2] }, { $unset: { 'l.0': '' } })).toEqual({ _id: 'a', l: [null, 2] });
  });

  it('copies values it stores, so the caller keeps ownership of the update', () => {
    const tags = ['x'];
    const when = new Date(1000);
    const next = apply({ _id: 'a' }, { $set: { tags, when } }) as Doc & { tags: string[]; when: Date };
    tags.push('y');
    when.setTime(0);
    expect(next.tags).toEqual(['x']);
    expect(next.when.getTime()).toBe(1000);
  });

  it('applies $setOnInsert only on insert, and lets an upsert without a filter _id set one', () => {
    const seed = upsertSeed({ org: 'o1', 'a.b': 2, n: { $gt: 1 }, e: { $eq: 'x' }, r: /re/, $or: [{ z: 1 }] });
    expect(seed).toEqual({ org: 'o1', a: { b: 2 }, e: 'x' });
    expect(compileUpdate({ $setOnInsert: { _id: 'chosen', c: 1 } }).apply(seed as Doc, true)).toEqual({ _id: 'chosen', org: 'o1', a: { b: 2 }, e: 'x', c: 1 });
  });
});
