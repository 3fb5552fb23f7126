import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { defineEvent, EventRegistry } from '../../domain/shared/events';
import type { EventStore, NewEvent, SubscriptionHandler } from '../../ports/event-store';
import { silentLogger } from '../../ports/logger';
import type { ReadStore } from '../../ports/read-store';
import { applyOnce, withoutBookkeeping, type Projector } from './projector';
import { rebuildProjector } from './rebuild';
import { CHECKPOINTS, ProjectionRunner } from './runner';

const registry = new EventRegistry([
  defineEvent('Counted', z.object({ key: z.string(), by: z.number() })),
  defineEvent('Renamed', z.object({ key: z.string(), name: z.string() })),
  // Version 2 of Labelled renamed `text` to `label`; the upcaster brings v1 data forward.
  defineEvent('Labelled', z.object({ key: z.string(), label: z.string() }), {
    version: 2,
    upcasters: { 1: (d) => ({ key: d.key, label: d.text }) },
  }),
]);

const counters: Projector = {
  name: 'counters',
  handles: ['Counted', 'Renamed', 'Labelled'],
  collections: { counters: [{ keys: { total: -1 } }] },
  async apply(e, ctx) {
    const col = ctx.collection('counters');
    const key = String(e.data.key);
    if (e.type === 'Counted') await applyOnce(col, key, e.position, { $inc: { total: Number(e.data.by) } }, { upsert: true });
    if (e.type === 'Renamed') await applyOnce(col, key, e.position, { $set: { name: e.data.name } }, { upsert: true });
    if (e.type === 'Labelled') await applyOnce(col, key, e.position, { $set: { label: e.data.label } }, { upsert: true });
  },
};

function ev(type: string, data: Record<string, unknown>, schemaVersion = 1): NewEvent {
  return { id: randomUUID(), type, data, metadata: { timestamp: '2026-01-01T00:00:00.000Z', schemaVersion } };
}

async function count(store: EventStore, key: string, by = 1): Promise<number> {
  return (await store.appendToStream(`c-${key}`, [ev('Counted', { key, by })])).position;
}

describe('ProjectionRunner', () => {
  let store: EventStore;
  let reads: ReadStore;
  const runners: ProjectionRunner[] = [];
  const runner = (projectors: Projector[] = [counters], eventStore: EventStore = store) => {
    const r = new ProjectionRunner({
      eventStore,
      readStore: reads,
      registry,
      projectors,
      logger: silentLogger,
      resubscribeDelayMs: () => 1,
      batchSize: 50,
    });
    runners.push(r);
    return r;
  };

  beforeEach(() => {
    store = createMemoryEventStore();
    reads = createMemoryReadStore();
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
  });

  it('catches up from the log, then follows live appends; waitFor gives read-your-writes', async () => {
    for (let i = 0; i < 120; i++) await count(store, `k${i % 3}`);
    const r = runner();
    await r.start();
    await r.whenCaughtUp();
    expect((await reads.collection('counters').findOne({ _id: 'k0' }))?.total).toBe(40);
    const position = await count(store, 'k0', 5);
    await expect(r.waitFor(position, 2000)).resolves.toBe(true);
    expect((await reads.collection('counters').findOne({ _id: 'k0' }))?.total).toBe(45);
  });

  it('upcasts old event versions before projecting them', async () => {
    await store.appendToStream('l-1', [ev('Labelled', { key: 'a', text: 'old shape' }, 1), ev('Labelled', { key: 'b', label: 'new shape' }, 2)]);
    const r = runner();
    await r.start();
    await r.whenCaughtUp();
    expect((await reads.collection('counters').findOne({ _id: 'a' }))?.label).toBe('old shape');
    expect((await reads.collection('counters').findOne({ _id: 'b' }))?.label).toBe('new shape');
  });

  it('keeps its checkpoint in the read store and resumes from it', async () => {
    for (let i = 0; i < 10; i++) await count(store, 'k');
    const first = runner();
    await first.start();
    await first.whenCaughtUp();
    await first.stop();
    const checkpoint = await reads.collection(CHECKPOINTS).findOne({ _id: 'counters' });
    expect(checkpoint?.position).toBe(await store.headPosition());
    await count(store, 'k');
    const second = runner();
    await second.start();
    await second.whenCaughtUp();
    expect((await reads.collection('counters').findOne({ _id: 'k' }))?.total).toBe(11);
  });

  it('drops at start the indexes a projector retired, after making the ones it declares', async () => {
    await reads.collection('counters').createIndexes([{ keys: { total: 1 } }, { keys: { name: 1 } }]);
    await runner([{ ...counters, retiredIndexes: { counters: ['total_1', 'name_1', 'never_made_1'] } }]).start();
    const names = (reads as ReturnType<typeof createMemoryReadStore>).collection('counters').indexSpecs().map((s) => s.name);
    expect(names).toEqual(['_id_', 'total_-1']);
  });

  it("leaves a replaced version's collections as they are: its rebuild brings the new indexes", async () => {
    for (let i = 0; i < 20; i++) await count(store, `k${i % 3}`);
    const first = runner();
    await first.start();
    await first.whenCaughtUp();
    await first.stop();
    const v2: Projector = { ...counters, version: 2, collections: { counters: [{ keys: { total: -1, name: 1 } }] }, retiredIndexes: { counters: ['total_-1'] } };
    const second = runner([v2]);
    await second.start();
    await second.whenCaughtUp();
    const specs = () => (reads as ReturnType<typeof createMemoryReadStore>).collection('counters').indexSpecs().map((s) => s.name);
    expect(second.staleVersions()).toEqual([v2]);
    expect(specs()).toEqual(['_id_', 'total_-1']);
    await rebuildProjector({ eventStore: store, readStore: reads, runner: second, projector: v2, pageSize: 64 });
    expect(second.staleVersions()).toEqual([]);
    expect(specs()).toEqual(['_id_', 'total_-1_name_1']);
  });

  it('rebuilds in transactions of about a tenth of a second each, however many events that is', async () => {
    for (let i = 0; i < 3000; i++) await count(store, `k${i % 7}`);
    const live = runner();
    await live.start();
    await live.whenCaughtUp();
    // Each reading of the clock moves it by `step` ms; the rebuild reads it at the start of a
    // transaction and after every 25 events.
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    let step = 10;
    const now = () => new Date((clock += step));
    const processed: number[] = [];
    const onProgress = (p: { processed: number }) => {
      processed.push(p.processed);
      // From the third transaction on, every 25 events take 50 ms.
      if (processed.length === 3) step = 50;
    };
    const done = await rebuildProjector({ eventStore: store, readStore: reads, runner: live, projector: counters, now, onProgress });
    expect(done.state).toBe('done');
    expect(done.processed).toBe(3000);
    const sizes = processed.slice(1).map((n, i) => n - processed[i]!).filter((n) => n > 0);
    // 250 events while 25 take 10 ms, then 50 events while 25 take 50 ms; pages of 2,000 are cut.
    expect(sizes.slice(0, 5)).toEqual([250, 250, 50, 50, 50]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3000);
    expect((await reads.collection('counters').findOne({ _id: 'k0' }))?.total).toBe(429);
    await live.stop();
  });

  it('catches up in transactions of about a tenth of a second each, letting the event loop turn between two', async () => {
    for (let i = 0; i < 600; i++) await count(store, `k${i % 7}`);
    // Each reading of the clock moves it by 10 ms: the runner reads it at the start of a
    // transaction and after every 25 events.
    let clock = 0;
    let turned = false;
    const sizes: number[] = [];
    const sliced: ReadStore = {
      collection: (name) => reads.collection(name),
      listCollections: () => reads.listCollections(),
      dropCollection: (name) => reads.dropCollection(name),
      renameCollection: (from, to) => reads.renameCollection(from, to),
      close: () => reads.close(),
      async transaction(fn) {
        const before = r.position;
        const result = await fn();
        sizes.push(r.position - before);
        // The event loop turned since the catch-up began (the first slice's setImmediate).
        if (sizes.filter((n) => n > 0).length === 2) expect(turned).toBe(true);
        return result;
      },
    };
    const r = new ProjectionRunner({ eventStore: store, readStore: sliced, registry, projectors: [counters], logger: silentLogger, batchSize: 1000, now: () => (clock += 10) });
    runners.push(r);
    const started = r.start();
    setImmediate(() => (turned = true));
    await started;
    await r.whenCaughtUp();
    const slices = sizes.filter((n) => n > 0);
    // One batch of 600 events read at once, applied in slices of a few hundred.
    expect(slices.length).toBeGreaterThanOrEqual(3);
    expect(slices.every((n) => n <= 250)).toBe(true);
    expect(slices.reduce((a, b) => a + b, 0)).toBe(600);
    expect((await reads.collection('counters').findOne({ _id: 'k0' }))?.total).toBe(86);
  });

  it('is idempotent: events redelivered after a lost checkpoint change nothing', async () => {
    for (let i = 0; i < 10; i++) await count(store, 'k', 2);
    const first = runner();
    await first.start();
    await first.whenCaughtUp();
    await first.stop();
    // A crash before the checkpoint was written: the next runner starts from zero again.
    await reads.collection(CHECKPOINTS).updateOne({ _id: 'counters' }, { $set: { position: 0 } });
    const second = runner();
    await second.start();
    await second.whenCaughtUp();
    expect((await reads.collection('counters').findOne({ _id: 'k' }))?.total).toBe(20);
  });

  it('resubscribes by itself from its checkpoint when the subscription drops', async () => {
    let drops = 0;
    const flaky: EventStore = {
      ...store,
      appendToStream: (...a) => store.appendToStream(...a),
      readStream: (...a) => store.readStream(...a),
      readAll: (...a) => store.readAll(...a),
      headPosition: () => store.headPosition(),
      close: () => store.close(),
      subscribeToAll(options, handler: SubscriptionHandler) {
        return store.subscribeToAll(options, {
          ...handler,
          onEvents: async (events) => {
            if (drops === 0 && events.some((e) => e.data.by === 99)) {
              drops++;
              throw new Error('connection reset');
            }
            await handler.onEvents(events);
          },
        });
      },
    };
    const r = runner([counters], flaky);
    await r.start();
    await r.whenCaughtUp();
    await count(store, 'k', 1);
    const position = await count(store, 'k', 99);
    await expect(r.waitFor(position, 3000)).resolves.toBe(true);
    expect(drops).toBe(1);
    expect((await reads.collection('counters').findOne({ _id: 'k' }))?.total).toBe(100);
  });

  it('marks a projector that keeps failing as faulted and keeps the others going', async () => {
    const broken: Projector = {
      name: 'broken',
      handles: ['Counted'],
      collections: {},
      async apply(e) {
        if (e.data.by === 13) throw new Error('cannot handle 13');
      },
    };
    const r = runner([counters, broken]);
    await r.start();
    await r.whenCaughtUp();
    await count(store, 'k', 13);
    const position = await count(store, 'k', 1);
    await expect(r.waitFor(position, 2000)).resolves.toBe(true);
    const status = r.status();
    expect(status.projectors.find((p) => p.name === 'broken')?.faulted).toMatchObject({ eventType: 'Counted', error: 'cannot handle 13' });
    expect(status.projectors.find((p) => p.name === 'counters')?.faulted).toBeNull();
    expect((await reads.collection('counters').findOne({ _id: 'k' }))?.total).toBe(14);
  });

  it('answers waitFor with false when the position is not reached in time', async () => {
    const r = runner();
    await r.start();
    await r.whenCaughtUp();
    await expect(r.waitFor(1_000_000, 20)).resolves.toBe(false);
  });

  it('rebuilds a projector beside the live one, appends included, and swaps in an identical read model', async () => {
    for (let i = 0; i < 500; i++) await count(store, `k${i % 7}`, i % 5);
    await store.appendToStream('r', [ev('Renamed', { key: 'k1', name: 'one' })]);
    const r = runner();
    await r.start();
    await r.whenCaughtUp();
    const live = async () =>
      (await reads.collection('counters').find({}, { sort: { _id: 1 } })).map((d) => withoutBookkeeping(d));
    const before = await live();

    const appending = (async () => {
      for (let i = 0; i < 50; i++) await count(store, `k${i % 7}`, 1);
    })();
    const progress: number[] = [];
    const result = await rebuildProjector({
      eventStore: store,
      readStore: reads,
      runner: r,
      projector: counters,
      pageSize: 64,
      onProgress: (p) => progress.push(p.processed),
    });
    await appending;
    const head = await store.headPosition();
    await r.waitFor(head, 2000);

    expect(result.state).toBe('done');
    expect(progress.length).toBeGreaterThan(3);
    expect((await reads.listCollections()).filter((name) => name.includes('__rebuild'))).toEqual([]);
    // The swapped-in model equals a model built from scratch over the whole log.
    const fresh = createMemoryReadStore();
    const check = new ProjectionRunner({ eventStore: store, readStore: fresh, registry, projectors: [counters], logger: silentLogger });
    await check.start();
    await check.whenCaughtUp();
    const expected = (await fresh.collection('counters').find({}, { sort: { _id: 1 } })).map((d) => withoutBookkeeping(d));
    await check.stop();
    expect(await live()).toEqual(expected);
    expect(expected).not.toEqual(before);
    // and the live runner keeps applying new events to the swapped collection
    const position = await count(store, 'k0', 1000);
    await r.waitFor(position, 2000);
    expect((await live()).find((d) => d._id === 'k0')!.total).toBe(expected.find((d) => d._id === 'k0')!.total as number + 1000);
  });
});

describe('rebuildProjector edge cases', () => {
  it('lets the event loop turn between pages, so requests are served while it runs', async () => {
    const store = createMemoryEventStore();
    const reads = createMemoryReadStore();
    for (let i = 0; i < 400; i++) await count(store, `k${i % 7}`, 1);
    const r = new ProjectionRunner({ eventStore: store, readStore: reads, registry, projectors: [counters], logger: silentLogger });
    await r.start();
    await r.whenCaughtUp();
    // A macrotask queued before the rebuild starts: it can only run if the rebuild yields.
    let turns = 0;
    const tick = (): void => {
      turns++;
      if (turns < 1000) setImmediate(tick);
    };
    setImmediate(tick);
    let turnsSeenByLastPage = 0;
    const result = await rebuildProjector({
      eventStore: store,
      readStore: reads,
      runner: r,
      projector: counters,
      pageSize: 50,
      onProgress: () => {
        turnsSeenByLastPage = turns;
      },
    });
    await r.stop();
    expect(result).toMatchObject({ state: 'done', processed: 400 });
    // Eight pages: the other task ran between them, not only after the rebuild ended.
    expect(turnsSeenByLastPage).toBeGreaterThanOrEqual(7);
  });

  it('swaps in an empty model for a collection no event ever wrote to', async () => {
    const store = createMemoryEventStore();
    const reads = createMemoryReadStore();
    const quiet: Projector = { name: 'quiet', handles: ['Renamed'], collections: { quiet_docs: [] }, apply: async () => undefined };
    const r = new ProjectionRunner({ eventStore: store, readStore: reads, registry, projectors: [quiet], logger: silentLogger });
    await r.start();
    await r.whenCaughtUp();
    await reads.collection('quiet_docs').insertOne({ _id: 'stale' });
    const result = await rebuildProjector({ eventStore: store, readStore: reads, runner: r, projector: quiet });
    await r.stop();
    expect(result.state).toBe('done');
    expect(await reads.collection('quiet_docs').countDocuments({})).toBe(0);
  });
});
