/**
 * The store's fast paths (README "Fast paths") against the general machinery they bypass:
 * the pinned-_id matcher against the compiled filter, and a seeded sequence of mixed
 * operations against a naive reference store (a Map scanned with the compiled filter).
 */
import { DuplicateKeyError, type Doc, type Filter, type Update } from '../../../ports/read-store';
import { BoundedCache } from '../document/cache';
import { CollectionState } from './collection-state';
import { compileFilter } from '../document/filter';
import { createMemoryReadStore } from './memory-read-store';
import { splitPath } from '../document/paths';
import { isSimpleFilter, matchesSimple, pinnedIds } from '../document/pinned';
import { compileUpdate, upsertSeed } from '../document/update';
import { compareValues, type PlainObject } from '../document/values';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES: unknown[] = [0, 1, 2, -1, 1.5, 'a', 'b', '', '1', true, false, null, [], [1, 2], ['a', null], [[1]], { x: 1 }, new Date(5)];
const SCALARS: unknown[] = [0, 1, 2, 1.5, 'a', 'b', '', '1', true, false, null];

function corpus(): PlainObject[] {
  const docs: PlainObject[] = [];
  for (let i = 0; i < VALUES.length * 3; i++) {
    const d: PlainObject = { _id: `d${i}` };
    if (i % 3 !== 0) d.a = VALUES[i % VALUES.length];
    if (i % 4 !== 1) d.b = VALUES[(i * 5) % VALUES.length];
    if (i % 2 === 0) d._pos = i % 5 === 0 ? [i, i + 10] : i;
    docs.push(d);
  }
  return docs;
}

function simpleCondition(r: () => number): unknown {
  const s = (): unknown => SCALARS[Math.floor(r() * SCALARS.length)];
  const num = (): unknown => [0, 1, 2, 5, 15, 'a', 'b', null][Math.floor(r() * 8)];
  switch (Math.floor(r() * 9)) {
    case 0:
      return s();
    case 1:
      return { $eq: s() };
    case 2:
      return { $ne: s() };
    case 3:
      return { $gt: num() };
    case 4:
      return { $gte: num(), $lt: num() };
    case 5:
      return { $lte: num() };
    case 6:
      return { $exists: r() < 0.5 };
    case 7:
      return { $in: [s(), s()].filter((v) => v !== null) };
    default:
      return { $exists: r() < 0.5 ? 1 : 0, $ne: s() };
  }
}

function simpleFilter(r: () => number, depth: number): PlainObject {
  const f: PlainObject = {};
  const n = 1 + Math.floor(r() * 2);
  for (let i = 0; i < n; i++) {
    const pick = r();
    if (depth < 2 && pick < 0.25) {
      const op = ['$and', '$or', '$nor'][Math.floor(r() * 3)];
      f[op] = Array.from({ length: 1 + Math.floor(r() * 2) }, () => simpleFilter(r, depth + 1));
    } else {
      f[['a', 'b', '_pos', 'missing'][Math.floor(r() * 4)]] = simpleCondition(r);
    }
  }
  return f;
}

describe('pinned-_id matcher', () => {
  it('agrees with the compiled filter on simple conditions', () => {
    const docs = corpus();
    const r = rng(7);
    let checked = 0;
    for (let k = 0; k < 3000; k++) {
      const rest = simpleFilter(r, 0);
      expect(isSimpleFilter(rest, false)).toBe(true);
      const pred = compileFilter(rest);
      for (const d of docs) {
        const got = matchesSimple(d, rest, false);
        if (got !== pred(d)) expect([rest, d, got]).toEqual([rest, d, pred(d)]);
        checked++;
      }
      // As a whole filter, the top-level _id is the pinned candidate and is not re-checked.
      const whole = { _id: 'd1', ...rest };
      expect(isSimpleFilter(whole, true)).toBe(true);
      expect(matchesSimple(docs[1], whole, true)).toBe(compileFilter(whole)(docs[1]));
    }
    expect(checked).toBeGreaterThan(100_000);
  });

  it('leaves everything else to the compiled filter', () => {
    const notSimple: PlainObject[] = [
      { 'a.b': 1 },
      { a: { $regex: 'x' } },
      { a: /x/ },
      { a: new Date(1) },
      { a: [1] },
      { a: { x: 1 } },
      { a: {} },
      { a: undefined },
      { a: Number.NaN },
      { a: { $gt: true } },
      { a: { $gt: new Date(1) } },
      { a: { $in: [null] } },
      { a: { $in: 'x' } },
      { a: { $nin: [1] } },
      { a: { $eq: 1, x: 1 } },
      { a: { $size: 1 } },
      { a: { $comment: 'x' } },
      { $or: [] },
      { $or: [{ _id: 'x' }] },
      { $and: [{ a: { $type: 'string' } }] },
      { $where: 'x' },
    ];
    for (const f of notSimple) expect([f, isSimpleFilter(f, true)]).toEqual([f, false]);
  });

  it('recognises the pinned _id forms only', () => {
    expect(pinnedIds({ _id: 'x', a: 1 })).toBe('x');
    expect(pinnedIds({ _id: { $eq: 'x' } })).toBe('x');
    expect(pinnedIds({ _id: { $in: ['x', 'y'] } })).toEqual(['x', 'y']);
    expect(pinnedIds({ _id: { $in: ['x', 1] } })).toBeUndefined();
    expect(pinnedIds({ _id: { $in: ['x'], $ne: 'y' } })).toBeUndefined();
    expect(pinnedIds({ _id: { $gt: 'x' } })).toBeUndefined();
    expect(pinnedIds({ _id: 5 })).toBeUndefined();
    expect(pinnedIds({ a: 'x' })).toBeUndefined();
  });
});

/** The naive reference: documents in a Map, every query a scan with the compiled filter. */
class Reference {
  readonly docs = new Map<string, PlainObject>();

  insert(doc: PlainObject): void {
    const id = doc._id as string;
    if (this.docs.has(id)) throw new DuplicateKeyError('c', { _id: id });
    this.docs.set(id, structuredClone(doc));
  }

  find(filter: Filter): PlainObject[] {
    const pred = compileFilter(filter);
    return [...this.docs.values()].filter((d) => pred(d));
  }

  updateOne(filter: Filter, update: Update, upsert: boolean): { matchedCount: number; upsertedId: string | null } {
    const [first] = this.find(filter);
    const compiled = compileUpdate(update);
    if (first !== undefined) {
      const next = compiled.apply(first as Doc, false);
      if (next !== null) this.docs.set(first._id as string, next);
      return { matchedCount: 1, upsertedId: null };
    }
    if (!upsert) return { matchedCount: 0, upsertedId: null };
    const seed = upsertSeed(filter);
    const built = (compiled.apply(seed as Doc, true) ?? seed) as PlainObject;
    this.insert(built);
    return { matchedCount: 0, upsertedId: built._id as string };
  }

  deleteOne(filter: Filter): number {
    const [first] = this.find(filter);
    if (first === undefined) return 0;
    this.docs.delete(first._id as string);
    return 1;
  }
}

const byId = (a: PlainObject, b: PlainObject): number => compareValues(a._id, b._id);

async function outcome<T>(p: Promise<T>): Promise<T | string> {
  try {
    return await p;
  } catch (e) {
    return e instanceof Error ? e.name : String(e);
  }
}

function attempt<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    return e instanceof Error ? e.name : String(e);
  }
}

describe('a seeded sequence of mixed operations', () => {
  it('leaves the store and the naive reference in the same state, with the same answers', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    const ref = new Reference();
    const r = rng(42);
    const id = (): string => `k${Math.floor(r() * 60)}`;
    const guard = (key: string, position: number): Filter => ({
      _id: key,
      $or: [{ _pos: { $lt: position } }, { _pos: { $exists: false } }],
    });
    let position = 0;
    for (let step = 0; step < 6000; step++) {
      if (step === 3000) {
        // Secondary indexes from here on (as after a catch-up), one of them multikey.
        await c.createIndexes([{ keys: { g: 1, n: -1 } }, { keys: { tags: 1 } }]);
      }
      const kind = Math.floor(r() * 10);
      position++;
      if (kind === 0) {
        const doc: PlainObject = { _id: id(), g: `g${Math.floor(r() * 4)}`, n: Math.floor(r() * 10), tags: ['x', `t${Math.floor(r() * 3)}`], _pos: position };
        const got = await outcome(c.insertOne(doc as Doc));
        expect(got).toEqual(attempt(() => ref.insert(doc)));
      } else if (kind <= 3) {
        const key = id();
        const update: Update = { $set: { g: `g${Math.floor(r() * 4)}`, _pos: position }, $inc: { n: 1 } };
        if (r() < 0.3) update.$push = { tags: `t${Math.floor(r() * 3)}` };
        const stale = r() < 0.2 ? Math.max(1, position - 50) : position;
        const upsert = r() < 0.6;
        const got = await outcome(c.updateOne(guard(key, stale), structuredClone(update), { upsert }));
        const want = attempt(() => ref.updateOne(guard(key, stale), structuredClone(update), upsert));
        expect(typeof got === 'string' ? got : { matchedCount: got.matchedCount, upsertedId: got.upsertedId }).toEqual(want);
      } else if (kind === 4) {
        const key = id();
        expect(await c.findOne({ _id: key })).toEqual(ref.docs.get(key) ?? null);
      } else if (kind === 5) {
        const ids = [id(), id(), id()];
        const want = [...new Set(ids)].map((k) => ref.docs.get(k)).filter((d) => d !== undefined);
        expect(await c.find({ _id: { $in: ids } })).toEqual(want);
        expect(await c.find({ _id: { $in: ids }, n: { $gte: 3 } }, { skip: 1, limit: 1 })).toEqual(want.filter((d) => (d.n as number) >= 3).slice(1, 2));
      } else if (kind === 6) {
        const f = { g: `g${Math.floor(r() * 4)}`, n: { $gte: Math.floor(r() * 10) } };
        expect((await c.find(f)).sort(byId)).toEqual(ref.find(f).sort(byId));
        expect(await c.countDocuments(f)).toBe(ref.find(f).length);
      } else if (kind === 7) {
        // Ranges and sorts on _id walk the ordered _id_ index (built on first use).
        const lo = id();
        const f = { _id: { $gte: lo } };
        expect(await c.find(f, { sort: { _id: 1 } })).toEqual(ref.find(f).sort(byId));
        expect(await c.find({}, { sort: { _id: -1 }, limit: 5 })).toEqual(ref.find({}).sort(byId).reverse().slice(0, 5));
        expect(await c.countDocuments(f)).toBe(ref.find(f).length);
      } else if (kind === 8) {
        const key = id();
        const f = r() < 0.5 ? { _id: key } : { _id: key, n: { $lt: 5 } };
        expect(await c.deleteOne(f)).toEqual({ deletedCount: ref.deleteOne(f) });
      } else {
        const f = { tags: `t${Math.floor(r() * 3)}`, _pos: { $exists: true } };
        expect((await c.find(f)).sort(byId)).toEqual(ref.find(f).sort(byId));
      }
    }
    expect((await c.find({})).sort(byId)).toEqual([...ref.docs.values()].sort(byId));
    expect(c.explain({ _id: { $gt: 'k3' } }).index).toBe('_id_');
  });

  it('an _id $in list gives each document once, in the order of first mention', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: `k${i}`, n: i })));
    for (const length of [5, 40]) {
      const ids = Array.from({ length }, (_, i) => `k${(i * 7) % (length < 16 ? 3 : 33)}`);
      const want = [...new Set(ids)].filter((id) => Number(id.slice(1)) < 30);
      expect((await c.find({ _id: { $in: ids } })).map((d) => d._id)).toEqual(want);
      expect((await c.find({ _id: { $in: ids }, n: { $gte: 10 } }, { skip: 2, limit: 3 })).map((d) => d._id)).toEqual(
        want.filter((id) => Number(id.slice(1)) >= 10).slice(2, 5),
      );
      expect(await c.countDocuments({ _id: { $in: ids } })).toBe(want.length);
    }
  });

  it('a deleteMany({}) resets the ordered _id_ index with the documents', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.insertMany([{ _id: 'b' }, { _id: 'a' }, { _id: 'c' }]);
    expect(await c.find({ _id: { $lt: 'c' } }, { sort: { _id: -1 } })).toEqual([{ _id: 'b' }, { _id: 'a' }]);
    await c.deleteMany({});
    await c.insertMany([{ _id: 'y' }, { _id: 'x' }]);
    expect(await c.find({}, { sort: { _id: 1 } })).toEqual([{ _id: 'x' }, { _id: 'y' }]);
    await c.insertOne({ _id: 'w' });
    await c.deleteOne({ _id: 'y' });
    expect(await c.find({ _id: { $gte: 'a' } })).toEqual([{ _id: 'w' }, { _id: 'x' }]);
  });
});

describe('bulk index builds', () => {
  it('order entries exactly as inserting them one by one does', () => {
    const r = rng(3);
    const firsts: unknown[] = ['b', 'a', 'B', '', 'é', '10', '9', 2, -1, 0, -0, 1.5, Number.NaN, true, false, null, new Date(3), [], ['x', 'y'], { o: 1 }];
    const docs: Doc[] = [];
    for (let i = 0; i < 3000; i++) {
      const d: Doc = { _id: `d${Math.floor(r() * 1e6)}-${i}` };
      // Mostly strings (the grouped path), sometimes other kinds (the plain sort).
      if (r() < 0.9) d.f = ['u1', 'u2', 'u3', 'u10', `u${i % 50}`][Math.floor(r() * 5)];
      else d.f = firsts[Math.floor(r() * firsts.length)];
      if (r() < 0.8) d.g = r() < 0.5 ? Math.floor(r() * 5) : `s${Math.floor(r() * 5)}`;
      d.h = i % 7 === 0 ? null : 3000 - i;
      d.u = `u${(i * 7919) % 3000}`; // distinct: the plain sort after the first sample
      docs.push(d);
    }
    const specs = [{ f: 1 }, { f: -1, g: 1 }, { f: 1, h: -1 }, { g: -1, f: 1, h: 1 }, { h: 1 }, { u: -1, f: 1 }] as Record<string, 1 | -1>[];
    const ids = (st: CollectionState): string[][] => st.indexes.slice(1).map((ix) => ix.entries.toArray().map((e) => ix.idOf(e)));
    const stringDocs = docs.filter((d) => typeof d.f === 'string');
    for (const set of [docs, stringDocs]) {
      const incremental = new CollectionState('a');
      incremental.createIndexes(specs.map((keys) => ({ keys })));
      const bulk = new CollectionState('b');
      for (const d of set) {
        incremental.insert(structuredClone(d));
        bulk.insert(structuredClone(d));
      }
      bulk.createIndexes(specs.map((keys) => ({ keys })));
      expect(ids(bulk)).toEqual(ids(incremental));
    }
  });
});

describe('updates written in place', () => {
  /** Field names in order, to see that a failed update leaves the layout too as it was. */
  const layout = async (c: { findOne(f: Filter): Promise<Doc | null> }, id: string): Promise<[string[], Doc | null]> => {
    const d = await c.findOne({ _id: id });
    return [d === null ? [] : Object.keys(d), d];
  };

  it('an operator failing halfway restores the fields already written, and their order', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.insertOne({ _id: 'a', n: 1, s: 'text', sub: { x: 1 } });
    const before = await layout(c, 'a');
    await expect(c.updateOne({ _id: 'a' }, { $set: { n: 2, added: true, 'sub.x': 2, 'fresh.y': 1 }, $inc: { s: 1 } })).rejects.toThrow(/non-numeric/);
    await expect(c.updateOne({ _id: 'a' }, { $set: { n: 3, _id: 'b' } })).rejects.toThrow(/immutable/);
    await expect(c.updateOne({ _id: 'a' }, { $set: { n: 4, 'n.deeper': 1 } })).rejects.toThrow(/conflict/);
    await expect(c.updateOne({ _id: 'a' }, { $set: { n: 5, 's.x': 1 } })).rejects.toThrow(/Cannot create field/);
    expect(await layout(c, 'a')).toEqual(before);
    expect(await c.find({ added: true })).toEqual([]);
  });

  it('a unique violation restores the document and its index entries', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.createIndexes([{ keys: { code: 1 }, unique: true }, { keys: { group: 1, n: 1 } }]);
    await c.insertMany([
      { _id: 'a', code: 'A', group: 'g', n: 1 },
      { _id: 'b', code: 'B', group: 'g', n: 2 },
      { _id: 'c', code: 'C', group: 'h', n: 3 },
    ]);
    const before = await Promise.all(['a', 'b', 'c'].map((id) => layout(c, id)));
    await expect(c.updateOne({ _id: 'b' }, { $set: { group: 'x', extra: 1, code: 'A' }, $inc: { n: 10 } })).rejects.toBeInstanceOf(DuplicateKeyError);
    // updateMany: documents before the failing one keep their update, the failing one is restored.
    await expect(c.updateMany({ group: 'g' }, { $set: { code: 'C', extra: 2 } })).rejects.toBeInstanceOf(DuplicateKeyError);
    const after = await Promise.all(['a', 'b', 'c'].map((id) => layout(c, id)));
    expect(after[1]).toEqual(before[1]);
    expect(after[2]).toEqual(before[2]);
    expect(await c.find({ group: 'x' })).toEqual([]);
    expect(await c.find({ group: 'g' }, { sort: { n: 1 }, projection: { _id: 1 } })).toEqual([{ _id: 'a' }, { _id: 'b' }]);
    expect(await c.countDocuments({ code: 'B' })).toBe(1);
  });

  it('an update that removes top-level fields keeps the field order when it fails', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.insertOne({ _id: 'a', x: 1, y: 'text', z: 3 });
    const before = await layout(c, 'a');
    await expect(c.updateOne({ _id: 'a' }, { $unset: { x: '' }, $inc: { y: 1 } })).rejects.toThrow(/non-numeric/);
    await expect(c.updateOne({ _id: 'a' }, { $rename: { z: 'w' }, $inc: { y: 1 } })).rejects.toThrow(/non-numeric/);
    expect(await layout(c, 'a')).toEqual(before);
    await c.updateOne({ _id: 'a' }, { $unset: { x: '' }, $set: { v: 1 } });
    expect(await layout(c, 'a')).toEqual([['_id', 'y', 'z', 'v'], { _id: 'a', y: 'text', z: 3, v: 1 }]);
  });

  it('values read before an update are copies: the update does not reach them', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.insertOne({ _id: 'a', n: 1, sub: { k: 1 } });
    const read = await c.findOne({ _id: 'a' });
    await c.updateOne({ _id: 'a' }, { $set: { n: 2, 'sub.k': 2 } });
    expect(read).toEqual({ _id: 'a', n: 1, sub: { k: 1 } });
  });
});

describe('bounded memo caches', () => {
  it('evict the oldest entry once full', () => {
    const cache = new BoundedCache<string, number>(3);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.get('k6')).toBeUndefined();
    expect(cache.get('k9')).toBe(9);
    cache.set('k9', 90);
    expect(cache.size).toBe(3);
    expect(cache.get('k7')).toBe(7);
  });

  it('split paths are shared and frozen', () => {
    expect(splitPath('a.b.c')).toEqual(['a', 'b', 'c']);
    expect(splitPath('a.b.c')).toBe(splitPath('a.b.c'));
    expect(Object.isFrozen(splitPath('a.b'))).toBe(true);
  });

  it('a cached update path is still validated when it is invalid', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.insertOne({ _id: 'a' });
    for (let i = 0; i < 2; i++) {
      await expect(c.updateOne({ _id: 'a' }, { $set: { 'x..y': 1 } })).rejects.toThrow(/Invalid field path/);
      await expect(c.updateOne({ _id: 'a' }, { $set: { 'x.$': 1 } })).rejects.toThrow(/Positional/);
      await expect(c.updateOne({ _id: 'a' }, { $set: { x: 1, 'x.y': 2 } })).rejects.toThrow(/conflict/);
      await expect(c.updateOne({ _id: 'a' }, { $set: { 'x.y': 1 } })).resolves.toMatchObject({ modifiedCount: 1 - i });
    }
    expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', x: { y: 1 } });
  });
});
