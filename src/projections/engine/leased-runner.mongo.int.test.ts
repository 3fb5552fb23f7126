import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { z } from 'zod';
import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { createMongoReadStore, type MongoReadStore } from '../../adapters/read-store/mongodb/mongo-read-store';
import { defineEvent, EventRegistry } from '../../domain/shared/events';
import type { EventStore } from '../../ports/event-store';
import { silentLogger, type Logger } from '../../ports/logger';
import type { Doc } from '../../ports/read-store';
import { describeWithDocker } from '../../../test/support/docker';
import { ManualClock } from '../../../test/support/clock';
import { startMongoContainer, type MongoTestServer } from '../../../test/support/mongo-container';
import { startFakeMongo, type FakeMongo } from '../../../test/support/mongo-wire-fake';
import { fenceReadStore, StaleTermError, TERM_FIELD } from './lease';
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

/** What the server under test can do beyond the common cases. */
interface ServerControls {
  /** The wire-protocol fake: hold a write on its way, hold an election. */
  fake?: () => FakeMongo;
  /** A real server with test commands: block the next such command (failCommand), as a slow network or queue would. */
  blockNextWrite?: (command: string, ms: number) => Promise<void>;
}

/** A logger that keeps the warnings (silent otherwise). */
function recordingLogger(): { logger: Logger; warnings: Array<{ at: number; message: string }> } {
  const warnings: Array<{ at: number; message: string }> = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (first: object | string, message?: string) => void warnings.push({ at: Date.now(), message: typeof first === 'string' ? first : (message ?? '') }),
    child: () => logger,
  };
  return { logger, warnings };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function leaseSuite(label: string, url: () => string, dbName: string, controls: ServerControls = {}): void {
  describe(label, () => {
    let events: EventStore;
    let clock: ManualClock;
    const stores: MongoReadStore[] = [];
    const instances: LeasedProjections[] = [];
    let seq = 0;
    let db = '';
    // The lease's safety margin is 2 s (a fifth of 10 s); fenced writes give up after 300 ms.
    const FENCED_WRITE_TIMEOUT_MS = 300;

    const instance = async (owner: string, logger: Logger = silentLogger) => {
      const store = await createMongoReadStore({ url: url(), dbName: db, appName: `lease-${owner}` });
      stores.push(store);
      const p = new LeasedProjections({
        name: 'projections:test',
        owner,
        readStore: store,
        eventStore: events,
        registry,
        projectors: [ticks(owner), idempotent],
        logger,
        clock,
        ttlMs: 10_000,
        renewEveryMs: 3_000,
        standbyPollMs: 1_000,
        checkpointPollMs: 5,
        autoTick: false,
        fencedWriteTimeoutMs: FENCED_WRITE_TIMEOUT_MS,
        runner: { resubscribeDelayMs: () => 5, batchSize: 5 },
      });
      instances.push(p);
      return { p, store };
    };
    const checkpoint = async (store: MongoReadStore, name = 'ticks') => store.collection<Doc & { position: number; _term?: number }>(CHECKPOINTS).findOne({ _id: name });
    /** A's term ended (its fence closed) because a fenced write was not confirmed in time. */
    const termEnded = (warnings: Array<{ message: string }>) => warnings.some((w) => w.message === 'ending this projection term');
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

    it("refuses, by the filter itself, an older term's checkpoint write that reaches the server after a newer term took over", async () => {
      const a = await instance('A');
      const b = await instance('B');
      await a.p.start();
      await b.p.start();
      expect(a.p.lease.term).toBe(1);
      const first = await append(6);
      expect(await a.p.waitFor(first, 5000)).toBe(true);
      // What A's fence sends, as it stood in term 1 (A believed it still held the lease): its
      // writes from here on are the ones that were on their way when the lease passed on.
      const late = fenceReadStore(a.store, () => true, 'projections:test', { term: () => 1 });
      clock.advance(10_001);
      await b.p.tick();
      expect(b.p.currentRole).toBe('active');
      expect(b.p.lease.term).toBe(2);
      const second = await append(4);
      expect(await b.p.waitFor(second, 5000)).toBe(true);
      await until(async () => ((await checkpoint(b.store))?.position ?? 0) >= second);
      const before = await checkpoint(b.store);
      expect(before).toMatchObject({ [TERM_FIELD]: 2 });

      const stale = late.collection(CHECKPOINTS).updateOne({ _id: 'ticks' }, { $set: { position: first, updatedAt: new Date().toISOString() } }, { upsert: true });
      await expect(stale).rejects.toBeInstanceOf(StaleTermError);
      expect(await checkpoint(b.store)).toEqual(before);
      // A late document write of the older term matches nothing the newer term has written.
      expect(await late.collection('ticks').updateOne({ _id: 't7' }, { $inc: { applied: 1 } })).toMatchObject({ matchedCount: 0 });
      const rows = await applied(b.store);
      expect(rows).toHaveLength(10);
      expect(rows.every(([, n]) => n === 1)).toBe(true);
    });

    if (controls.fake) {
      const fake = controls.fake;

      it("refuses a stale holder's checkpoint write that was held on its way until after the takeover; the holder gave up on it within its bound", async () => {
        const recorded = recordingLogger();
        const a = await instance('A', recorded.logger);
        const b = await instance('B');
        await a.p.start();
        await b.p.start();
        const first = await append(5);
        expect(await a.p.waitFor(first, 5000)).toBe(true);
        await until(async () => ((await checkpoint(a.store))?.position ?? 0) >= first);

        // A's next checkpoint write (term 1) is delayed on its way to the server (a retry after an
        // election, a slow network). (Told apart by its term: under jest the driver's handshake
        // metadata, appName included, reaches the server empty.)
        const ofTerm = (cmd: Record<string, unknown>, term: number) =>
          (cmd.updates as Array<{ q: Record<string, { $not?: { $gt?: number } }> }> | undefined)?.[0]?.q[TERM_FIELD]?.$not?.$gt === term;
        const held = fake().hold((cmd) => cmd.update === CHECKPOINTS && ofTerm(cmd, 1));
        const second = await append(3);
        const sent = await held.arrived;
        const heldAt = Date.now();
        expect(sent.updates[0].q).toMatchObject({ _id: 'ticks', [TERM_FIELD]: { $not: { $gt: 1 } } });
        expect(sent.maxTimeMS).toBeLessThanOrEqual(FENCED_WRITE_TIMEOUT_MS);
        // A does not wait for it: within its bound (well inside the 2 s safety margin) its term ends.
        await until(() => termEnded(recorded.warnings), 2000);
        expect(Date.now() - heldAt).toBeLessThan(2000);
        expect(a.p.isActive()).toBe(false);

        // The lease expires; B takes over, claims the checkpoints for term 2 and goes on.
        clock.advance(10_001);
        await b.p.tick();
        expect(b.p.currentRole).toBe('active');
        const third = await append(2);
        expect(await b.p.waitFor(third, 5000)).toBe(true);
        await until(async () => ((await checkpoint(b.store))?.position ?? 0) >= third);
        const before = await checkpoint(b.store);
        expect(before).toMatchObject({ [TERM_FIELD]: 2 });
        expect(before!.position).toBeGreaterThan(second);

        // Now A's write arrives: its filter matches nothing (the upsert collides), the checkpoint stays.
        const reply = await held.release();
        expect(reply.writeErrors?.[0]?.code).toBe(11000);
        expect(await checkpoint(b.store)).toEqual(before);
        // B replayed from A's last stored checkpoint: what A had applied after it was delivered
        // again, which the idempotent projector shows nothing of (the plain $inc one counts twice).
        expect((await b.store.collection('idem').findOne({ _id: 'total' }))?.n).toBe(10);
        expect(await applied(b.store)).toHaveLength(10);
      });

      it('ends the holder\'s term when an election outlasts its write bound, instead of letting the write retry after the lease could pass on; it goes on after the election', async () => {
        const recorded = recordingLogger();
        const a = await instance('A', recorded.logger);
        await a.p.start();
        const first = await append(4);
        expect(await a.p.waitFor(first, 5000)).toBe(true);
        await until(async () => ((await checkpoint(a.store))?.position ?? 0) >= first);

        const electionMs = 3000;
        fake().stepDown(electionMs);
        const electionStart = Date.now();
        const second = await append(3);
        // The driver would wait in server selection for the new primary (up to 30 s) before its retry;
        // the fenced write gives up after 300 ms, and the term ends well before the 2 s margin.
        await until(() => termEnded(recorded.warnings), 2000);
        expect(Date.now() - electionStart).toBeLessThan(2000);
        expect(a.p.isActive()).toBe(false);
        // Nothing of term 1 reaches the server after its end, during or after the election: the
        // driver stopped (no retry once the new primary is there), and the fence refuses the rest.
        const writesOfA = () => fake().writes.length;
        const atEnd = writesOfA();
        await new Promise((r) => setTimeout(r, electionMs - (Date.now() - electionStart) + 700));
        expect(writesOfA()).toBe(atEnd);

        // After the election A steps down, holds the lease again in a new term and applies the rest once.
        await a.p.tick();
        expect(a.p.currentRole).toBe('standby');
        await a.p.tick();
        expect(a.p.currentRole).toBe('active');
        expect(a.p.lease.term).toBe(2);
        expect(await a.p.waitFor(second, 5000)).toBe(true);
        const rows = await applied(a.store);
        expect(rows).toHaveLength(7);
        expect(rows.every(([, n]) => n === 1)).toBe(true);
      });
    }

    if (controls.blockNextWrite) {
      const block = controls.blockNextWrite;

      it("ends the holder's term when a write is blocked past its bound; the blocked write cannot undo the next holder's work", async () => {
        const recorded = recordingLogger();
        const a = await instance('A', recorded.logger);
        const b = await instance('B');
        await a.p.start();
        await b.p.start();
        const first = await append(5);
        expect(await a.p.waitFor(first, 5000)).toBe(true);
        // Only A writes at this point: the next update is A's.
        await block('update', 3000);
        const heldAt = Date.now();
        await append(3);
        await until(() => termEnded(recorded.warnings), 2500);
        expect(Date.now() - heldAt).toBeLessThan(2500);
        clock.advance(10_001);
        await b.p.tick();
        expect(b.p.currentRole).toBe('active');
        const third = await append(2);
        expect(await b.p.waitFor(third, 5000)).toBe(true);
        await until(async () => ((await checkpoint(b.store))?.position ?? 0) >= third);
        // Past the block: whatever A's blocked write did when it ran, it changed nothing B wrote.
        await new Promise((r) => setTimeout(r, Math.max(0, 3500 - (Date.now() - heldAt))));
        expect((await checkpoint(b.store))?.position).toBeGreaterThanOrEqual(third);
        const rows = await applied(b.store);
        expect(rows).toHaveLength(10);
        expect(rows.every(([, n]) => n === 1)).toBe(true);
      });
    }

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
  describe('through the driver against the wire-protocol fake (a one-member replica set)', () => {
    let fake: FakeMongo;
    beforeAll(async () => {
      fake = await startFakeMongo({ replicaSet: 'rs0' });
    });
    afterAll(async () => {
      await fake.close();
    });
    leaseSuite('fake server', () => fake.url, 'lease', { fake: () => fake });
  });

  describeWithDocker('projection lease on MongoDB (mongo:7 in Docker)', () => {
    jest.setTimeout(180_000);
    let server: MongoTestServer;
    beforeAll(async () => {
      server = await startMongoContainer({ testCommands: true });
    });
    afterAll(async () => {
      await server?.stop();
    });
    leaseSuite('real server', () => server.url, 'lease', {
      // failCommand (enableTestCommands): the server holds the next such command before running
      // it. Not filtered by appName: under jest the driver's handshake metadata arrives empty.
      blockNextWrite: async (command, ms) => {
        const client = new MongoClient(server.url);
        try {
          await client.db('admin').command({
            configureFailPoint: 'failCommand',
            mode: { times: 1 },
            data: { failCommands: [command], blockConnection: true, blockTimeMS: ms },
          });
        } finally {
          await client.close();
        }
      },
    });
  });
});
