import { startFakeMongo, type FakeMongo } from '../../../../test/support/mongo-wire-fake';
import { readStoreContract } from '../../../ports/read-store.contract';
import { DuplicateKeyError } from '../../../ports/read-store';
import { WriteNotConfirmedError } from '../../../ports/bounded-writes';
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

  readStoreContract('mongodb driver, fake server, writes bounded to 2 s', async () => {
    const store = await createMongoReadStore({ url: fake.url, dbName: 'contract_bounded' });
    return { store: store.withWriteTimeout(2000), teardown: () => store.close() };
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

    it('bounds the writes of a withWriteTimeout view (maxTimeMS, wtimeout) and of nothing else', async () => {
      const bounded = store.withWriteTimeout(1500);
      await bounded.collection('b').updateOne({ _id: 'x' }, { $set: { n: 1 } }, { upsert: true });
      expect(last('update')).toMatchObject({ maxTimeMS: 1200, writeConcern: { w: 'majority', j: true, wtimeout: 1200 } });
      await store.collection('b').updateOne({ _id: 'x' }, { $set: { n: 2 } });
      expect(last('update')).not.toHaveProperty('maxTimeMS');
      expect(last('update').writeConcern).toEqual({ w: 'majority', j: true });
      // Index builds are never bounded: they may rightly take long.
      await bounded.collection('b').createIndexes([{ keys: { n: 1 } }]);
      expect(last('createIndexes')).not.toHaveProperty('maxTimeMS');
      // Closing the view closes nothing.
      await bounded.close();
      expect(await store.collection('b').findOne({ _id: 'x' })).toEqual({ _id: 'x', n: 2 });
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

/**
 * What a replica set does to writes (the fake as the primary of a one-member set, as production
 * and docker-compose run MongoDB): elections, retryable writes, replication lag; and the bounded
 * writes the projection lease relies on (ports/bounded-writes.ts).
 */
describe('MongoDB read store on a replica set (wire-protocol fake)', () => {
  let fake: FakeMongo;
  let store: MongoReadStore;
  beforeAll(async () => {
    fake = await startFakeMongo({ replicaSet: 'rs0' });
    store = await createMongoReadStore({ url: fake.url, dbName: 'rs' });
  });
  afterAll(async () => {
    await store.close();
    await fake.close();
  });
  const writesTo = (coll: string) => fake.writes.filter((w) => Object.values(w.command)[0] === coll);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('retries a write across an election (the driver waits for a new primary) and applies it once', async () => {
    const c = store.collection('election');
    fake.stepDown(1200);
    const started = Date.now();
    await c.updateOne({ _id: 'e' }, { $inc: { n: 1 } }, { upsert: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await c.findOne({ _id: 'e' })).toEqual({ _id: 'e', n: 1 });
    const [refused, applied] = writesTo('election');
    expect(refused!.reply).toMatchObject({ ok: 0, code: 10107, errorLabels: ['RetryableWriteError'] });
    expect(applied!.reply).toMatchObject({ ok: 1, n: 1 });
    // One retryable write: the same transaction number both times.
    expect(applied!.command.txnNumber).toEqual(refused!.command.txnNumber);
  });

  it('answers a retried write whose reply was lost from its first execution (retryable writes)', async () => {
    const c = store.collection('lost');
    fake.loseNextReply((cmd) => cmd.update === 'lost');
    await c.updateOne({ _id: 'l' }, { $inc: { n: 1 } }, { upsert: true });
    expect(await c.findOne({ _id: 'l' })).toEqual({ _id: 'l', n: 1 });
    const sent = writesTo('lost');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.reply).toEqual(sent[0]!.reply);
  });

  it('waits out replication lag on a w: majority write without a bound', async () => {
    fake.replicationLag(600);
    try {
      const started = Date.now();
      await store.collection('lag').insertOne({ _id: 'a' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    } finally {
      fake.replicationLag(0);
    }
  });

  describe('bounded writes (withWriteTimeout)', () => {
    it('give up within the bound during an election, and are not retried afterwards', async () => {
      const bounded = store.withWriteTimeout(300);
      fake.stepDown(2500);
      const started = Date.now();
      const error = await bounded.collection('b_election').updateOne({ _id: 'x' }, { $inc: { n: 1 } }, { upsert: true }).catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(error).toBeInstanceOf(WriteNotConfirmedError);
      expect(error).toMatchObject({ collection: 'b_election' });
      expect(took).toBeLessThan(1000);
      // After the election nothing comes back on its own: the driver stopped, the write was never done.
      await sleep(2800 - took);
      expect(await store.collection('b_election').findOne({ _id: 'x' })).toBeNull();
      expect(writesTo('b_election').every((w) => w.reply.ok === 0)).toBe(true);
    });

    it('report a write replicated slower than the bound as not confirmed (the primary applied it)', async () => {
      fake.replicationLag(2000);
      try {
        const bounded = store.withWriteTimeout(300);
        const started = Date.now();
        const error = await bounded.collection('b_lag').updateOne({ _id: 'y' }, { $set: { v: 1 } }, { upsert: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WriteNotConfirmedError);
        expect(Date.now() - started).toBeLessThan(1000);
        const [sent] = writesTo('b_lag');
        // The server was told both limits (a fifth under the driver's); it answered at the first with a write concern error.
        expect(sent!.command).toMatchObject({ maxTimeMS: 240, writeConcern: { w: 'majority', wtimeout: 240 } });
        expect(sent!.reply.writeConcernError).toMatchObject({ code: 64, errInfo: { wtimeout: true } });
      } finally {
        fake.replicationLag(0);
      }
      expect(await store.collection('b_lag').findOne({ _id: 'y' })).toEqual({ _id: 'y', v: 1 });
    });

    it('give up on a write held on its way to the server; the server may still apply it when it arrives', async () => {
      const bounded = store.withWriteTimeout(300);
      const held = fake.hold((cmd) => cmd.update === 'b_held');
      const error = await bounded.collection('b_held').updateOne({ _id: 'z' }, { $set: { v: 1 } }, { upsert: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WriteNotConfirmedError);
      await held.arrived;
      expect(await store.collection('b_held').findOne({ _id: 'z' })).toBeNull();
      expect(await held.release()).toMatchObject({ ok: 1, n: 1 });
      expect(await store.collection('b_held').findOne({ _id: 'z' })).toEqual({ _id: 'z', v: 1 });
    });
  });
});
