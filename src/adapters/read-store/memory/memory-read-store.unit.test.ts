import { DuplicateKeyError, type Doc } from '../../../ports/read-store';
import { createMemoryReadStore } from './memory-read-store';

describe('memory read store specifics', () => {
  it('generates an ObjectId-shaped _id for a document without one', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.insertOne({ v: 1 } as unknown as Doc);
    const [doc] = await c.find({});
    expect(doc._id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('collection handles follow the name across rename and drop', async () => {
    const store = createMemoryReadStore();
    const live = store.collection('live');
    await live.insertOne({ _id: 'old' });
    await store.collection('next').insertOne({ _id: 'new' });
    await store.renameCollection('next', 'live');
    expect(await live.find({})).toEqual([{ _id: 'new' }]);
    await store.dropCollection('live');
    expect(await live.find({})).toEqual([]);
    await expect(store.renameCollection('missing', 'x')).rejects.toThrow(/does not exist/);
  });

  it('keeps declared indexes through deleteMany({}) and reports them', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.createIndexes([{ keys: { email: 1 }, unique: true }, { keys: { a: 1, b: -1 }, name: 'ab' }]);
    await c.insertOne({ _id: '1', email: 'x' });
    await c.deleteMany({});
    await c.insertOne({ _id: '2', email: 'x' });
    await expect(c.insertOne({ _id: '3', email: 'x' })).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(c.indexSpecs()).toEqual([
      { keys: { _id: 1 }, name: '_id_' },
      { keys: { email: 1 }, name: 'email_1', unique: true },
      { keys: { a: 1, b: -1 }, name: 'ab' },
    ]);
    await expect(c.createIndexes([{ keys: { a: 1 }, name: 'ab' }])).rejects.toThrow(/different/);
  });

  it('a failed unique update or upsert leaves documents and indexes as they were', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.createIndexes([{ keys: { code: 1 }, unique: true }, { keys: { group: 1 } }]);
    await c.insertMany([
      { _id: 'a', code: 'A', group: 'g1' },
      { _id: 'b', code: 'B', group: 'g1' },
    ]);
    await expect(c.updateOne({ _id: 'b' }, { $set: { code: 'A', group: 'g2' } })).rejects.toBeInstanceOf(DuplicateKeyError);
    await expect(c.updateOne({ _id: 'c' }, { $set: { code: 'B', group: 'g3' } }, { upsert: true })).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await c.find({ group: 'g1' }, { sort: { _id: 1 } })).toEqual([
      { _id: 'a', code: 'A', group: 'g1' },
      { _id: 'b', code: 'B', group: 'g1' },
    ]);
    expect(await c.countDocuments({ group: { $in: ['g2', 'g3'] } })).toBe(0);
    expect(await c.findOne({ code: 'B' })).toEqual({ _id: 'b', code: 'B', group: 'g1' });
  });

  it('rejects use after close', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await store.close();
    await expect(c.find({})).rejects.toThrow(/closed/);
    expect(() => store.collection('d')).toThrow(/closed/);
  });
});

describe('memory aggregation', () => {
  it('never writes into stored documents, whatever the stages do', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    const doc = { _id: 'a', items: [{ k: 1 }, { k: 2 }], sub: { x: 1, y: 2 }, empty: [] as unknown[] };
    await c.insertOne(doc);
    await c.aggregate([{ $unwind: { path: '$empty', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } }]);
    await c.aggregate([{ $project: { 'sub.x': 0 } }]);
    await c.aggregate([{ $addFields: { 'sub.z': 3 } }, { $unwind: { path: '$items', includeArrayIndex: 'idx' } }]);
    await c.aggregate([{ $replaceRoot: { newRoot: '$sub' } }, { $set: { x: 99 } }]);
    expect(await c.findOne({ _id: 'a' })).toEqual(doc);
  });

  it('$match takes operators outside the port\'s list, such as $expr', async () => {
    const store = createMemoryReadStore();
    const c = store.collection('c');
    await c.insertMany([
      { _id: 'a', spent: 5, budget: 10 },
      { _id: 'b', spent: 15, budget: 10 },
    ]);
    expect(await c.aggregate([{ $match: { $expr: { $gt: ['$spent', '$budget'] } } }])).toEqual([{ _id: 'b', spent: 15, budget: 10 }]);
  });

  it('joins other collections of the same store with $lookup', async () => {
    const store = createMemoryReadStore();
    await store.collection('customers').insertMany([
      { _id: 'c1', name: 'Ann' },
      { _id: 'c2', name: 'Budi' },
    ]);
    const tickets = store.collection('tickets');
    await tickets.insertMany([
      { _id: 't1', customer_id: 'c2' },
      { _id: 't2', customer_id: 'c1' },
    ]);
    const out = await tickets.aggregate([
      { $sort: { _id: 1 } },
      { $lookup: { from: 'customers', localField: 'customer_id', foreignField: '_id', as: 'customer' } },
      { $project: { _id: 1, name: { $arrayElemAt: ['$customer.name', 0] } } },
    ]);
    expect(out).toEqual([
      { _id: 't1', name: 'Budi' },
      { _id: 't2', name: 'Ann' },
    ]);
  });
});
