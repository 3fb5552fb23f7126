import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { createMongoReadStore, type MongoReadStore } from '../../adapters/read-store/mongodb/mongo-read-store';
import { defineEvent, EventRegistry } from '../../domain/shared/events';
import type { EventStore } from '../../ports/event-store';
import { silentLogger } from '../../ports/logger';
import { describeWithDocker } from '../../../test/support/docker';
import { ManualClock } from '../../../test/support/clock';
import { startMongoContainer, type MongoTestServer } from '../../../test/support/mongo-container';
import { startFakeMongo, type FakeMongo } from '../../../test/support/mongo-wire-fake';
import { LeasedProjections } from './leased-runner';
import { applyOnce, type Projector } from './projector';
import { CHECKPOINTS } from './runner';

/**
 * The projection lease and the runner on the MongoDB read store: two instances, each with its
 * own MongoDB client, share one database and one event log. The lease's "someone else holds it"
 * is a duplicate-key error from an upsert, so this goes through the driver's error path. Runs
 * against the wire-protocol fake here, and against mongo:7 where Docker is reachable.
 */

const registry = new EventRegistry([defineEvent('Tick', z.object({ seq: z.number() }))]);

/** Plain $inc (no applyOnce): a double application would show as 2. */
const ticks = (instance: string): Projector => ({
  name: 'ticks',
  handles: ['Tick'],
  collections: { ticks: [] },
  async apply(e, ctx) {
    await ctx.collection('ticks').updateOne({ _id: `t${String(e.data.seq)}` }, { $inc: { applied: 1 }, $set: { by: instance } }, { upsert: true });
  },
});

/** With applyOnce: redelivery changes nothing. */
const idempotent: Projector = {
  name: 'idempotent',
  handles: ['Tick'],
  collections: { idem: [] },
  async apply(e, ctx) {
    await applyOnce(ctx.collection('idem'), 'total', e.position, { $inc: { n: 1 } }, { upsert: true });
  },
};

function leaseSuite(label: string, url: () => string, dbName: string): void {
  describe(label, () => {
    let events: EventStore;
    let clock: ManualClock;
    const stores: MongoReadStore[] = [];
    const instances: LeasedProjections[] = [];
    let seq = 0;
    let db = '';

    const instance = async (owner: string) => {
      const store = await createMongoReadStore({ url: url(), dbName: db });
      stores.push(store);
      const p = new LeasedProjections({
        name: 'projections:test',
        owner,
        readStore: store,
        eventStore: events,
        registry,
        projectors: [ticks(owner), idempotent],
        logger: silentLogger,
        clock,
        ttlMs: 10_000,
        renewEveryMs: 3_000,
        standbyPollMs: 1_000,
        checkpointPollMs: 5,
        autoTick: false,
        runner: { resubscribeDelayMs: () => 5, batchSize: 5 },
      });
      instances.push(p);
      return { p, store };
    };
    const append = async (n: number) => {
      let position = 0;
      for (let i = 0; i < n; i++) {
        seq++;
        position = (
          await events.appendToStream(`tick-${seq}`, [
            { id: randomUUID(), type: 'Tick', data: { seq }, metadata: { timestamp: '2026-01-15T12:00:00.000Z', schemaVersion: 1 } },
          ])
        ).position;
      }
      return position;
    };
    const applied = async (store: MongoReadStore) =>
      (await store.collection<{ _id: string; applied: number; by: string }>('ticks').find({}, { sort: { _id: 1 } })).map((d) => [d._id, d.applied, d.by]);

    beforeEach(() => {
      events = createMemoryEventStore();
      clock = new ManualClock('2026-01-15T12:00:00.000Z');
      seq = 0;
      db = `${dbName}_${randomUUID().slice(0, 8)}`;
    });
    afterEach(async () => {
      for (const p of instances.splice(0)) await p.stop();
      for (const s of stores.splice(0)) {
        await s.db.dropDatabase().catch(() => undefined);
        await s.close();
      }
    });

    it('one instance applies; after a clean stop the other continues from the stored checkpoint, each event once', async () => {
      const a = await instance('A');
      const b = await instance('B');
      await a.p.start();
      await b.p.start();
      expect(a.p.currentRole).toBe('active');
      expect(b.p.currentRole).toBe('standby');
      const first = await append(8);
      expect(await a.p.waitFor(first, 5000)).toBe(true);
      expect(await b.p.waitFor(first, 5000)).toBe(true);
      await a.p.stop();
      await b.p.tick();
      expect(b.p.currentRole).toBe('active');
      const second = await append(7);
      expect(await b.p.waitFor(second, 5000)).toBe(true);
      const rows = await applied(b.store);
      expect(rows).toHaveLength(15);
      expect(rows.every(([, n]) => n === 1)).toBe(true);
      expect(rows.filter(([, , by]) => by === 'A')).toHaveLength(8);
      expect((await b.store.collection('idem').findOne({ _id: 'total' }))?.n).toBe(15);
      expect((await b.store.collection(CHECKPOINTS).findOne({ _id: 'ticks' }))?.position).toBeGreaterThanOrEqual(second);
    });

    it('after the holder stops renewing, its writes are fenced off and the other takes over once the lease expired', async () => {
      const a = await instance('A');
      const b = await instance('B');
      await a.p.start();
      await b.p.start();
      const first = await append(6);
      expect(await a.p.waitFor(first, 5000)).toBe(true);
      clock.advance(10_001);
      const second = await append(4);
      const deadline = Date.now() + 5000;
      while (a.p.runner.position < second && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(await applied(a.store)).toHaveLength(6);
      await b.p.tick();
      expect(b.p.currentRole).toBe('active');
      expect(await b.p.waitFor(second, 5000)).toBe(true);
      const rows = await applied(b.store);
      expect(rows).toHaveLength(10);
      expect(rows.every(([, n]) => n === 1)).toBe(true);
      expect(rows.filter(([, , by]) => by === 'B')).toHaveLength(4);
      await a.p.tick();
      expect(a.p.currentRole).toBe('standby');
    });

    it('a redelivered event changes nothing (applyOnce on MongoDB)', async () => {
      const { store } = await instance('A');
      const c = store.collection('once');
      expect(await applyOnce(c, 'd', 5, { $inc: { n: 1 } }, { upsert: true })).toBe(true);
      expect(await applyOnce(c, 'd', 5, { $inc: { n: 1 } }, { upsert: true })).toBe(false);
      expect(await applyOnce(c, 'd', 3, { $inc: { n: 1 } }, { upsert: true })).toBe(false);
      expect(await applyOnce(c, 'd', 6, { $inc: { n: 1 } }, { upsert: true })).toBe(true);
      expect(await c.findOne({ _id: 'd' })).toEqual({ _id: 'd', n: 2, _pos: 6 });
    });
  });
}

describe('projection lease on the MongoDB read store', () => {
  describe('through the driver against the wire-protocol fake', () => {
    let fake: FakeMongo;
    beforeAll(async () => {
      fake = await startFakeMongo();
    });
    afterAll(async () => {
      await fake.close();
    });
    leaseSuite('fake server', () => fake.url, 'lease');
  });

  describeWithDocker('projection lease on MongoDB (mongo:7 in Docker)', () => {
    jest.setTimeout(180_000);
    let server: MongoTestServer;
    beforeAll(async () => {
      server = await startMongoContainer();
    });
    afterAll(async () => {
      await server?.stop();
    });
    leaseSuite('real server', () => server.url, 'lease');
  });
});
