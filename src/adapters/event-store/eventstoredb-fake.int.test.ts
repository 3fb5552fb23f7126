import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventStoreContract } from '../../ports/event-store.contract';
import { AppendTooLargeError, WrongExpectedRevisionError, type EventStore, type NewEvent, type RecordedEvent } from '../../ports/event-store';
import { verifyChain } from '../../ports/hash-chain';
import { silentLogger } from '../../ports/logger';
import { defineEvent, EventRegistry } from '../../domain/shared/events';
import { applyOnce, type Projector } from '../../projections/engine/projector';
import { ProjectionRunner } from '../../projections/engine/runner';
import { createMemoryReadStore } from '../read-store/memory/memory-read-store';
import { startFakeEventStoreDb, type FakeEventStoreDb } from '../../../test/support/eventstoredb-fake-server';
import { openEventStoreDbStore, type EventStoreDbStoreOptions } from './eventstoredb';

/**
 * The EventStoreDB adapter through the real @eventstore/db-client over real gRPC, against the
 * in-memory fake server of test/support/eventstoredb-fake-server.ts (a test double modelled on
 * the server's source, not the server). This proves the adapter's use of the client — encoding,
 * error mapping, streaming, paging, ordering, retries — on every machine; eventstoredb.int.test.ts
 * runs the same contract against a real EventStoreDB where Docker exists.
 */

let fake: FakeEventStoreDb;
const stores: EventStore[] = [];

function open(options: Partial<EventStoreDbStoreOptions> = {}): EventStore {
  const store = openEventStoreDbStore({ connectionString: fake.connectionString, ...options });
  stores.push(store);
  return store;
}

beforeAll(async () => {
  fake = await startFakeEventStoreDb();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await fake.stop();
});

eventStoreContract('eventstoredb (real client, fake in-memory server)', async () => {
  const store = openEventStoreDbStore({ connectionString: fake.connectionString });
  return { store, teardown: () => store.close() };
});

// Every read goes through several pages: paging must not lose, repeat or reorder anything.
eventStoreContract('eventstoredb with 2-event read pages (real client, fake server)', async () => {
  const store = openEventStoreDbStore({ connectionString: fake.connectionString, readPageSize: 2 });
  return { store, teardown: () => store.close() };
});

describe('the append path the client takes', () => {
  it('is Streams.BatchAppend, as client 6.2.1 chooses against a server that lists it (24.10 does): the contracts above ran through it', async () => {
    const store = open();
    const before = { ...fake.calls };
    const result = await store.appendToStream(stream('batch'), [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
    expect(result.nextExpectedRevision).toBe(1);
    expect(fake.calls.batchAppend - before.batchAppend).toBe(1);
    expect(fake.calls.unaryAppend - before.unaryAppend).toBe(0);
    // The client asked which methods the server has (once per connection).
    expect(fake.calls.serverFeatures - before.serverFeatures).toBe(1);
    // Over the whole file so far, nothing took the unary path.
    expect(fake.calls.unaryAppend).toBe(0);
  });

  describe('against a server that does not list BatchAppend (the unary Streams.Append)', () => {
    let unary: FakeEventStoreDb;
    beforeAll(async () => {
      unary = await startFakeEventStoreDb({ batchAppend: false });
    });
    afterAll(async () => {
      await unary.stop();
    });

    eventStoreContract('eventstoredb through the unary Append (real client, fake server)', async () => {
      const store = openEventStoreDbStore({ connectionString: unary.connectionString });
      return { store, teardown: () => store.close() };
    });

    it('took the unary path for every append', () => {
      expect(unary.calls.unaryAppend).toBeGreaterThan(0);
      expect(unary.calls.batchAppend).toBe(0);
    });
  });
});

function ev(type: string, data: Record<string, unknown> = {}, metadata: Partial<NewEvent['metadata']> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: { timestamp: '2024-01-01T00:00:00.000Z', schemaVersion: 1, ...metadata } };
}

const stream = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A projector counting events of one type per key (applyOnce: a redelivery counts nothing). */
function countingProjector(type: string, collection: string): { registry: EventRegistry; projector: Projector } {
  const registry = new EventRegistry([defineEvent(type, z.object({ key: z.string() }))]);
  const projector: Projector = {
    name: `${collection}-projector`,
    handles: [type],
    collections: { [collection]: [] },
    async apply(e, ctx) {
      await applyOnce(ctx.collection(collection), String(e.data.key), e.position, { $inc: { n: 1 } }, { upsert: true });
    },
  };
  return { registry, projector };
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('EventStoreDB adapter specifics (real client, fake server)', () => {
  it('writes $correlationId and $causationId on the wire and reads them back as correlationId and causationId', async () => {
    const store = open();
    const s = stream('meta');
    await store.appendToStream(s, [ev('Opened', { n: 1 }, { correlationId: 'corr-9', causationId: 'cause-9', requestId: 'req-9' })]);
    const raw = JSON.parse(Buffer.from(fake.log.stream(s)[0]!.metadata).toString('utf8')) as Record<string, unknown>;
    expect(raw).toMatchObject({ $correlationId: 'corr-9', $causationId: 'cause-9', requestId: 'req-9' });
    expect(raw).not.toHaveProperty('correlationId');
    expect(raw).not.toHaveProperty('causationId');
    const [read] = await store.readStream(s);
    expect(read!.metadata).toMatchObject({ correlationId: 'corr-9', causationId: 'cause-9' });
    expect(verifyChain(s, [read!]).valid).toBe(true);
  });

  it("numbers positions 2 × the server's commit position + 1", async () => {
    const store = open();
    const s = stream('pos');
    const result = await store.appendToStream(s, [ev('A'), ev('B')]);
    expect(result.events.map((e) => e.position)).toEqual(fake.log.stream(s).map((r) => 2 * r.offset + 1));
  });

  it('leaves system events and system streams out of readAll, headPosition and subscriptions', async () => {
    const store = open();
    const type = `Sys_${randomUUID().slice(0, 8)}`;
    const before = await store.headPosition();
    const mine = await store.appendToStream(stream('sys'), [ev(type)]);
    // A user-looking event type in a system stream, written behind the adapter's back.
    fake.log.append('$custom-stream', { kind: 'any' }, [
      { id: randomUUID(), type, contentType: 'application/json', data: Buffer.from('{}'), metadata: Buffer.from('{}') },
    ]);
    // The fake's "system projections" wrote $> link events after each user event: the log ends with system events.
    expect(fake.log.records[fake.log.records.length - 1]!.type).toBe('$>');

    expect(await store.headPosition()).toBe(mine.position);
    const all = await store.readAll({ fromPosition: before });
    expect(all.map((e) => e.id)).toEqual([mine.events[0]!.id]);
    expect(await store.readAll({ fromPosition: before, eventTypes: [type] })).toEqual(mine.events);

    const seen: RecordedEvent[] = [];
    let caughtUp = false;
    const sub = store.subscribeToAll({ fromPosition: before }, { onEvents: (e) => void seen.push(...e), onCaughtUp: () => (caughtUp = true) });
    await waitFor(() => caughtUp);
    await sub.stop();
    expect(seen.map((e) => e.id)).toEqual([mine.events[0]!.id]);
  });

  it("resolves conflicts between processes for 'any' appends, and reports a stale exact revision with the actual one", async () => {
    const a = open();
    const b = open();
    const s = stream('two-writers');
    const appendsBefore = fake.calls.append;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).appendToStream(s, [ev('Tick', { i })], { expectedRevision: 'any' })),
    );
    expect(results.map((r) => r.nextExpectedRevision).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // The two clients really did collide: the server rejected some appends and they were retried.
    expect(fake.calls.append - appendsBefore).toBeGreaterThan(30);
    const events = await a.readStream(s);
    expect(events).toHaveLength(30);
    expect(verifyChain(s, events).valid).toBe(true);

    const mineA = await a.appendToStream(s, [ev('FromA')], { expectedRevision: 29 });
    await b.appendToStream(s, [ev('FromB')], { expectedRevision: 30 });
    // A remembers revision 30 as the head it wrote; the server knows better.
    const error = await a.appendToStream(s, [ev('Stale')], { expectedRevision: mineA.nextExpectedRevision }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ expected: 30, actual: 31 });
    // ...and an 'any' append after that moves on from the real head.
    const next = await a.appendToStream(s, [ev('Any')]);
    expect(next.nextExpectedRevision).toBe(32);
    expect(verifyChain(s, await a.readStream(s)).valid).toBe(true);
  });

  it('retries an append whose acknowledgement was lost without writing it twice', async () => {
    const store = open();
    const s = stream('lost-ack');
    await store.appendToStream(s, [ev('First')], { expectedRevision: 'no_stream' });
    fake.loseNextAppendAck();
    const result = await store.appendToStream(s, [ev('Second'), ev('Third')], { expectedRevision: 0 });
    expect(result.events.map((e) => e.revision)).toEqual([1, 2]);
    const events = await store.readStream(s);
    expect(events.map((e) => e.type)).toEqual(['First', 'Second', 'Third']);
    expect(verifyChain(s, events).valid).toBe(true);
  });

  it('retries an append the server answered with its Timeout, whether or not the write went through, and writes it once', async () => {
    const store = open();
    const s = stream('timeout');
    await store.appendToStream(s, [ev('First')], { expectedRevision: 'no_stream' });
    const batches = fake.calls.batchAppend;
    fake.timeOutNextAppend({ written: true });
    await store.appendToStream(s, [ev('Second')], { expectedRevision: 0 });
    fake.timeOutNextAppend({ written: false });
    const third = await store.appendToStream(s, [ev('Third'), ev('Fourth')], { expectedRevision: 1 });
    expect(third.events.map((e) => e.revision)).toEqual([2, 3]);
    // Each timed-out append was sent again (through BatchAppend, answered DEADLINE_EXCEEDED + Timeout).
    expect(fake.calls.batchAppend - batches).toBe(4);
    const events = await store.readStream(s);
    expect(events.map((e) => e.type)).toEqual(['First', 'Second', 'Third', 'Fourth']);
    expect(verifyChain(s, events).valid).toBe(true);
  });

  it("answers Timeout to an append whose deadline has passed by the server's clock: nothing written, the error after the retries", async () => {
    // BatchAppend deadlines are absolute times from the client's clock; a server clock ahead by
    // more than the client's deadline (10 s by default) sees every one of them as passed.
    const skewed = await startFakeEventStoreDb({ clockSkewMs: 60_000 });
    const store = openEventStoreDbStore({ connectionString: skewed.connectionString, transientRetries: 1 });
    try {
      const s = stream('deadline');
      const error = await store.appendToStream(s, [ev('Late')]).catch((e: unknown) => e);
      expect(error).toMatchObject({ type: 'deadline-exceeded' });
      expect(skewed.log.stream(s)).toHaveLength(0);
      // Answered on receipt of the options, so never counted as an append that reached the log.
      expect(skewed.calls.append).toBe(0);
    } finally {
      await store.close();
      await skewed.stop();
    }
  });

  it('refuses an append over the maximum append size as a whole, on both append paths, and takes the same events in parts', async () => {
    for (const batchAppend of [true, false]) {
      const small = await startFakeEventStoreDb({ batchAppend, maxAppendSize: 8 * 1024 });
      const store = openEventStoreDbStore({ connectionString: small.connectionString });
      try {
        const s = stream(`too-large-${batchAppend ? 'batch' : 'unary'}`);
        const events = Array.from({ length: 8 }, (_, i) => ev('Big', { i, text: 'x'.repeat(1200) }));
        const error = await store.appendToStream(s, events, { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppendTooLargeError);
        expect(error).toMatchObject({ streamName: s, events: 8, maxAppendBytes: 8 * 1024 });
        expect(small.log.stream(s)).toHaveLength(0);
        expect(small.refusedAppends).toEqual([{ streamName: s, events: 8, bytes: expect.any(Number) }]);
        // Nothing was written, so the same events go in, in two parts, with the same revisions.
        await store.appendToStream(s, events.slice(0, 4), { expectedRevision: 'no_stream' });
        await store.appendToStream(s, events.slice(4), { expectedRevision: 3 });
        const stored = await store.readStream(s);
        expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
        expect(verifyChain(s, stored).valid).toBe(true);
        expect(batchAppend ? small.calls.batchAppend : small.calls.unaryAppend).toBeGreaterThan(0);
      } finally {
        await store.close();
        await small.stop();
      }
    }
  });

  it('calls onError once when the server drops a subscription; resubscribing from the last position misses and repeats nothing', async () => {
    const store = open();
    const type = `Drop_${randomUUID().slice(0, 8)}`;
    const s = stream('drop');
    const from = await store.headPosition();
    const expected: string[] = [];
    for (let i = 0; i < 5; i++) expected.push(...(await store.appendToStream(s, [ev(type, { i })])).events.map((e) => e.id));

    const received: RecordedEvent[] = [];
    const errors: Error[] = [];
    let position = from;
    const handler = {
      onEvents: (events: RecordedEvent[]) => {
        received.push(...events);
        position = events[events.length - 1]!.position;
      },
      onCheckpoint: (p: number) => {
        position = p;
      },
      onError: (e: Error) => void errors.push(e),
    };
    store.subscribeToAll({ fromPosition: from, eventTypes: [type] }, handler);
    await waitFor(() => received.length === 5);
    expect(fake.dropSubscriptions()).toBe(1);
    await waitFor(() => errors.length === 1);
    for (let i = 5; i < 9; i++) expected.push(...(await store.appendToStream(s, [ev(type, { i })])).events.map((e) => e.id));
    await sleep(50);
    expect(errors).toHaveLength(1);
    expect(received).toHaveLength(5);

    const again = store.subscribeToAll({ fromPosition: position, eventTypes: [type] }, handler);
    await waitFor(() => received.length === 9);
    await sleep(50);
    await again.stop();
    expect(received.map((e) => e.id)).toEqual(expected);
  });

  it('lets the projection runner resubscribe from its checkpoint by itself after a drop', async () => {
    const store = open();
    const { registry, projector } = countingProjector('EsdbCounted', 'esdb_counts');
    const reads = createMemoryReadStore();
    const runner = new ProjectionRunner({
      eventStore: store,
      readStore: reads,
      registry,
      projectors: [projector],
      logger: silentLogger,
      resubscribeDelayMs: () => 5,
    });
    const key = randomUUID();
    const count = async () => (await store.appendToStream(`esdbc-${key}`, [ev('EsdbCounted', { key })])).position;
    try {
      await count();
      await runner.start();
      await runner.whenCaughtUp();
      await expect(runner.waitFor(await count(), 3000)).resolves.toBe(true);
      expect(fake.dropSubscriptions()).toBe(1);
      await count();
      await expect(runner.waitFor(await count(), 3000)).resolves.toBe(true);
      expect((await reads.collection('esdb_counts').findOne({ _id: key }))?.n).toBe(4);
    } finally {
      await runner.stop();
    }
  });

  it("filters a subscription by the handler's event types on the server: other events never cross the wire", async () => {
    const store = open();
    const wanted = `Wanted_${randomUUID().slice(0, 8)}`;
    const other = `Other_${randomUUID().slice(0, 8)}`;
    const s = stream('filtered');
    const from = await store.headPosition();
    await store.appendToStream(s, [ev(wanted, { i: 0 }), ev(other), ev(other)]);
    const seen: RecordedEvent[] = [];
    let caughtUp = false;
    const sentBefore = fake.calls.subscriptionEvents;
    const sub = store.subscribeToAll({ fromPosition: from, eventTypes: [wanted] }, { onEvents: (e) => void seen.push(...e), onCaughtUp: () => (caughtUp = true) });
    await waitFor(() => caughtUp);
    // Live: more of both kinds.
    await store.appendToStream(s, [ev(other), ev(wanted, { i: 1 }), ev(other)]);
    await waitFor(() => seen.length === 2);
    await sleep(50);
    await sub.stop();
    expect(seen.map((e) => [e.type, e.data.i])).toEqual([
      [wanted, 0],
      [wanted, 1],
    ]);
    // Only the two wanted events were sent (the $> links and the Other events stayed on the server).
    expect(fake.calls.subscriptionEvents - sentBefore).toBe(2);
  });

  it('answers a read-your-writes wait behind events no projector handles at once (the server reports no checkpoint for them)', async () => {
    const store = open();
    const { registry, projector } = countingProjector('EsdbTallied', 'esdb_tallies');
    const reads = createMemoryReadStore();
    const runner = new ProjectionRunner({ eventStore: store, readStore: reads, registry, projectors: [projector], logger: silentLogger, skippedRunProbeDelayMs: 0 });
    const key = randomUUID();
    try {
      await runner.start();
      await runner.whenCaughtUp();
      const tallied = await store.appendToStream(`esdbt-${key}`, [ev('EsdbTallied', { key })]);
      // A few events of a type no projector handles (fewer than the server's checkpoint window).
      const skipped = await store.appendToStream(`esdbt-other-${key}`, [ev('Unprojected'), ev('Unprojected'), ev('Unprojected')]);
      const started = Date.now();
      await expect(runner.waitFor(skipped.position, 10_000)).resolves.toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await reads.collection('esdb_tallies').findOne({ _id: key }))?.n).toBe(1);
      // The subscription itself only got as far as the handled event.
      expect(runner.position).toBe(tallied.position);
    } finally {
      await runner.stop();
    }
  });

  it.each([
    ["a fresh node's log (only its epoch record, projections off)", { systemProjections: false }, ['$epoch-information']],
    ['an empty log', { systemProjections: false, epoch: false }, []],
  ])("goes live on %s through the server's (-1, -1) checkpoint", async (_label, options, records) => {
    const fresh = await startFakeEventStoreDb(options);
    const store = openEventStoreDbStore({ connectionString: fresh.connectionString });
    try {
      expect(fresh.log.records.map((r) => r.type)).toEqual(records);
      const type = `Fresh_${randomUUID().slice(0, 8)}`;
      const seen: RecordedEvent[] = [];
      const errors: Error[] = [];
      let caughtUp: number | undefined;
      const sub = store.subscribeToAll(
        { fromPosition: 0, eventTypes: [type] },
        { onEvents: (e) => void seen.push(...e), onCaughtUp: (p) => (caughtUp = p), onError: (e) => void errors.push(e) },
      );
      await waitFor(() => caughtUp !== undefined);
      // The catch-up ended within its first interval having sent nothing: its checkpoint was (-1, -1).
      expect(fresh.calls.checkpoints).toEqual([{ commit: -1, prepare: -1 }]);
      expect(caughtUp).toBe(0);
      const first = await store.appendToStream(stream('fresh'), [ev(type)]);
      await waitFor(() => seen.length === 1);
      await sub.stop();
      expect(seen.map((e) => e.id)).toEqual([first.events[0]!.id]);
      expect(errors).toEqual([]);
      expect(fresh.calls.subscribe).toBe(1);
    } finally {
      await store.close();
      await fresh.stop();
    }
  });

  it('stops delivering to subscriptions when the store closes', async () => {
    const store = open();
    const type = `Close_${randomUUID().slice(0, 8)}`;
    const other = open();
    let calls = 0;
    let caughtUp = false;
    store.subscribeToAll({ eventTypes: [type] }, { onEvents: () => void calls++, onCaughtUp: () => (caughtUp = true) });
    await waitFor(() => caughtUp);
    await store.close();
    await other.appendToStream(stream('close'), [ev(type)]);
    await sleep(100);
    expect(calls).toBe(0);
  });

  it('accepts the KurrentDB connection-string schemes that the configuration allows', async () => {
    const store = open({ connectionString: fake.connectionString.replace(/^esdb:/, 'kurrentdb:') });
    const result = await store.appendToStream(stream('scheme'), [ev('A')]);
    expect(result.nextExpectedRevision).toBe(0);
  });
});
