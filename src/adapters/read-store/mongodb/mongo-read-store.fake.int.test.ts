import { startFakeMongo, type FakeMongo } from '../../../../test/support/mongo-wire-fake';
import { readStoreContract } from '../../../ports/read-store.contract';
import { DuplicateKeyError } from '../../../ports/read-store';
import { createMongoReadStore, type MongoReadStore } from './mongo-read-store';

/**
 * The read store contract suite, unchanged, through the real `mongodb` driver against a
 * wire-protocol fake (test/support/mongo-wire-fake.ts) whose data lives in the in-memory store.
 * It proves the adapter's use of the driver on this machine (no Docker); the server's own
 * semantics are proven by mongo-read-store.int.test.ts where Docker exists.
 */
describe('MongoDB read store through the driver (wire-protocol fake)', () => {
  let fake: FakeMongo;
  beforeAll(async () => {
    fake = await startFakeMongo();
  });
  afterAll(async () => {
    await fake.close();
  });

  readStoreContract('mongodb driver, fake server', async () => {
    const store = await createMongoReadStore({ url: fake.url, dbName: 'contract' });
    return { store, teardown: () => store.close() };
  });

  describe('on the wire', () => {
    let store: MongoReadStore;
    beforeAll(async () => {
      store = await createMongoReadStore({ url: fake.url.replace('/?', '/fromurl?') });
    });
    afterAll(async () => {
      await store.close();
    });
    const last = (name: string) => [...fake.commands].reverse().find((c) => Object.keys(c)[0] === name)!;

    it('uses the database named in the URL', async () => {
      await store.collection('w').insertOne({ _id: 'a' });
      expect(last('insert').$db).toBe('fromurl');
      expect(await fake.store('fromurl').collection('w').findOne({ _id: 'a' })).toEqual({ _id: 'a' });
    });

    it('sends writes with w: majority and the journal, and drops undefined fields', async () => {
      await store.collection('w').insertOne({ _id: 'u', keep: 1, gone: undefined });
      const insert = last('insert');
      expect(insert.writeConcern).toEqual({ w: 'majority', j: true });
      expect(insert.documents).toEqual([{ _id: 'u', keep: 1 }]);
      await store.collection('w').updateOne({ _id: 'u' }, { $set: { keep: 2 } });
      expect(last('update').writeConcern).toEqual({ w: 'majority', j: true });
    });

    it('passes a configured write concern, also to renameCollection (which does not inherit it)', async () => {
      const relaxed = await createMongoReadStore({ url: fake.url, dbName: 'relaxed', writeConcern: { w: 1, journal: false } });
      try {
        await relaxed.collection('r').insertOne({ _id: 'a' });
        expect(last('insert').writeConcern).toEqual({ w: 1, j: false });
        await relaxed.renameCollection('r', 'r2');
        expect(last('renameCollection')).toMatchObject({ renameCollection: 'relaxed.r', to: 'relaxed.r2', dropTarget: true, writeConcern: { w: 1, j: false } });
      } finally {
        await relaxed.close();
      }
    });

    it('sends stable index names', async () => {
      await store.collection('ix').createIndexes([{ keys: { status: 1, created_at: -1 } }, { keys: { email: 1 }, unique: true }]);
      expect(last('createIndexes').indexes).toEqual([
        { key: { status: 1, created_at: -1 }, name: 'status_1_created_at_-1' },
        { key: { email: 1 }, name: 'email_1', unique: true },
      ]);
    });

    it('maps E11000 to DuplicateKeyError with the key, for one insert, an upsert and insertMany', async () => {
      const c = store.collection('dup');
      await c.createIndexes([{ keys: { email: 1 }, unique: true }]);
      await c.insertOne({ _id: 'a', email: 'a@x' });
      const single = await c.insertOne({ _id: 'b', email: 'a@x' }).catch((e: unknown) => e);
      expect(single).toBeInstanceOf(DuplicateKeyError);
      expect(single).toMatchObject({ collection: 'dup', key: { email: 'a@x' } });
      const upsert = await c.updateOne({ _id: 'a', email: 'other' }, { $set: { n: 1 } }, { upsert: true }).catch((e: unknown) => e);
      expect(upsert).toMatchObject({ collection: 'dup', key: { _id: 'a' } });
      const bulk = await c.insertMany([{ _id: 'c', email: 'c@x' }, { _id: 'a', email: 'z@x' }, { _id: 'd', email: 'd@x' }]).catch((e: unknown) => e);
      expect(bulk).toBeInstanceOf(DuplicateKeyError);
      expect((bulk as DuplicateKeyError).key).toEqual({ _id: 'a' });
      expect((await c.find({}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual(['a', 'c']);
    });

    it('gives string ids to documents an upsert or insert creates without one', async () => {
      const c = store.collection('ids');
      const r = await c.updateOne({ email: 'n@x' }, { $set: { n: 1 } }, { upsert: true });
      expect(typeof r.upsertedId).toBe('string');
      expect(await c.findOne({ email: 'n@x' })).toEqual({ _id: r.upsertedId, email: 'n@x', n: 1 });
      const replaced = await c.replaceOne({ email: 'm@x' }, { _id: undefined as unknown as string, email: 'm@x', v: 1 }, { upsert: true });
      expect(typeof replaced.upsertedId).toBe('string');
    });

    it('refuses every call after close', async () => {
      const other = await createMongoReadStore({ url: fake.url, dbName: 'closing' });
      const c = other.collection('x');
      await other.close();
      expect(() => other.collection('x')).toThrow(/closed/);
      await expect(c.find({})).rejects.toThrow(/closed/);
      await expect(other.listCollections()).rejects.toThrow(/closed/);
    });
  });
});
