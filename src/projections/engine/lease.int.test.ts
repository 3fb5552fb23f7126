import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { WriteNotConfirmedError, withWriteTimeout } from '../../ports/bounded-writes';
import { DuplicateKeyError, type Doc, type ReadStore } from '../../ports/read-store';
import { ManualClock } from '../../../test/support/clock';
import { FencedWriteUnconfirmedError, fenceReadStore, Lease, LEASES, LeaseLostError, StaleTermError, TERM_FIELD } from './lease';
import { applyOnce } from './projector';
import { CHECKPOINTS } from './runner';

describe('Lease on the read store port (in-memory store)', () => {
  let store: ReadStore;
  let clock: ManualClock;
  const lease = (owner: string, ttlMs = 10_000) => new Lease({ readStore: store, name: 'projections:test', owner, ttlMs, clock });

  beforeEach(() => {
    store = createMemoryReadStore();
    clock = new ManualClock('2026-01-15T12:00:00.000Z');
  });

  it('is held by exactly one owner until it expires', async () => {
    const a = lease('A');
    const b = lease('B');
    expect(await a.tryAcquire()).toBe(true);
    expect(a.isHeld()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(b.isHeld()).toBe(false);
    expect(await b.holder()).toEqual({ owner: 'A', expiresAt: new Date('2026-01-15T12:00:10.000Z'), position: null });
    const doc = await store.collection(LEASES).findOne({ _id: 'projections:test' });
    expect(doc).toMatchObject({ owner: 'A', acquired_at: new Date('2026-01-15T12:00:00.000Z'), expires_at: new Date('2026-01-15T12:00:10.000Z') });
  });

  it('renews for the holder and publishes its position', async () => {
    const a = lease('A');
    await a.tryAcquire();
    clock.advance(5_000);
    expect(await a.tryAcquire({ position: 42 })).toBe(true);
    expect(await a.holder()).toEqual({ owner: 'A', expiresAt: new Date('2026-01-15T12:00:15.000Z'), position: 42 });
    expect(await a.publishedPosition()).toBe(42);
    // A renewal keeps the time it was first acquired.
    expect((await store.collection(LEASES).findOne({ _id: 'projections:test' }))?.acquired_at).toEqual(new Date('2026-01-15T12:00:00.000Z'));
    // Still refused to others until the renewed expiry.
    clock.advance(9_000);
    expect(await lease('B').tryAcquire()).toBe(false);
  });

  it('stops trusting itself a safety margin before it expires', async () => {
    const a = lease('A', 10_000);
    expect(a.safetyMarginMs).toBe(2_000);
    await a.tryAcquire();
    clock.advance(7_999);
    expect(a.isHeld()).toBe(true);
    clock.advance(1);
    expect(a.isHeld()).toBe(false);
    // Others must still wait for the stored expiry.
    expect(await lease('B').tryAcquire()).toBe(false);
  });

  it('goes to another owner once it has expired', async () => {
    const a = lease('A');
    const b = lease('B');
    await a.tryAcquire();
    clock.advance(10_001);
    expect(await b.tryAcquire()).toBe(true);
    expect((await b.holder())?.owner).toBe('B');
    // The old holder's renewal is now refused and it stops trusting the lease.
    expect(await a.tryAcquire()).toBe(false);
    expect(a.isHeld()).toBe(false);
  });

  it('is free at once after release', async () => {
    const a = lease('A');
    const b = lease('B');
    await a.tryAcquire();
    await a.release();
    expect(a.isHeld()).toBe(false);
    expect(await a.holder()).toBeNull();
    expect(await b.tryAcquire()).toBe(true);
    // Releasing a lease one does not hold changes nothing.
    await a.release();
    expect((await b.holder())?.owner).toBe('B');
  });

  it('lets only one of many concurrent contenders win', async () => {
    const contenders = Array.from({ length: 8 }, (_, i) => lease(`I${i}`));
    const results = await Promise.all(contenders.map((c) => c.tryAcquire()));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = contenders[results.indexOf(true)]!;
    expect((await winner.holder())?.owner).toBe(winner.owner);
  });

  it('starts a new term with every acquisition, keeps it through renewals, and refuses to renew a term it no longer holds', async () => {
    const a = lease('A');
    const b = lease('B');
    expect(a.term).toBe(0);
    expect(await a.tryAcquire()).toBe(true);
    expect(a.term).toBe(1);
    clock.advance(5_000);
    expect(await a.tryAcquire()).toBe(true);
    expect(a.term).toBe(1);
    await a.release();
    expect(a.term).toBe(0);
    expect(await b.tryAcquire()).toBe(true);
    expect(b.term).toBe(2);
    clock.advance(10_001);
    // A takes it over after it expired: a new term, whoever held it before.
    expect(await a.tryAcquire()).toBe(true);
    expect(a.term).toBe(3);
    expect((await store.collection(LEASES).findOne({ _id: 'projections:test' }))?.term).toBe(3);
    // B still believes it holds term 2 (its local deadline has passed, so it acquires, and is refused).
    expect(await b.tryAcquire()).toBe(false);
    // The lease document moves on behind A's back (another owner's acquisition): A's renewal is refused.
    await store.collection(LEASES).updateOne({ _id: 'projections:test' }, { $inc: { term: 1 } });
    expect(await a.tryAcquire()).toBe(false);
    expect(a.isHeld()).toBe(false);
    expect(a.term).toBe(0);
  });

  it('moves its term past a later one on request (a lease document that lost its history)', async () => {
    const a = lease('A');
    await a.tryAcquire();
    expect(await a.advanceTerm(7)).toBe(true);
    expect(a.term).toBe(7);
    expect(await a.advanceTerm(3)).toBe(true);
    expect(a.term).toBe(7);
    expect((await store.collection(LEASES).findOne({ _id: 'projections:test' }))?.term).toBe(7);
    clock.advance(5_000);
    expect(await a.tryAcquire()).toBe(true);
    expect(a.term).toBe(7);
  });

  it('refuses nonsensical settings', () => {
    expect(() => lease('A', 0)).toThrow(RangeError);
    expect(() => new Lease({ readStore: store, name: 'x', owner: 'A', ttlMs: 100, clock, safetyMarginMs: 100 })).toThrow(RangeError);
  });

  describe('fenceReadStore', () => {
    it('passes reads always and writes only while writable', async () => {
      let writable = true;
      const fenced = fenceReadStore(store, () => writable, 'projections:test');
      const c = fenced.collection('docs');
      await c.insertOne({ _id: 'a', n: 1 });
      await c.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
      writable = false;
      const refused = [
        c.insertOne({ _id: 'b' }),
        c.insertMany([{ _id: 'c' }]),
        c.updateOne({ _id: 'a' }, { $inc: { n: 1 } }),
        c.updateMany({}, { $inc: { n: 1 } }),
        c.replaceOne({ _id: 'a' }, { _id: 'a' }),
        c.deleteOne({ _id: 'a' }),
        c.deleteMany({}),
        c.createIndexes([{ keys: { n: 1 } }]),
        fenced.dropCollection('docs'),
        fenced.renameCollection('docs', 'other'),
      ];
      for (const r of refused) await expect(r).rejects.toBeInstanceOf(LeaseLostError);
      expect(await c.find({})).toEqual([{ _id: 'a', n: 2 }]);
      expect(await c.countDocuments({})).toBe(1);
      expect(await c.distinct('n')).toEqual([2]);
      expect(await c.aggregate([{ $match: { _id: 'a' } }])).toEqual([{ _id: 'a', n: 2 }]);
      expect(await fenced.listCollections()).toEqual(['docs']);
      // Closing the fence does not close the store behind it.
      await fenced.close();
      expect(await store.collection('docs').countDocuments({})).toBe(1);
    });

    it('records the term on every document write and refuses, by the filter itself, a write of an older term where a newer one has written', async () => {
      const ended: Error[] = [];
      // Both instances believe they may write: the older one's writes are on their way, late.
      const older = fenceReadStore(store, () => true, 'projections:test', { term: () => 1, onTermEnded: (e) => void ended.push(e) });
      const newer = fenceReadStore(store, () => true, 'projections:test', { term: () => 2 });
      const raw = store.collection(CHECKPOINTS);
      await older.collection(CHECKPOINTS).updateOne({ _id: 'p' }, { $set: { position: 10 } }, { upsert: true });
      expect(await raw.findOne({ _id: 'p' })).toEqual({ _id: 'p', position: 10, [TERM_FIELD]: 1 });
      await newer.collection(CHECKPOINTS).updateOne({ _id: 'p' }, { $max: { position: 20 } }, { upsert: true });
      expect(await raw.findOne({ _id: 'p' })).toEqual({ _id: 'p', position: 20, [TERM_FIELD]: 2 });

      // The older term's delayed checkpoint write: refused, the checkpoint stays where it is.
      const stale = await older.collection(CHECKPOINTS).updateOne({ _id: 'p' }, { $set: { position: 15 } }, { upsert: true }).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(StaleTermError);
      expect(stale).toBeInstanceOf(LeaseLostError);
      expect(ended).toEqual([stale]);
      await expect(older.collection(CHECKPOINTS).replaceOne({ _id: 'p' }, { _id: 'p', position: 1 }, { upsert: true })).rejects.toBeInstanceOf(StaleTermError);
      expect(await older.collection(CHECKPOINTS).updateOne({ _id: 'p' }, { $set: { position: 15 } })).toMatchObject({ matchedCount: 0 });
      expect(await older.collection(CHECKPOINTS).updateMany({}, { $set: { position: 15 } })).toMatchObject({ matchedCount: 0 });
      expect(await older.collection(CHECKPOINTS).deleteOne({ _id: 'p' })).toEqual({ deletedCount: 0 });
      expect(await raw.findOne({ _id: 'p' })).toEqual({ _id: 'p', position: 20, [TERM_FIELD]: 2 });

      // Documents no newer term has written take the older term's writes (their own guards —
      // applied positions — keep those harmless), and then the newer term's.
      const docs = older.collection('docs');
      await docs.insertOne({ _id: 'd', n: 1 });
      expect(await store.collection('docs').findOne({ _id: 'd' })).toEqual({ _id: 'd', n: 1, [TERM_FIELD]: 1 });
      await newer.collection('docs').updateOne({ _id: 'd' }, { $inc: { n: 1 } });
      expect(await docs.updateOne({ _id: 'd' }, { $inc: { n: 100 } })).toMatchObject({ matchedCount: 0 });
      expect(await store.collection('docs').findOne({ _id: 'd' })).toEqual({ _id: 'd', n: 2, [TERM_FIELD]: 2 });
      // A real duplicate key stays one: an insert of an existing document, and a redelivered event.
      await expect(newer.collection('docs').insertOne({ _id: 'd' })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await applyOnce(newer.collection('once'), 'o', 5, { $inc: { n: 1 } }, { upsert: true })).toBe(true);
      expect(await applyOnce(newer.collection('once'), 'o', 5, { $inc: { n: 1 } }, { upsert: true })).toBe(false);
      // ...but the older term's attempt at it is refused as stale, and ends its term.
      await expect(applyOnce(older.collection('once'), 'o', 9, { $inc: { n: 1 } }, { upsert: true })).rejects.toBeInstanceOf(StaleTermError);
      expect(await store.collection('once').findOne({ _id: 'o' })).toEqual({ _id: 'o', n: 1, _pos: 5, [TERM_FIELD]: 2 });
    });

    it('ends the term on a write the store could not confirm in time', async () => {
      const unconfirmed: ReadStore = {
        ...store,
        collection: <T extends Doc>(name: string) => ({
          ...store.collection<T>(name),
          updateOne: async () => {
            throw new WriteNotConfirmedError(name, 'timed out (test)');
          },
        }),
      };
      const ended: Error[] = [];
      const fenced = fenceReadStore(unconfirmed, () => true, 'projections:test', { term: () => 1, onTermEnded: (e) => void ended.push(e) });
      const error = await fenced.collection('docs').updateOne({ _id: 'a' }, { $set: { n: 1 } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FencedWriteUnconfirmedError);
      expect(error).toBeInstanceOf(LeaseLostError);
      expect(ended).toEqual([error]);
    });

    it('bounds the writes of a store that can bound them', () => {
      const asked: number[] = [];
      const bounding = { ...store, withWriteTimeout: (ms: number) => (asked.push(ms), store) };
      expect(withWriteTimeout(bounding, 1500)).toBe(store);
      expect(asked).toEqual([1500]);
      expect(withWriteTimeout(store, 1500)).toBe(store);
      expect(() => withWriteTimeout(store, 0)).toThrow(RangeError);
    });
  });
});
