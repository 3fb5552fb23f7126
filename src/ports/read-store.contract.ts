/**
 * Contract suite for the read store port: every adapter (in-memory, MongoDB) runs it unchanged.
 * It uses the port only. Each test works in its own freshly named collections and the suite
 * drops every collection it touched, so a shared store (a MongoDB database) can be reused.
 *
 * Usage, in an adapter's *.int.test.ts:
 *   readStoreContract('memory', async () => { const store = ...; return { store, teardown } });
 */
import { DuplicateKeyError, type Collection, type Doc, type ReadStore } from './read-store';

export interface ReadStoreFixture {
  store: ReadStore;
  teardown: () => Promise<void>;
}

interface Person extends Doc {
  name?: string | null;
  age?: number | string | null;
  tags?: unknown[];
  address?: { city?: string; zip?: string };
  items?: { sku: string; qty: number }[];
  joined?: Date;
  score?: number;
  nick?: string;
}

/** A small population covering missing fields, nulls, arrays, sub-documents and Dates. */
function people(): Person[] {
  return [
    {
      _id: 'p1',
      name: 'Ann',
      age: 31,
      tags: ['fiber', 'admin'],
      address: { city: 'Bandung', zip: '40111' },
      items: [
        { sku: 'onu', qty: 2 },
        { sku: 'cable', qty: 10 },
      ],
      joined: new Date('2024-01-05T10:00:00.000Z'),
      score: 7,
    },
    {
      _id: 'p2',
      name: 'Budi',
      age: 25,
      tags: ['wireless'],
      address: { city: 'Jakarta', zip: '10110' },
      items: [{ sku: 'onu', qty: 1 }],
      joined: new Date('2024-02-10T08:30:00.000Z'),
      score: 9,
    },
    {
      _id: 'p3',
      name: 'Citra',
      age: 42,
      tags: ['fiber', 'wireless', 'lead'],
      address: { city: 'Bandung' },
      items: [],
      joined: new Date('2023-12-31T23:59:59.000Z'),
      score: 4,
    },
    { _id: 'p4', name: 'Dewi', age: null, tags: [], joined: new Date('2024-03-01T00:00:00.000Z') },
    { _id: 'p5', name: 'Eko', age: '33', nick: 'ek' },
    { _id: 'p6', name: null },
  ];
}

const ids = (docs: readonly Doc[]): string[] => docs.map((d) => d._id).sort();

export function readStoreContract(adapterName: string, setup: () => Promise<ReadStoreFixture>): void {
  describe(`read store contract: ${adapterName}`, () => {
    let fixture: ReadStoreFixture;
    let store: ReadStore;
    const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const used = new Set<string>();
    let counter = 0;

    /** A fresh, unused collection name. */
    const freshName = (label = 'c'): string => {
      const name = `contract_${runId}_${label}_${++counter}`;
      used.add(name);
      return name;
    };
    const fresh = <T extends Doc = Doc>(label?: string): Collection<T> => store.collection<T>(freshName(label));
    const seeded = async (): Promise<Collection<Person>> => {
      const c = fresh<Person>('people');
      await c.insertMany(people());
      return c;
    };

    beforeAll(async () => {
      fixture = await setup();
      store = fixture.store;
    });

    afterAll(async () => {
      if (!store) return;
      const existing = new Set(await store.listCollections());
      for (const name of used) if (existing.has(name)) await store.dropCollection(name);
      await fixture.teardown();
    });

    describe('documents', () => {
      it('stores and returns a document with nested values, arrays and Dates', async () => {
        const c = fresh();
        const joined = new Date('2024-05-06T07:08:09.123Z');
        await c.insertOne({ _id: 'a', n: 1.5, s: 'x', b: false, nil: null, arr: [1, 'two', { three: 3 }], sub: { deep: { v: [joined] } }, joined });
        const got = await c.findOne({ _id: 'a' });
        expect(got).toEqual({ _id: 'a', n: 1.5, s: 'x', b: false, nil: null, arr: [1, 'two', { three: 3 }], sub: { deep: { v: [joined] } }, joined });
        expect(got?.joined).toBeInstanceOf(Date);
        expect((got?.joined as Date).getTime()).toBe(joined.getTime());
      });

      it('copies documents in and out: callers cannot change stored data by mutation', async () => {
        const c = fresh();
        const doc = { _id: 'a', list: [1, 2], sub: { v: 1 }, when: new Date('2024-01-01T00:00:00Z') };
        await c.insertOne(doc);
        doc.list.push(3);
        doc.sub.v = 2;
        doc.when.setUTCFullYear(1999);
        const first = (await c.findOne({ _id: 'a' })) as Doc & { list: number[]; sub: { v: number }; when: Date };
        expect(first.list).toEqual([1, 2]);
        expect(first.sub.v).toBe(1);
        expect(first.when.toISOString()).toBe('2024-01-01T00:00:00.000Z');
        first.list.push(9);
        first.sub.v = 9;
        first.when.setUTCFullYear(1990);
        const [again] = (await c.find({})) as (Doc & { list: number[]; sub: { v: number }; when: Date })[];
        expect(again.list).toEqual([1, 2]);
        expect(again.sub.v).toBe(1);
        expect(again.when.toISOString()).toBe('2024-01-01T00:00:00.000Z');
      });

      it('a find for reading only (readonly) answers the same documents, and no change by the caller reaches the store', async () => {
        const c = fresh();
        await c.insertMany([
          { _id: 'a', n: 1, list: [1, 2], sub: { v: 1 } },
          { _id: 'b', n: 2, list: [3], sub: { v: 2 } },
        ]);
        const options = { sort: { n: 1 as const }, readonly: true };
        const got = (await c.find({}, options)) as Array<Doc & { list: number[]; sub: { v: number } }>;
        expect(got).toEqual(await c.find({}, { sort: { n: 1 } }));
        // A store may share frozen documents (changing them throws) or hand out copies.
        for (const change of [() => got[0]!.list.push(9), () => (got[0]!.sub.v = 9), () => (got[1]!.n = 9)]) {
          try {
            change();
          } catch (err) {
            expect(err).toBeInstanceOf(TypeError);
          }
        }
        expect(await c.find({}, options)).toEqual([
          { _id: 'a', n: 1, list: [1, 2], sub: { v: 1 } },
          { _id: 'b', n: 2, list: [3], sub: { v: 2 } },
        ]);
      });

      it('rejects a second document with the same _id with DuplicateKeyError', async () => {
        const c = fresh();
        await c.insertOne({ _id: 'a', v: 1 });
        await expect(c.insertOne({ _id: 'a', v: 2 })).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', v: 1 });
      });

      it('insertMany inserts in order and stops at a duplicate, keeping the ones before it', async () => {
        const c = fresh();
        await c.insertOne({ _id: 'b' });
        await expect(c.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }])).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(ids(await c.find({}))).toEqual(['a', 'b']);
      });

      it('finds Dates by equality and by range', async () => {
        const c = await seeded();
        expect(ids(await c.find({ joined: new Date('2024-02-10T08:30:00.000Z') }))).toEqual(['p2']);
        expect(ids(await c.find({ joined: { $gte: new Date('2024-01-01T00:00:00Z'), $lt: new Date('2024-03-01T00:00:00Z') } }))).toEqual(['p1', 'p2']);
        expect(ids(await c.find({ joined: { $lte: new Date('2023-12-31T23:59:59.000Z') } }))).toEqual(['p3']);
      });
    });

    describe('filters', () => {
      let c: Collection<Person>;
      beforeAll(async () => {
        c = await seeded();
      });
      const q = async (filter: Record<string, unknown>): Promise<string[]> => ids(await c.find(filter));

      it('an empty filter matches everything', async () => {
        expect(await q({})).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
      });

      it('equality on a field, on a dotted path and on a path through an array of documents', async () => {
        expect(await q({ name: 'Ann' })).toEqual(['p1']);
        expect(await q({ 'address.city': 'Bandung' })).toEqual(['p1', 'p3']);
        expect(await q({ 'items.sku': 'onu' })).toEqual(['p1', 'p2']);
        expect(await q({ name: 'Ann', age: 31 })).toEqual(['p1']);
        expect(await q({ name: 'Ann', age: 30 })).toEqual([]);
      });

      it('equality matches an array element or the whole array', async () => {
        expect(await q({ tags: 'fiber' })).toEqual(['p1', 'p3']);
        expect(await q({ tags: ['fiber', 'admin'] })).toEqual(['p1']);
        expect(await q({ tags: ['admin', 'fiber'] })).toEqual([]);
        expect(await q({ tags: [] })).toEqual(['p4']);
        expect(await q({ address: { city: 'Bandung' } })).toEqual(['p3']);
      });

      it('null matches null and missing', async () => {
        expect(await q({ age: null })).toEqual(['p4', 'p6']);
        expect(await q({ name: null })).toEqual(['p6']);
        expect(await q({ 'address.zip': null })).toEqual(['p3', 'p4', 'p5', 'p6']);
      });

      it('$eq and $ne ($ne also matches missing)', async () => {
        expect(await q({ age: { $eq: 25 } })).toEqual(['p2']);
        expect(await q({ 'address.city': { $ne: 'Bandung' } })).toEqual(['p2', 'p4', 'p5', 'p6']);
        expect(await q({ tags: { $ne: 'fiber' } })).toEqual(['p2', 'p4', 'p5', 'p6']);
        expect(await q({ age: { $ne: null } })).toEqual(['p1', 'p2', 'p3', 'p5']);
      });

      it('$gt $gte $lt $lte compare within one type only', async () => {
        expect(await q({ age: { $gt: 30 } })).toEqual(['p1', 'p3']);
        expect(await q({ age: { $gte: 25, $lt: 42 } })).toEqual(['p1', 'p2']);
        expect(await q({ age: { $lte: 25 } })).toEqual(['p2']);
        // '33' is a string: numeric comparisons skip it, string comparisons see it.
        expect(await q({ age: { $gt: '3' } })).toEqual(['p5']);
        expect(await q({ name: { $gte: 'C', $lt: 'E' } })).toEqual(['p3', 'p4']);
        expect(await q({ 'items.qty': { $gt: 5 } })).toEqual(['p1']);
      });

      it('$in and $nin (with null, and against arrays)', async () => {
        expect(await q({ name: { $in: ['Ann', 'Eko', 'Nobody'] } })).toEqual(['p1', 'p5']);
        expect(await q({ tags: { $in: ['admin', 'lead'] } })).toEqual(['p1', 'p3']);
        expect(await q({ age: { $in: [null, 25] } })).toEqual(['p2', 'p4', 'p6']);
        expect(await q({ name: { $in: [] } })).toEqual([]);
        expect(await q({ tags: { $nin: ['fiber', 'wireless'] } })).toEqual(['p4', 'p5', 'p6']);
        expect(await q({ name: { $in: [/^b/i, 'Eko'] } })).toEqual(['p2', 'p5']);
      });

      it('$exists', async () => {
        expect(await q({ nick: { $exists: true } })).toEqual(['p5']);
        expect(await q({ age: { $exists: false } })).toEqual(['p6']);
        expect(await q({ age: { $exists: true } })).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
        expect(await q({ 'address.zip': { $exists: true } })).toEqual(['p1', 'p2']);
      });

      it('$regex with $options, and a RegExp value', async () => {
        expect(await q({ name: { $regex: '^[ab]' } })).toEqual([]);
        expect(await q({ name: { $regex: '^[ab]', $options: 'i' } })).toEqual(['p1', 'p2']);
        expect(await q({ name: /tr/ })).toEqual(['p3']);
        expect(await q({ tags: { $regex: '^wire' } })).toEqual(['p2', 'p3']);
      });

      it('$and $or $nor', async () => {
        expect(await q({ $and: [{ tags: 'fiber' }, { age: { $gt: 40 } }] })).toEqual(['p3']);
        expect(await q({ $or: [{ name: 'Ann' }, { 'address.city': 'Jakarta' }] })).toEqual(['p1', 'p2']);
        expect(await q({ $nor: [{ tags: 'fiber' }, { name: null }] })).toEqual(['p2', 'p4', 'p5']);
        expect(await q({ name: { $ne: 'Budi' }, $or: [{ score: { $gte: 7 } }, { nick: 'ek' }] })).toEqual(['p1', 'p5']);
      });

      it('$not negates an operator expression (and matches missing)', async () => {
        expect(await q({ age: { $not: { $gt: 30 } } })).toEqual(['p2', 'p4', 'p5', 'p6']);
        expect(await q({ name: { $not: /^[A-C]/ } })).toEqual(['p4', 'p5', 'p6']);
      });

      it('$elemMatch on documents and on values', async () => {
        expect(await q({ items: { $elemMatch: { sku: 'onu', qty: { $gte: 2 } } } })).toEqual(['p1']);
        // Without $elemMatch the conditions may be met by different elements.
        expect(await q({ 'items.sku': 'cable', 'items.qty': 2 })).toEqual(['p1']);
        expect(await q({ items: { $elemMatch: { sku: 'cable', qty: 2 } } })).toEqual([]);
        expect(await q({ tags: { $elemMatch: { $gte: 'l', $lt: 'm' } } })).toEqual(['p3']);
      });

      it('$all and $size', async () => {
        expect(await q({ tags: { $all: ['fiber', 'wireless'] } })).toEqual(['p3']);
        expect(await q({ tags: { $all: ['fiber'] } })).toEqual(['p1', 'p3']);
        expect(await q({ tags: { $size: 0 } })).toEqual(['p4']);
        expect(await q({ tags: { $size: 3 } })).toEqual(['p3']);
        expect(await q({ items: { $size: 1 } })).toEqual(['p2']);
      });
    });

    describe('find options', () => {
      it('sorts on several keys, in both directions', async () => {
        const c = fresh();
        await c.insertMany([
          { _id: 'a', g: 2, n: 1 },
          { _id: 'b', g: 1, n: 5 },
          { _id: 'c', g: 2, n: 3 },
          { _id: 'd', g: 1, n: 2 },
        ]);
        expect(ids(await c.find({}, { sort: { g: 1, n: -1 } })).length).toBe(4);
        expect((await c.find({}, { sort: { g: 1, n: -1 } })).map((d) => d._id)).toEqual(['b', 'd', 'c', 'a']);
        expect((await c.find({}, { sort: { g: -1, n: 1 } })).map((d) => d._id)).toEqual(['a', 'c', 'd', 'b']);
      });

      it('orders mixed and missing values as MongoDB does (missing and null first ascending)', async () => {
        const c = fresh();
        await c.insertMany([
          { _id: 'str', v: 'b' },
          { _id: 'num', v: 10 },
          { _id: 'missing' },
          { _id: 'date', v: new Date('2024-01-01T00:00:00Z') },
          { _id: 'bool', v: true },
          { _id: 'obj', v: { x: 1 } },
          { _id: 'neg', v: -1.5 },
        ]);
        const asc = (await c.find({}, { sort: { v: 1, _id: 1 } })).map((d) => d._id);
        expect(asc).toEqual(['missing', 'neg', 'num', 'str', 'obj', 'bool', 'date']);
        const desc = (await c.find({}, { sort: { v: -1, _id: 1 } })).map((d) => d._id);
        expect(desc).toEqual(['date', 'bool', 'obj', 'str', 'num', 'neg', 'missing']);
        await c.insertOne({ _id: 'null', v: null });
        const withNull = (await c.find({ v: null }, { sort: { _id: 1 } })).map((d) => d._id);
        expect(withNull).toEqual(['missing', 'null']);
      });

      it('sorts arrays by their smallest element ascending and largest descending', async () => {
        const c = fresh();
        await c.insertMany([
          { _id: 'a', v: [5, 1] },
          { _id: 'b', v: 3 },
          { _id: 'c', v: [2, 9] },
        ]);
        expect((await c.find({}, { sort: { v: 1 } })).map((d) => d._id)).toEqual(['a', 'c', 'b']);
        expect((await c.find({}, { sort: { v: -1 } })).map((d) => d._id)).toEqual(['c', 'a', 'b']);
      });

      it('applies skip and limit after sorting', async () => {
        const c = fresh();
        await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: `d${String(i).padStart(2, '0')}`, n: (i * 7) % 20 })));
        const page = await c.find({}, { sort: { n: 1 }, skip: 5, limit: 3 });
        expect(page.map((d) => d.n)).toEqual([5, 6, 7]);
        expect(await c.find({ n: { $gte: 18 } }, { sort: { n: -1 }, skip: 1 })).toEqual([expect.objectContaining({ n: 18 })]);
        expect((await c.find({}, { limit: 4 })).length).toBe(4);
        expect(await c.findOne({}, { sort: { n: -1 } })).toEqual(expect.objectContaining({ n: 19 }));
        expect(await c.findOne({}, { sort: { n: 1 }, skip: 2 })).toEqual(expect.objectContaining({ n: 2 }));
        expect(await c.findOne({ n: 100 })).toBeNull();
      });

      it('projects by inclusion (with or without _id), by exclusion and on dotted paths', async () => {
        const c = await seeded();
        expect(await c.findOne({ _id: 'p1' }, { projection: { name: 1, age: 1 } })).toEqual({ _id: 'p1', name: 'Ann', age: 31 });
        expect(await c.findOne({ _id: 'p1' }, { projection: { _id: 0, name: 1 } })).toEqual({ name: 'Ann' });
        expect(await c.findOne({ _id: 'p5' }, { projection: { nick: 0, age: 0 } })).toEqual({ _id: 'p5', name: 'Eko' });
        expect(await c.findOne({ _id: 'p1' }, { projection: { 'address.city': 1 } })).toEqual({ _id: 'p1', address: { city: 'Bandung' } });
        expect(await c.findOne({ _id: 'p2' }, { projection: { 'items.sku': 1, _id: 0 } })).toEqual({ items: [{ sku: 'onu' }] });
        const excluded = await c.findOne({ _id: 'p1' }, { projection: { 'address.zip': 0, items: 0, tags: 0, joined: 0 } });
        expect(excluded).toEqual({ _id: 'p1', name: 'Ann', age: 31, address: { city: 'Bandung' }, score: 7 });
        const all = await c.find({ tags: 'fiber' }, { projection: { name: 1 }, sort: { name: -1 } });
        expect(all).toEqual([
          { _id: 'p3', name: 'Citra' },
          { _id: 'p1', name: 'Ann' },
        ]);
      });
    });

    describe('count, distinct, delete', () => {
      it('countDocuments with and without a filter', async () => {
        const c = await seeded();
        expect(await c.countDocuments()).toBe(6);
        expect(await c.countDocuments({})).toBe(6);
        expect(await c.countDocuments({ tags: 'fiber' })).toBe(2);
        expect(await c.countDocuments({ age: { $gte: 30 } })).toBe(2);
        expect(await store.collection(freshName('empty')).countDocuments({})).toBe(0);
      });

      it('distinct flattens arrays and honours the filter', async () => {
        const c = await seeded();
        expect((await c.distinct('tags')).sort()).toEqual(['admin', 'fiber', 'lead', 'wireless']);
        expect((await c.distinct('address.city')).sort()).toEqual(['Bandung', 'Jakarta']);
        expect((await c.distinct('items.sku', { name: 'Budi' })).sort()).toEqual(['onu']);
        expect(await c.distinct('nothing')).toEqual([]);
      });

      it('deleteOne removes one match, deleteMany every match', async () => {
        const c = await seeded();
        expect(await c.deleteOne({ tags: 'fiber' })).toEqual({ deletedCount: 1 });
        expect(await c.countDocuments({ tags: 'fiber' })).toBe(1);
        expect(await c.deleteOne({ name: 'Nobody' })).toEqual({ deletedCount: 0 });
        expect(await c.deleteMany({ 'address.city': { $exists: false } })).toEqual({ deletedCount: 3 });
        expect(await c.countDocuments({})).toBe(2);
        expect(await c.deleteMany({})).toEqual({ deletedCount: 2 });
        expect(await c.find({})).toEqual([]);
        await c.insertOne({ _id: 'p1', again: true });
        expect(await c.findOne({ _id: 'p1' })).toEqual({ _id: 'p1', again: true });
      });
    });

    describe('updates', () => {
      const one = async (doc: Doc, update: Record<string, Record<string, unknown>>): Promise<Doc | null> => {
        const c = fresh();
        await c.insertOne(doc);
        await c.updateOne({ _id: doc._id }, update);
        return c.findOne({ _id: doc._id });
      };

      it('$set creates nested paths and replaces values; $unset removes', async () => {
        expect(await one({ _id: 'a', x: 1, sub: { keep: true } }, { $set: { x: 2, 'sub.n': 5, 'new.deep.v': 'y' } })).toEqual({
          _id: 'a',
          x: 2,
          sub: { keep: true, n: 5 },
          new: { deep: { v: 'y' } },
        });
        expect(await one({ _id: 'a', x: 1, y: 2, sub: { a: 1, b: 2 } }, { $unset: { x: '', 'sub.a': '', missing: '' } })).toEqual({
          _id: 'a',
          y: 2,
          sub: { b: 2 },
        });
        expect(await one({ _id: 'a', list: [1, 2, 3] }, { $set: { 'list.1': 20 } })).toEqual({ _id: 'a', list: [1, 20, 3] });
      });

      it('$inc adds (creating missing fields); $min and $max keep the smaller/larger, Dates too', async () => {
        expect(await one({ _id: 'a', n: 5 }, { $inc: { n: -2, m: 3, 'sub.k': 1 } })).toEqual({ _id: 'a', n: 3, m: 3, sub: { k: 1 } });
        const d1 = new Date('2024-01-01T00:00:00Z');
        const d2 = new Date('2024-06-01T00:00:00Z');
        expect(await one({ _id: 'a', lo: 5, hi: 5, first: d2, last: d1 }, { $min: { lo: 3, hi: 9, first: d1 }, $max: { last: d2, none: 1 } })).toEqual({
          _id: 'a',
          lo: 3,
          hi: 5,
          first: d1,
          last: d2,
          none: 1,
        });
      });

      it('$push (with $each and $slice), $addToSet (with $each), $pull (value and condition)', async () => {
        expect(await one({ _id: 'a', l: [1] }, { $push: { l: 2, m: 'x' } })).toEqual({ _id: 'a', l: [1, 2], m: ['x'] });
        expect(await one({ _id: 'a', l: [1, 2] }, { $push: { l: { $each: [3, 4, 5], $slice: -3 } } })).toEqual({ _id: 'a', l: [3, 4, 5] });
        expect(await one({ _id: 'a', l: [1, 2] }, { $push: { l: { $each: [3], $slice: 2 } } })).toEqual({ _id: 'a', l: [1, 2] });
        expect(await one({ _id: 'a', l: ['x'] }, { $addToSet: { l: 'x', m: 'y' } })).toEqual({ _id: 'a', l: ['x'], m: ['y'] });
        expect(await one({ _id: 'a', l: ['x'] }, { $addToSet: { l: { $each: ['x', 'y', 'y', 'z'] } } })).toEqual({ _id: 'a', l: ['x', 'y', 'z'] });
        expect(await one({ _id: 'a', l: [1, 5, 1, 7] }, { $pull: { l: 1 } })).toEqual({ _id: 'a', l: [5, 7] });
        expect(await one({ _id: 'a', l: [1, 5, 1, 7] }, { $pull: { l: { $gte: 5 } } })).toEqual({ _id: 'a', l: [1, 1] });
        expect(
          await one(
            {
              _id: 'a',
              items: [
                { sku: 'x', n: 1 },
                { sku: 'y', n: 2 },
              ],
            },
            { $pull: { items: { sku: 'x' } } },
          ),
        ).toEqual({ _id: 'a', items: [{ sku: 'y', n: 2 }] });
      });

      it('reports matched and modified counts; a no-op change modifies nothing', async () => {
        const c = await seeded();
        expect(await c.updateOne({ _id: 'p1' }, { $set: { name: 'Ann' } })).toEqual({ matchedCount: 1, modifiedCount: 0, upsertedId: null });
        expect(await c.updateOne({ _id: 'p1' }, { $set: { name: 'Anna' } })).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
        expect(await c.updateOne({ _id: 'zz' }, { $set: { name: 'x' } })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
        expect(await c.updateMany({ tags: 'fiber' }, { $inc: { score: 1 } })).toEqual({ matchedCount: 2, modifiedCount: 2, upsertedId: null });
        expect(await c.updateMany({ 'address.city': 'Bandung' }, { $set: { 'address.city': 'Bandung' } })).toEqual({
          matchedCount: 2,
          modifiedCount: 0,
          upsertedId: null,
        });
        expect((await c.find({ tags: 'fiber' }, { sort: { _id: 1 } })).map((d) => d.score)).toEqual([8, 5]);
      });

      it('updateOne changes only one of several matches', async () => {
        const c = await seeded();
        await c.updateOne({ tags: 'fiber' }, { $set: { flagged: true } });
        expect(await c.countDocuments({ flagged: true })).toBe(1);
      });

      it('$setOnInsert applies only when an upsert inserts', async () => {
        const c = fresh();
        await c.insertOne({ _id: 'a', n: 1 });
        await c.updateOne({ _id: 'a' }, { $set: { n: 2 }, $setOnInsert: { created: true } }, { upsert: true });
        expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 2 });
      });

      it('upsert inserts the filter equality fields plus the update, with _id from the filter', async () => {
        const c = fresh();
        const res = await c.updateOne(
          { _id: 'u1', kind: 'ticket', 'meta.source': 'portal', n: { $gt: 5 } },
          { $set: { status: 'open' }, $inc: { views: 1 }, $setOnInsert: { created: 'now' } },
          { upsert: true },
        );
        expect(res).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 'u1' });
        expect(await c.findOne({ _id: 'u1' })).toEqual({
          _id: 'u1',
          kind: 'ticket',
          meta: { source: 'portal' },
          status: 'open',
          views: 1,
          created: 'now',
        });
        const again = await c.updateOne({ _id: 'u1' }, { $inc: { views: 1 }, $setOnInsert: { created: 'later' } }, { upsert: true });
        expect(again).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
        expect(await c.findOne({ _id: 'u1' })).toEqual(expect.objectContaining({ views: 2, created: 'now' }));
      });

      it('upsert without an _id in the filter generates a string _id; $and equalities seed the document', async () => {
        const c = fresh();
        const res = await c.updateOne({ $and: [{ email: 'a@x.io' }, { org: { $eq: 'o1' } }] }, { $set: { name: 'A' } }, { upsert: true });
        expect(typeof res.upsertedId).toBe('string');
        const doc = await c.findOne({ email: 'a@x.io' });
        expect(doc).toEqual({ _id: res.upsertedId, email: 'a@x.io', org: 'o1', name: 'A' });
      });

      it('refuses to change _id', async () => {
        const c = fresh();
        await c.insertOne({ _id: 'a', n: 1 });
        await expect(c.updateOne({ _id: 'a' }, { $set: { _id: 'b' } })).rejects.toThrow();
        expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
      });

      it('replaceOne replaces the whole document and keeps _id; with upsert it inserts', async () => {
        const c = fresh();
        await c.insertOne({ _id: 'a', x: 1, y: 2 });
        expect(await c.replaceOne({ x: 1 }, { _id: 'a', z: 3 })).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
        expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', z: 3 });
        expect(await c.replaceOne({ _id: 'b' }, { _id: 'b', w: 1 })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
        expect(await c.findOne({ _id: 'b' })).toBeNull();
        expect(await c.replaceOne({ _id: 'b' }, { _id: 'b', w: 1 }, { upsert: true })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 'b' });
        expect(await c.findOne({ _id: 'b' })).toEqual({ _id: 'b', w: 1 });
      });
    });

    describe('indexes', () => {
      it('createIndexes is idempotent', async () => {
        const c = fresh();
        const specs = [{ keys: { status: 1, created_at: -1 } as Record<string, 1 | -1> }, { keys: { email: 1 } as Record<string, 1 | -1>, unique: true }];
        await c.createIndexes(specs);
        await c.createIndexes(specs);
        await c.insertOne({ _id: 'a', status: 'open', email: 'a@x' });
        await c.createIndexes(specs);
        expect(await c.countDocuments({ status: 'open' })).toBe(1);
      });

      it('an index declared on a collection that already holds documents covers all of them', async () => {
        const c = fresh();
        await c.insertMany(Array.from({ length: 2500 }, (_, i) => ({ _id: `d${i}`, grade: i % 7, tags: [`t${i % 5}`, 'all'] })));
        await c.createIndexes([{ keys: { grade: 1 } }, { keys: { tags: 1 } }]);
        expect(await c.countDocuments({ grade: 3 })).toBe(357);
        expect(await c.countDocuments({ tags: 't4' })).toBe(500);
        expect((await c.find({ grade: 6, tags: 't0' }, { sort: { _id: 1 }, limit: 3 })).map((d) => d._id)).toEqual(['d1000', 'd1035', 'd1070']);
      });

      it('dropIndexes drops indexes by name, skips names of none, and frees a unique key', async () => {
        const c = fresh();
        await c.createIndexes([{ keys: { status: 1, created_at: -1 } }, { keys: { email: 1 }, unique: true }, { keys: { n: 1 }, name: 'by_n' }]);
        await c.insertOne({ _id: 'a', status: 'open', email: 'a@x', n: 1, created_at: 1 });
        await expect(c.insertOne({ _id: 'b', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
        await c.dropIndexes(['email_1', 'by_n', 'no_such_index']);
        await c.dropIndexes(['email_1']);
        const neverMade = freshName('never-made');
        await store.collection(neverMade).dropIndexes(['status_1']);
        expect(await store.listCollections()).not.toContain(neverMade);
        await c.insertOne({ _id: 'b', status: 'open', email: 'a@x', n: 2, created_at: 2 });
        expect(await c.find({ status: 'open' }, { sort: { created_at: -1 } })).toEqual([
          { _id: 'b', status: 'open', email: 'a@x', n: 2, created_at: 2 },
          { _id: 'a', status: 'open', email: 'a@x', n: 1, created_at: 1 },
        ]);
        // The index still declared keeps working, and a dropped one can be declared again.
        expect(await c.countDocuments({ n: 2 })).toBe(1);
        await expect(c.createIndexes([{ keys: { email: 1 }, unique: true }])).rejects.toBeInstanceOf(DuplicateKeyError);
        await c.createIndexes([{ keys: { n: 1 }, name: 'by_n' }]);
        expect(await c.countDocuments({ n: 1 })).toBe(1);
      });

      it('a unique index rejects a taken key on insert, update and upsert, leaving data unchanged', async () => {
        const c = fresh();
        await c.createIndexes([{ keys: { email: 1 }, unique: true }]);
        await c.insertOne({ _id: 'a', email: 'a@x' });
        await c.insertOne({ _id: 'b', email: 'b@x' });
        await expect(c.insertOne({ _id: 'c', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(c.updateOne({ _id: 'b' }, { $set: { email: 'a@x' } })).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(c.updateOne({ _id: 'new' }, { $set: { email: 'b@x' } }, { upsert: true })).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(c.replaceOne({ _id: 'b' }, { _id: 'b', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await c.find({}, { sort: { _id: 1 } })).toEqual([
          { _id: 'a', email: 'a@x' },
          { _id: 'b', email: 'b@x' },
        ]);
        // Updating a document to its own key, and reusing a freed key, are fine.
        await c.updateOne({ _id: 'a' }, { $set: { email: 'a@x', n: 1 } });
        await c.deleteOne({ _id: 'a' });
        await c.insertOne({ _id: 'c', email: 'a@x' });
        expect(await c.countDocuments({ email: 'a@x' })).toBe(1);
      });

      it('a compound unique index compares the whole key', async () => {
        const c = fresh();
        await c.createIndexes([{ keys: { org: 1, code: 1 }, unique: true }]);
        await c.insertMany([
          { _id: 'a', org: 'o1', code: 'X' },
          { _id: 'b', org: 'o2', code: 'X' },
        ]);
        await expect(c.insertOne({ _id: 'c', org: 'o1', code: 'X' })).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await c.countDocuments({})).toBe(2);
      });

      it('a unique index treats a missing field as null, so two documents without it collide', async () => {
        const c = fresh();
        await c.createIndexes([{ keys: { serial: 1 }, unique: true }]);
        await c.insertOne({ _id: 'a' });
        await expect(c.insertOne({ _id: 'b' })).rejects.toBeInstanceOf(DuplicateKeyError);
      });

      it('creating a unique index over duplicate data fails', async () => {
        const c = fresh();
        await c.insertMany([
          { _id: 'a', k: 1 },
          { _id: 'b', k: 1 },
        ]);
        await expect(c.createIndexes([{ keys: { k: 1 }, unique: true }])).rejects.toThrow();
        await c.insertOne({ _id: 'c', k: 1 });
        expect(await c.countDocuments({ k: 1 })).toBe(3);
      });

      it('indexed queries give the same answers as unindexed ones', async () => {
        const plain = fresh('plain');
        const indexed = fresh('indexed');
        await indexed.createIndexes([{ keys: { status: 1, created: -1 } }, { keys: { tags: 1 } }, { keys: { n: 1 } }, { keys: { created: 1 } }]);
        const statuses = ['open', 'closed', 'pending', null];
        const docs = Array.from({ length: 300 }, (_, i) => {
          const d: Doc = { _id: `d${String(i).padStart(3, '0')}`, n: (i * 37) % 101, created: new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % 1000) * 3_600_000) };
          const s = statuses[i % 4];
          if (s !== null || i % 8 === 3) d.status = s;
          if (i % 3 !== 0) d.tags = i % 5 === 0 ? [] : ['t' + (i % 4), 't' + (i % 7)];
          return d;
        });
        await plain.insertMany(docs);
        await indexed.insertMany(docs);
        const queries: [Record<string, unknown>, Record<string, unknown>][] = [
          [{ status: 'open' }, { sort: { created: -1, _id: 1 }, limit: 10 }],
          [{ status: 'open' }, { sort: { created: 1, _id: -1 }, skip: 7, limit: 5 }],
          [{ status: { $in: ['open', 'pending'] } }, { sort: { created: -1, _id: 1 }, skip: 3, limit: 20 }],
          [{ status: null }, { sort: { _id: 1 } }],
          [{ status: 'closed', created: { $gte: new Date('2024-01-10T00:00:00Z') } }, { sort: { created: -1, _id: 1 } }],
          [{ tags: 't1' }, { sort: { n: 1, _id: 1 }, limit: 15 }],
          [{ tags: { $in: ['t2', 't6'] }, n: { $gt: 20, $lte: 80 } }, { sort: { _id: 1 } }],
          [{ n: { $gte: 10, $lt: 30 } }, { sort: { n: -1, _id: 1 } }],
          [{}, { sort: { created: 1, _id: 1 }, skip: 290, limit: 20 }],
          [{ $or: [{ status: 'open' }, { n: 5 }] }, { sort: { _id: 1 } }],
        ];
        for (const [filter, options] of queries) {
          const a = await plain.find(filter, options);
          const b = await indexed.find(filter, options);
          expect(b).toEqual(a);
          expect(await indexed.countDocuments(filter)).toBe(await plain.countDocuments(filter));
        }
        // And after updates and deletes move documents around the indexes.
        await indexed.updateMany({ status: 'open' }, { $set: { status: 'closed' }, $push: { tags: 't9' } });
        await plain.updateMany({ status: 'open' }, { $set: { status: 'closed' }, $push: { tags: 't9' } });
        await indexed.deleteMany({ n: { $lt: 10 } });
        await plain.deleteMany({ n: { $lt: 10 } });
        for (const [filter, options] of queries) {
          expect(await indexed.find(filter, options)).toEqual(await plain.find(filter, options));
        }
        expect(await indexed.find({ tags: 't9' }, { sort: { _id: 1 } })).toEqual(await plain.find({ tags: 't9' }, { sort: { _id: 1 } }));
      });
    });

    describe('collections', () => {
      it('lists collections that hold data and drops them', async () => {
        const name = freshName('listed');
        await store.collection(name).insertOne({ _id: 'a' });
        expect(await store.listCollections()).toContain(name);
        await store.dropCollection(name);
        expect(await store.listCollections()).not.toContain(name);
        expect(await store.collection(name).find({})).toEqual([]);
      });

      it('renameCollection replaces the target and keeps documents and indexes', async () => {
        const from = freshName('rebuilt');
        const to = freshName('live');
        await store.collection(to).insertMany([{ _id: 'old1' }, { _id: 'old2' }]);
        const rebuilt = store.collection(from);
        await rebuilt.createIndexes([{ keys: { email: 1 }, unique: true }]);
        await rebuilt.insertMany([
          { _id: 'n1', email: 'a@x' },
          { _id: 'n2', email: 'b@x' },
        ]);
        await store.renameCollection(from, to);
        const live = store.collection(to);
        expect(await live.find({}, { sort: { _id: 1 } })).toEqual([
          { _id: 'n1', email: 'a@x' },
          { _id: 'n2', email: 'b@x' },
        ]);
        const names = await store.listCollections();
        expect(names).toContain(to);
        expect(names).not.toContain(from);
        await expect(live.insertOne({ _id: 'n3', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await store.collection(from).countDocuments({})).toBe(0);
      });

      it('renameCollection works when the target does not exist', async () => {
        const from = freshName('src');
        const to = freshName('dst');
        await store.collection(from).insertOne({ _id: 'a', v: 1 });
        await store.renameCollection(from, to);
        expect(await store.collection(to).findOne({ _id: 'a' })).toEqual({ _id: 'a', v: 1 });
      });
    });

    describe('aggregate', () => {
      let c: Collection<Person>;
      beforeAll(async () => {
        c = await seeded();
      });

      it('$match $group ($sum $avg $min $max $count $push $addToSet) $sort', async () => {
        const out = await c.aggregate([
          { $match: { 'address.city': { $exists: true } } },
          {
            $group: {
              _id: '$address.city',
              people: { $sum: 1 },
              total: { $sum: '$score' },
              avgAge: { $avg: '$age' },
              minScore: { $min: '$score' },
              maxScore: { $max: '$score' },
              n: { $count: {} },
              names: { $push: '$name' },
              tags: { $addToSet: '$tags' },
            },
          },
          { $sort: { _id: 1 } },
        ]);
        expect(out).toHaveLength(2);
        const [bandung, jakarta] = out as Record<string, unknown>[];
        expect(bandung).toEqual(expect.objectContaining({ _id: 'Bandung', people: 2, total: 11, avgAge: 36.5, minScore: 4, maxScore: 7, n: 2 }));
        expect((bandung.names as string[]).slice().sort()).toEqual(['Ann', 'Citra']);
        expect((bandung.tags as unknown[]).length).toBe(2);
        expect(jakarta).toEqual(expect.objectContaining({ _id: 'Jakarta', people: 1, total: 9, names: ['Budi'] }));
      });

      it('$first and $last follow a preceding $sort; $skip and $limit', async () => {
        const out = await c.aggregate([
          { $match: { score: { $exists: true } } },
          { $sort: { score: -1 } },
          { $group: { _id: null, best: { $first: '$name' }, worst: { $last: '$name' } } },
        ]);
        expect(out).toEqual([{ _id: null, best: 'Budi', worst: 'Citra' }]);
        const page = await c.aggregate<{ _id: string }>([{ $sort: { _id: 1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 1 } }]);
        expect(page).toEqual([{ _id: 'p2' }, { _id: 'p3' }]);
      });

      it('$project $addFields $set with expressions ($cond $ifNull $eq)', async () => {
        const out = await c.aggregate([
          { $match: { _id: { $in: ['p1', 'p4', 'p6'] } } },
          { $sort: { _id: 1 } },
          { $project: { name: 1, senior: { $cond: [{ $gte: ['$age', 30] }, 'yes', 'no'] }, age: { $ifNull: ['$age', 0] } } },
          { $addFields: { isAnn: { $eq: ['$name', 'Ann'] } } },
          { $set: { label: { $concat: [{ $ifNull: ['$name', '?'] }, '!'] } } },
        ]);
        expect(out).toEqual([
          { _id: 'p1', name: 'Ann', senior: 'yes', age: 31, isAnn: true, label: 'Ann!' },
          { _id: 'p4', name: 'Dewi', senior: 'no', age: 0, isAnn: false, label: 'Dewi!' },
          { _id: 'p6', name: null, senior: 'no', age: 0, isAnn: false, label: '?!' },
        ]);
      });

      it('$unwind and $count', async () => {
        const out = await c.aggregate([{ $unwind: '$tags' }, { $group: { _id: '$tags', n: { $sum: 1 } } }, { $sort: { n: -1, _id: 1 } }]);
        expect(out).toEqual([
          { _id: 'fiber', n: 2 },
          { _id: 'wireless', n: 2 },
          { _id: 'admin', n: 1 },
          { _id: 'lead', n: 1 },
        ]);
        expect(await c.aggregate([{ $match: { tags: 'fiber' } }, { $count: 'total' }])).toEqual([{ total: 2 }]);
        expect(await c.aggregate([{ $unwind: '$items' }, { $count: 'lines' }])).toEqual([{ lines: 3 }]);
      });

      it('$facet runs sub-pipelines over the same input', async () => {
        const out = await c.aggregate([
          { $match: { name: { $ne: null } } },
          {
            $facet: {
              total: [{ $count: 'n' }],
              fiber: [{ $match: { tags: 'fiber' } }, { $sort: { _id: 1 } }, { $project: { _id: 1 } }],
              top: [{ $sort: { score: -1 } }, { $limit: 1 }, { $project: { name: 1, _id: 0 } }],
            },
          },
        ]);
        expect(out).toEqual([{ total: [{ n: 5 }], fiber: [{ _id: 'p1' }, { _id: 'p3' }], top: [{ name: 'Budi' }] }]);
      });

      it('$replaceRoot', async () => {
        const out = await c.aggregate([{ $match: { _id: 'p1' } }, { $replaceRoot: { newRoot: '$address' } }]);
        expect(out).toEqual([{ city: 'Bandung', zip: '40111' }]);
      });

      it('$dateToString formats Date values (UTC)', async () => {
        const out = await c.aggregate([
          { $match: { joined: { $exists: true } } },
          { $group: { _id: { $dateToString: { format: '%Y-%m', date: '$joined' } }, n: { $sum: 1 } } },
          { $sort: { _id: 1 } },
        ]);
        expect(out).toEqual([
          { _id: '2023-12', n: 1 },
          { _id: '2024-01', n: 1 },
          { _id: '2024-02', n: 1 },
          { _id: '2024-03', n: 1 },
        ]);
        const day = await c.aggregate([{ $match: { _id: 'p2' } }, { $project: { _id: 0, day: { $dateToString: { format: '%Y-%m-%dT%H:%M:%S', date: '$joined' } } } }]);
        expect(day).toEqual([{ day: '2024-02-10T08:30:00' }]);
      });

      it('aggregation results are copies: later stages and callers do not change stored documents', async () => {
        const out = (await c.aggregate([
          { $match: { _id: 'p1' } },
          { $set: { 'address.city': 'Changed' } },
          { $unwind: '$items' },
        ])) as Record<string, unknown>[];
        expect(out).toHaveLength(2);
        (out[0].address as Record<string, unknown>).zip = 'mutated';
        const stored = await c.findOne({ _id: 'p1' });
        expect(stored?.address).toEqual({ city: 'Bandung', zip: '40111' });
        expect(stored?.items).toHaveLength(2);
      });

      it('$match in a pipeline agrees with find', async () => {
        const filters: Record<string, unknown>[] = [
          { tags: 'fiber' },
          { age: null },
          { age: { $gt: 30 } },
          { 'items.sku': 'onu' },
          { items: { $elemMatch: { qty: { $gt: 1 } } } },
          { name: { $not: /^[A-C]/ } },
          { tags: { $size: 0 } },
        ];
        for (const filter of filters) {
          const viaFind = ids(await c.find(filter));
          const viaAggregate = ids((await c.aggregate([{ $sort: { _id: 1 } }, { $match: filter }])) as Doc[]);
          expect(viaAggregate).toEqual(viaFind);
        }
      });
    });
  });
}
