import { describeWithDocker } from '../../../../test/support/docker';
import { startMongoContainer, type MongoTestServer } from '../../../../test/support/mongo-container';
import { readStoreContract } from '../../../ports/read-store.contract';
import { DuplicateKeyError } from '../../../ports/read-store';
import { createMongoReadStore, type MongoReadStore } from './mongo-read-store';

/**
 * The read store contract suite, unchanged, on a real MongoDB 7 (testcontainers), plus what only
 * MongoDB can show: the driver options and index names on the server. Skipped with one printed
 * line where no Docker engine is reachable.
 */
describeWithDocker('MongoDB read store (mongo:7 in Docker)', () => {
  jest.setTimeout(180_000);
  let server: MongoTestServer;
  beforeAll(async () => {
    server = await startMongoContainer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  readStoreContract('mongodb', async () => {
    const store = await createMongoReadStore({ url: server.url, dbName: 'contract' });
    return { store, teardown: () => store.close() };
  });

  describe('adapter specifics', () => {
    let store: MongoReadStore;
    beforeAll(async () => {
      store = await createMongoReadStore({ url: server.url, dbName: 'specifics' });
    });
    afterAll(async () => {
      await store.db.dropDatabase();
      await store.close();
    });

    it('drops undefined fields instead of storing null', async () => {
      const c = store.collection('undef');
      await c.insertOne({ _id: 'a', keep: 1, gone: undefined });
      expect(await store.db.collection('undef').findOne({ _id: 'a' as never })).toEqual({ _id: 'a', keep: 1 });
    });

    it('creates indexes with stable names, idempotently', async () => {
      const c = store.collection('idx');
      const specs = [{ keys: { status: 1, created_at: -1 } as Record<string, 1 | -1> }, { keys: { email: 1 } as Record<string, 1 | -1>, unique: true }];
      await c.createIndexes(specs);
      await c.createIndexes(specs);
      const names = (await store.db.collection('idx').listIndexes().toArray()).map((i) => i.name).sort();
      expect(names).toEqual(['_id_', 'email_1', 'status_1_created_at_-1']);
    });

    it('reports the colliding key of a unique index', async () => {
      const c = store.collection('dup');
      await c.createIndexes([{ keys: { email: 1 }, unique: true }]);
      await c.insertOne({ _id: 'a', email: 'a@x' });
      const err = await c.insertOne({ _id: 'b', email: 'a@x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DuplicateKeyError);
      expect((err as DuplicateKeyError).key).toEqual({ email: 'a@x' });
      const bulk = await c.insertMany([{ _id: 'c', email: 'c@x' }, { _id: 'a', email: 'z@x' }]).catch((e: unknown) => e);
      expect(bulk).toBeInstanceOf(DuplicateKeyError);
      expect((bulk as DuplicateKeyError).key).toEqual({ _id: 'a' });
    });

    it('throws after close', async () => {
      const other = await createMongoReadStore({ url: server.url, dbName: 'specifics' });
      const c = other.collection('x');
      await other.close();
      expect(() => other.collection('x')).toThrow(/closed/);
      await expect(c.find({})).rejects.toThrow(/closed/);
    });
  });
});
