import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { EventRegistry } from '../../domain/shared/events';
import type { EventStore, NewEvent } from '../../ports/event-store';
import { silentLogger } from '../../ports/logger';
import type { ProjectedEvent } from '../../projections/engine/projector';
import { LiveFeed, type LiveFeedConsumer } from './live-feed';

/**
 * The live feed: from the head at start, only the types its consumers ask for, in log order,
 * each event only after the read models reached it, and a failing consumer does not stop the rest.
 */

let n = 0;
const event = (type: string): NewEvent => {
  n++;
  return { id: `e-${n}`, type, data: { n }, metadata: { timestamp: '2026-01-15T12:00:00.000Z', schemaVersion: 1 } };
};

/** Read models that reach a position only when the test says so. */
class FakeSync {
  reached = 0;
  asked: number[] = [];
  private waiters: Array<{ position: number; resolve: (v: boolean) => void }> = [];
  waitFor(position: number): Promise<boolean> {
    this.asked.push(position);
    if (position <= this.reached) return Promise.resolve(true);
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }
  reach(position: number): void {
    this.reached = position;
    for (const w of this.waiters.filter((x) => x.position <= position)) w.resolve(true);
    this.waiters = this.waiters.filter((x) => x.position > position);
  }
}

function recorder(name: string, eventTypes: string[]) {
  const seen: ProjectedEvent[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const consumer: LiveFeedConsumer = {
    name,
    eventTypes,
    handle(e) {
      seen.push(e);
      for (const w of waiters.filter((x) => seen.length >= x.count)) w.resolve();
    },
  };
  const until = (count: number) =>
    seen.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }));
  return { consumer, seen, until, types: () => seen.map((e) => e.type) };
}

describe('LiveFeed', () => {
  let store: EventStore;
  let sync: FakeSync;
  let feed: LiveFeed;
  const append = async (...types: string[]) => (await store.appendToStream('s', types.map(event))).position;

  beforeEach(() => {
    store = createMemoryEventStore();
    sync = new FakeSync();
    feed = new LiveFeed({ eventStore: store, registry: new EventRegistry(), sync, logger: silentLogger, waitTimeoutMs: 10_000 });
  });
  afterEach(async () => {
    await feed.stop();
    await store.close();
  });

  it('starts at the head and delivers only the wanted types, in order, once the read models have them', async () => {
    const before = await append('A');
    sync.reach(before);
    const r = recorder('r', ['A', 'B']);
    feed.add(r.consumer);
    await feed.start();
    const head = await append('B', 'C', 'A');
    // Nothing before the read models reach the events.
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.seen).toEqual([]);
    sync.reach(head);
    await r.until(2);
    expect(r.types()).toEqual(['B', 'A']);
    expect(r.seen[0]).toMatchObject({ id: expect.any(String), streamName: 's', position: head - 2, data: expect.any(Object) });
    expect(sync.asked).toEqual([head - 2, head]);
  });

  it('keeps going when a consumer fails, and takes consumers added after start without a gap or a repeat', async () => {
    sync.reach(Number.MAX_SAFE_INTEGER);
    const failing: LiveFeedConsumer = {
      name: 'failing',
      eventTypes: ['A'],
      handle() {
        throw new Error('boom');
      },
    };
    const first = recorder('first', ['A']);
    feed.add(failing);
    feed.add(first.consumer);
    await feed.start();
    await append('A');
    await first.until(1);
    const second = recorder('second', ['B']);
    const remove = feed.add(second.consumer);
    await append('B', 'A');
    const bAfterAdd = n - 1;
    await first.until(2);
    await second.until(1);
    // The renewed subscription neither skipped nor repeated anything for the first consumer.
    expect(first.seen.map((e) => e.data.n)).toEqual([n - 2, n]);
    expect(second.seen.map((e) => e.data.n)).toEqual([bAfterAdd]);
    remove();
    await append('B', 'A');
    await first.until(3);
    expect(second.seen).toHaveLength(1);
  });

  it('delivers nothing after stop', async () => {
    sync.reach(Number.MAX_SAFE_INTEGER);
    const r = recorder('r', ['A']);
    feed.add(r.consumer);
    await feed.start();
    await append('A');
    await r.until(1);
    await feed.stop();
    await append('A');
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.seen).toHaveLength(1);
  });
});
