import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { defineEvent, EventRegistry } from '../../domain/shared/events';
import { systemClock, type Clock } from '../../ports/clock';
import type { EventStore } from '../../ports/event-store';
import { silentLogger } from '../../ports/logger';
import type { Doc, ReadStore } from '../../ports/read-store';
import { ManualClock } from '../../../test/support/clock';
import { Lease, LEASES, TERM_FIELD } from './lease';
import { LeasedProjections } from './leased-runner';
import type { Projector } from './projector';
import { CHECKPOINTS } from './runner';
import { RebuildJobs } from './rebuild-jobs';

/**
 * The projection lease proven on the embedded adapters: two instances (two LeasedProjections)
 * share one in-memory event store and one in-memory read store. The projector counts with a plain
 * `$inc` and records which instance applied each event, WITHOUT applyOnce, so an event applied
 * twice (by both instances, or replayed from a stale checkpoint) shows up as a count of 2.
 */

const registry = new EventRegistry([defineEvent('Tick', z.object({ seq: z.number() }))]);

interface TickDoc extends Doc {
  applied: number;
  by: string[];
}

/** Each instance has its own projector object (same name, so the same checkpoint). */
function ticksProjector(instance: string): Projector {
  return {
    name: 'ticks',
    handles: ['Tick'],
    collections: { ticks: [{ keys: { applied: 1 } }] },
    async apply(e, ctx) {
      const seq = Number(e.data.seq);
      await ctx.collection('ticks').updateOne({ _id: `t${seq}` }, { $inc: { applied: 1 }, $push: { by: instance } }, { upsert: true });
      await ctx.collection('ticks_total').updateOne({ _id: 'total' }, { $inc: { n: 1 } }, { upsert: true });
    },
  };
}

let seq = 0;
async function tick(store: EventStore): Promise<number> {
  seq++;
  const r = await store.appendToStream(`tick-${seq}`, [
    { id: randomUUID(), type: 'Tick', data: { seq }, metadata: { timestamp: '2026-01-15T12:00:00.000Z', schemaVersion: 1 } },
  ]);
  return r.position;
}

async function ticks(store: EventStore, n: number): Promise<{ first: number; last: number; position: number }> {
  const first = seq + 1;
  let position = 0;
  for (let i = 0; i < n; i++) position = await tick(store);
  return { first, last: seq, position };
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LeasedProjections: one projector group on exactly one instance', () => {
  let events: EventStore;
  let reads: ReadStore;
  let clock: ManualClock;
  const started: LeasedProjections[] = [];

  const instance = (owner: string, options: { clock?: Clock; autoTick?: boolean; ttlMs?: number; renewEveryMs?: number; standbyPollMs?: number } = {}) => {
    const p = new LeasedProjections({
      name: 'projections:test',
      owner,
      readStore: reads,
      eventStore: events,
      registry,
      projectors: [ticksProjector(owner)],
      logger: silentLogger,
      clock: options.clock ?? clock,
      ttlMs: options.ttlMs ?? 10_000,
      renewEveryMs: options.renewEveryMs ?? 3_000,
      standbyPollMs: options.standbyPollMs ?? 1_000,
      checkpointPollMs: 5,
      autoTick: options.autoTick ?? false,
      runner: { resubscribeDelayMs: () => 5, batchSize: 7 },
    });
    started.push(p);
    return p;
  };

  /** Every tick from..to applied exactly once; returns who applied each. */
  async function appliedOnce(from: number, to: number): Promise<string[]> {
    const docs = await reads.collection<TickDoc>('ticks').find({ _id: { $in: range(from, to).map((i) => `t${i}`) } });
    const byId = new Map(docs.map((d) => [d._id, d]));
    return range(from, to).map((i) => {
      const d = byId.get(`t${i}`);
      if (!d) throw new Error(`t${i} was never applied`);
      if (d.applied !== 1) throw new Error(`t${i} was applied ${d.applied} times (by ${d.by.join(', ')})`);
      return d.by[0]!;
    });
  }
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const total = async () => (await reads.collection('ticks_total').findOne({ _id: 'total' }))?.n;

  beforeEach(() => {
    events = createMemoryEventStore();
    reads = createMemoryReadStore();
    clock = new ManualClock('2026-01-15T12:00:00.000Z');
    seq = 0;
  });
  afterEach(async () => {
    for (const p of started.splice(0)) await p.stop();
  });

  it('runs on exactly one instance; after a clean stop the other takes over from the stored checkpoint', async () => {
    const a = instance('A');
    const b = instance('B');
    await Promise.all([a.start(), b.start()]);
    expect([a.currentRole, b.currentRole].sort()).toEqual(['active', 'standby']);
    const [active, standby] = a.currentRole === 'active' ? [a, b] : [b, a];
    const activeName = active === a ? 'A' : 'B';
    const standbyName = active === a ? 'B' : 'A';

    const first = await ticks(events, 20);
    expect(await active.waitFor(first.position, 3000)).toBe(true);
    // Read-your-writes on the standby, from the stored checkpoints.
    expect(await standby.waitFor(first.position, 3000)).toBe(true);
    expect(await appliedOnce(1, 20)).toEqual(Array(20).fill(activeName));

    // The standby keeps standing by while the lease is renewed.
    clock.advance(3_000);
    await active.tick();
    await standby.tick();
    expect(active.currentRole).toBe('active');
    expect(standby.currentRole).toBe('standby');
    expect(standby.status().lease).toEqual({ name: 'projections:test', owner: standbyName, role: 'standby', holder: activeName });

    await active.stop();
    expect(await new Lease({ readStore: reads, name: 'projections:test', owner: 'probe', ttlMs: 1000, clock }).holder()).toBeNull();
    await standby.tick();
    expect(standby.currentRole).toBe('active');
    expect(standby.isActive()).toBe(true);

    const second = await ticks(events, 15);
    expect(await standby.waitFor(second.position, 3000)).toBe(true);
    const by = await appliedOnce(1, 35);
    expect(by.slice(0, 20)).toEqual(Array(20).fill(activeName));
    expect(by.slice(20)).toEqual(Array(15).fill(standbyName));
    expect(await total()).toBe(35);
    const checkpoint = await reads.collection(CHECKPOINTS).findOne({ _id: 'ticks' });
    expect(checkpoint?.position).toBeGreaterThanOrEqual(second.position);
  });

  it('each term marks every checkpoint first; a lease document that lost its history gets a term past the stored ones', async () => {
    const a = instance('A');
    await a.start();
    expect(a.currentRole).toBe('active');
    expect(a.lease.term).toBe(1);
    // Claimed before anything was applied (created at 0: there was no checkpoint yet).
    expect(await reads.collection(CHECKPOINTS).findOne({ _id: 'ticks' })).toMatchObject({ position: 0, [TERM_FIELD]: 1 });
    const first = await ticks(events, 5);
    expect(await a.waitFor(first.position, 3000)).toBe(true);
    await a.stop();

    // Someone deletes the lease document (to "unstick" it): the next acquisition would be term 1
    // again, below the term the checkpoints hold, and every write of it would be refused.
    await reads.collection(LEASES).deleteMany({});
    await reads.collection(CHECKPOINTS).updateOne({ _id: 'ticks' }, { $set: { [TERM_FIELD]: 4 } });
    const b = instance('B');
    await b.start();
    expect(b.currentRole).toBe('active');
    expect(b.lease.term).toBe(5);
    const second = await ticks(events, 5);
    expect(await b.waitFor(second.position, 3000)).toBe(true);
    expect(await appliedOnce(1, 10)).toEqual([...Array(5).fill('A'), ...Array(5).fill('B')]);
    expect(await reads.collection(CHECKPOINTS).findOne({ _id: 'ticks' })).toMatchObject({ [TERM_FIELD]: 5 });
  });

  it('when the holder stops renewing, it stops applying at once and the other takes over after expiry', async () => {
    const a = instance('A');
    const b = instance('B');
    await a.start();
    await b.start();
    expect(a.currentRole).toBe('active');
    expect(b.currentRole).toBe('standby');

    const first = await ticks(events, 12);
    expect(await a.waitFor(first.position, 3000)).toBe(true);

    // A hangs (no more renewals) without releasing anything. Its lease runs out.
    clock.advance(10_001);
    expect(a.isActive()).toBe(false);
    // Events appended now reach A's still-running subscription, but its writes are fenced off.
    const second = await ticks(events, 9);
    // (its runner reads them and skips every write; its checkpoint write is refused too)
    await eventually(() => a.runner.position >= second.position);
    expect(await reads.collection('ticks').countDocuments({ _id: { $in: range(13, 21).map((i) => `t${i}`) } })).toBe(0);

    // B takes the expired lease and continues from the stored checkpoint.
    await b.tick();
    expect(b.currentRole).toBe('active');
    expect(await b.waitFor(second.position, 3000)).toBe(true);
    const by = await appliedOnce(1, 21);
    expect(by.slice(0, 12)).toEqual(Array(12).fill('A'));
    expect(by.slice(12)).toEqual(Array(9).fill('B'));
    expect(await total()).toBe(21);

    // A wakes up: its term is over, it stands by and does not take the lease back. The refused
    // writes did not mark its projector faulted.
    await a.tick();
    expect(a.currentRole).toBe('standby');
    expect(a.runner.status().projectors.map((p) => p.faulted)).toEqual([null]);
    await a.tick();
    expect(a.currentRole).toBe('standby');
    const third = await ticks(events, 5);
    expect(await b.waitFor(third.position, 3000)).toBe(true);
    expect(await a.waitFor(third.position, 3000)).toBe(true);
    expect((await appliedOnce(22, 26))).toEqual(Array(5).fill('B'));
    expect(await total()).toBe(26);
  });

  it('a holder that misses its renewal steps down even if nobody took over, and restarts from the checkpoint', async () => {
    const a = instance('A');
    await a.start();
    const first = await ticks(events, 5);
    expect(await a.waitFor(first.position, 3000)).toBe(true);
    clock.advance(9_000); // past the local deadline (TTL minus the safety margin), before expiry
    const second = await ticks(events, 5);
    await eventually(() => a.runner.position >= second.position);
    expect(await total()).toBe(5); // fenced off: nothing applied past the local deadline
    await a.tick(); // the term is over
    expect(a.currentRole).toBe('standby');
    clock.advance(2_000);
    await a.tick(); // takes the lease again: a new term from the stored checkpoint
    expect(a.currentRole).toBe('active');
    expect(await a.waitFor(second.position, 3000)).toBe(true);
    expect(await appliedOnce(1, 10)).toEqual(Array(10).fill('A'));
    expect(await total()).toBe(10);
  });

  it('a standby is ready once the stored progress reaches the log head it saw at start; waitFor is bounded', async () => {
    const head = (await ticks(events, 3)).position;
    // Another instance (without a runner here) holds the lease and has applied nothing yet.
    const other = new Lease({ readStore: reads, name: 'projections:test', owner: 'X', ttlMs: 60_000, clock });
    expect(await other.tryAcquire({ position: 0 })).toBe(true);
    const b = instance('B');
    await b.start();
    expect(b.currentRole).toBe('standby');
    expect(b.ready()).toBe(false);
    expect(b.status()).toMatchObject({ running: false, caughtUp: false, position: 0, lease: { role: 'standby', holder: 'X' } });
    const before = Date.now();
    expect(await b.waitFor(head, 60)).toBe(false);
    expect(Date.now() - before).toBeLessThan(1000);

    // The holder's checkpoint reaches the head: the standby becomes ready and sees the write.
    await reads.collection(CHECKPOINTS).updateOne({ _id: 'ticks' }, { $set: { position: head } }, { upsert: true });
    await b.tick();
    expect(b.ready()).toBe(true);
    await expect(b.whenReady()).resolves.toBeUndefined();
    expect(await b.waitFor(head, 1000)).toBe(true);
    expect(b.status()).toMatchObject({ caughtUp: true, position: head, projectors: [{ name: 'ticks', checkpoint: head, faulted: null }] });

    // The position the holder publishes with its lease counts too (events no projector handles).
    const later = head + 10;
    await other.tryAcquire({ position: later });
    expect(await b.waitFor(later, 1000)).toBe(true);
  });

  it('a rebuild sent to a standby fails at once and changes nothing; on the holder it runs', async () => {
    const a = instance('A');
    const b = instance('B');
    await a.start();
    await b.start();
    const first = await ticks(events, 6);
    expect(await a.waitFor(first.position, 3000)).toBe(true);
    const onStandby = new RebuildJobs({ eventStore: events, readStore: b.readStore, runner: b.runner, logger: silentLogger }).start('ticks');
    const failed = await onStandby!.done;
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/does not hold the projection lease/);
    expect(await appliedOnce(1, 6)).toEqual(Array(6).fill('A'));
    const onHolder = await new RebuildJobs({ eventStore: events, readStore: a.readStore, runner: a.runner, logger: silentLogger }).start('ticks')!.done;
    expect(onHolder.state).toBe('done');
    // Rebuilt from zero by A's projector: still one application per event.
    expect(await appliedOnce(1, 6)).toEqual(Array(6).fill('A'));
  });

  it('a busy standby reads the stored checkpoints once per poll, however many requests wait', async () => {
    const a = instance('A');
    await a.start();
    let checkpointReads = 0;
    const counting: ReadStore = {
      ...reads,
      collection: <T extends Doc>(name: string) => {
        const c = reads.collection<T>(name);
        if (name !== CHECKPOINTS) return c;
        return { ...c, name: c.name, find: (...args: Parameters<typeof c.find>) => (checkpointReads++, c.find(...args)) };
      },
    };
    const b = new LeasedProjections({
      name: 'projections:test',
      owner: 'B',
      readStore: counting,
      eventStore: events,
      registry,
      projectors: [ticksProjector('B')],
      logger: silentLogger,
      clock,
      ttlMs: 10_000,
      renewEveryMs: 3_000,
      standbyPollMs: 1_000,
      checkpointPollMs: 20,
      autoTick: false,
    });
    started.push(b);
    await b.start();
    const before = checkpointReads;
    const target = (await ticks(events, 3)).position;
    const waits = Array.from({ length: 50 }, () => b.waitFor(target, 3000));
    expect(await Promise.all(waits)).toEqual(Array(50).fill(true));
    // A handful of polls, not fifty per poll.
    expect(checkpointReads - before).toBeLessThan(20);
  });

  it('takes over by itself on timers (short real intervals)', async () => {
    const a = instance('A', { clock: systemClock, autoTick: true, ttlMs: 300, renewEveryMs: 20, standbyPollMs: 20 });
    const b = instance('B', { clock: systemClock, autoTick: true, ttlMs: 300, renewEveryMs: 20, standbyPollMs: 20 });
    await a.start();
    await b.start();
    expect(a.currentRole).toBe('active');
    const first = await ticks(events, 10);
    expect(await b.waitFor(first.position, 3000)).toBe(true);
    // A is renewed by its timer well past the TTL.
    await new Promise((r) => setTimeout(r, 400));
    expect(a.currentRole).toBe('active');
    expect(b.currentRole).toBe('standby');
    await a.stop();
    await eventually(() => b.currentRole === 'active');
    const second = await ticks(events, 10);
    expect(await b.waitFor(second.position, 3000)).toBe(true);
    const by = await appliedOnce(1, 20);
    expect(by.slice(0, 10)).toEqual(Array(10).fill('A'));
    expect(by.slice(10)).toEqual(Array(10).fill('B'));
  });
});
