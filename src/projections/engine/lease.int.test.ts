import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { ReadStore } from '../../ports/read-store';
import { ManualClock } from '../../../test/support/clock';
import { fenceReadStore, Lease, LEASES, LeaseLostError } from './lease';

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
  });
});
