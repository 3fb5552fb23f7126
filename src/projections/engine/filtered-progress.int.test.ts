import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { defineEvent, EventRegistry } from '../../domain/shared/events';
import type { EventStore } from '../../ports/event-store';
import { silentLogger } from '../../ports/logger';
import type { ReadStore } from '../../ports/read-store';
import { ManualClock } from '../../../test/support/clock';
import { withPeriodicCheckpoints, type PeriodicEventStore } from '../../../test/support/periodic-event-store';
import { FilteredProgress } from './filtered-progress';
import { LeasedProjections } from './leased-runner';
import { applyOnce, type Projector } from './projector';
import { ProjectionRunner } from './runner';

/**
 * Read-your-writes on a store whose filtered subscriptions report skipped events only now and
 * then (EventStoreDB; here the embedded store made to report none at all): a wait for a position
 * behind events no projector handles is answered by a probe of the log, never by a timeout, and
 * never before the handled events in between are applied.
 */

const registry = new EventRegistry([
  defineEvent('Counted', z.object({ key: z.string() })),
  defineEvent('Ignored', z.object({})),
]);

const counter: Projector = {
  name: 'counter',
  handles: ['Counted'],
  collections: { counts: [] },
  async apply(e, ctx) {
    await applyOnce(ctx.collection('counts'), String(e.data.key), e.position, { $inc: { n: 1 } }, { upsert: true });
  },
};

const meta = { timestamp: '2026-01-15T12:00:00.000Z', schemaVersion: 1 };
async function append(store: EventStore, type: 'Counted' | 'Ignored', key = 'k'): Promise<number> {
  const data = type === 'Counted' ? { key } : {};
  return (await store.appendToStream(`${type}-${randomUUID()}`, [{ id: randomUUID(), type, data, metadata: meta }])).position;
}
const count = async (reads: ReadStore, key = 'k') => (await reads.collection('counts').findOne({ _id: key }))?.n ?? 0;

describe('FilteredProgress', () => {
  it('covers a position only when it is in the log and no handled event lies between', async () => {
    const store = createMemoryEventStore();
    const handled = await append(store, 'Counted');
    const skipped1 = await append(store, 'Ignored');
    const skipped2 = await append(store, 'Ignored');
    const nextHandled = await append(store, 'Counted');
    const after = await append(store, 'Ignored');

    const progress = new FilteredProgress(store, ['Counted']);
    expect(progress.covers(skipped1, handled)).toBe(false);
    expect(progress.stale(handled)).toBe(true);
    await progress.probe(handled);
    expect(progress.covers(skipped1, handled)).toBe(true);
    expect(progress.covers(skipped2, handled)).toBe(true);
    // The next handled event must be applied first, and nothing past it is known yet.
    expect(progress.covers(nextHandled, handled)).toBe(false);
    expect(progress.covers(after, handled)).toBe(false);
    expect(progress.stale(skipped2)).toBe(false);
    expect(progress.stale(nextHandled)).toBe(true);

    await progress.probe(nextHandled);
    expect(progress.covers(after, nextHandled)).toBe(true);
    // Not in the log (yet): never covered, whatever follows.
    expect(progress.covers(after + 100, nextHandled)).toBe(false);
    // An older probe finishing late does not replace a newer fact.
    await progress.probe(handled);
    expect(progress.covers(after, nextHandled)).toBe(true);
  });
});

describe('ProjectionRunner on a store with periodic skipped-event checkpoints', () => {
  let store: PeriodicEventStore;
  let reads: ReadStore;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    store = withPeriodicCheckpoints(createMemoryEventStore());
    reads = createMemoryReadStore();
    runner = new ProjectionRunner({ eventStore: store, readStore: reads, registry, projectors: [counter], logger: silentLogger, skippedRunProbeDelayMs: 0 });
  });
  afterEach(async () => {
    await runner.stop();
  });

  it('answers a wait behind trailing skipped events at once, by a probe, not by the timeout', async () => {
    await append(store, 'Counted');
    await runner.start();
    await runner.whenCaughtUp();
    const handled = await append(store, 'Counted');
    const last = [await append(store, 'Ignored'), await append(store, 'Ignored')].pop()!;

    const started = performance.now();
    expect(await runner.waitFor(last, 10_000)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await count(reads)).toBe(2);
    // The subscription never said anything past the handled event; the probe did.
    expect(runner.position).toBe(handled);
    expect(store.probes.filteredReads).toBeGreaterThan(0);

    // Known from then on: another wait in that range costs no read.
    const probes = { ...store.probes };
    expect(await runner.waitFor(last, 1000)).toBe(true);
    expect(store.probes).toEqual(probes);
  });

  it('does not answer before the handled events in between are applied', async () => {
    await runner.start();
    await runner.whenCaughtUp();
    await runner.pause();
    await append(store, 'Counted', 'held');
    const skipped = await append(store, 'Ignored');
    let answered: boolean | undefined;
    const waiting = runner.waitFor(skipped, 10_000).then((r) => (answered = r));
    // Let the probe run (it finds the held event) while the runner is paused.
    await new Promise((r) => setTimeout(r, 50));
    expect(store.probes.filteredReads).toBeGreaterThan(0);
    expect(answered).toBeUndefined();
    expect(await count(reads, 'held')).toBe(0);

    runner.resume();
    expect(await waiting).toBe(true);
    expect(await count(reads, 'held')).toBe(1);
  });

  it('does not answer for a position the log does not hold yet', async () => {
    await runner.start();
    await runner.whenCaughtUp();
    const head = await append(store, 'Ignored');
    expect(await runner.waitFor(head + 1000, 150)).toBe(false);
  });

  it('tries a failing probe once per new wait, not again and again, and answers once the store is back', async () => {
    await runner.start();
    await runner.whenCaughtUp();
    const skipped = await append(store, 'Ignored');
    store.probes.fail = true;
    expect(await runner.waitFor(skipped, 150)).toBe(false);
    expect(store.probes.head).toBe(1);
    expect(await runner.waitFor(skipped, 150)).toBe(false);
    expect(store.probes.head).toBe(2);
    store.probes.fail = false;
    expect(await runner.waitFor(skipped, 10_000)).toBe(true);
  });

  it('makes no probe while the subscription delivers what is waited for within the delay', async () => {
    const patient = new ProjectionRunner({ eventStore: store, readStore: reads, registry, projectors: [counter], logger: silentLogger, skippedRunProbeDelayMs: 60_000 });
    try {
      await patient.start();
      await patient.whenCaughtUp();
      const before = { ...store.probes };
      expect(await patient.waitFor(await append(store, 'Counted'), 5000)).toBe(true);
      expect(store.probes).toEqual(before);
    } finally {
      await patient.stop();
    }
  });
});

describe('LeasedProjections standby on a store with periodic skipped-event checkpoints', () => {
  it('is ready and answers waits behind events no projector handles', async () => {
    const store = withPeriodicCheckpoints(createMemoryEventStore());
    const reads = createMemoryReadStore();
    const clock = new ManualClock('2026-01-15T12:00:00.000Z');
    const instance = (owner: string) =>
      new LeasedProjections({
        name: 'projections:periodic',
        owner,
        readStore: reads,
        eventStore: store,
        registry,
        projectors: [counter],
        logger: silentLogger,
        clock,
        ttlMs: 10_000,
        renewEveryMs: 3_000,
        standbyPollMs: 1_000,
        checkpointPollMs: 5,
        autoTick: false,
        runner: { skippedRunProbeDelayMs: 0 },
      });
    await append(store, 'Counted');
    // The log ends with events no projector handles.
    await append(store, 'Ignored');
    const a = instance('A');
    const b = instance('B');
    try {
      await a.start();
      await b.start();
      expect([a.currentRole, b.currentRole]).toEqual(['active', 'standby']);
      await a.whenReady();
      await b.tick();
      expect(b.ready()).toBe(true);

      // A failing probe is tried for a new wait, not on each of the ~30 polls of the stored
      // checkpoints meanwhile (a timer firing just before the deadline can give the wait one
      // more short round, hence at most two).
      const later = await append(store, 'Ignored');
      store.probes.fail = true;
      const before = store.probes.head;
      expect(await b.waitFor(later, 150)).toBe(false);
      expect(store.probes.head - before).toBeGreaterThanOrEqual(1);
      expect(store.probes.head - before).toBeLessThanOrEqual(2);
      store.probes.fail = false;
      expect(await b.waitFor(later, 10_000)).toBe(true);

      await append(store, 'Counted');
      const skipped = await append(store, 'Ignored');
      expect(await b.waitFor(skipped, 10_000)).toBe(true);
      expect(await count(reads)).toBe(2);
      expect(await b.waitFor(skipped + 1000, 100)).toBe(false);

    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
