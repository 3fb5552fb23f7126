import { randomUUID } from 'node:crypto';
import {
  WrongExpectedRevisionError,
  type EventMetadataInput,
  type EventStore,
  type ExpectedRevision,
  type JsonObject,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from './event-store';
import { verifyChain } from './hash-chain';

/**
 * The contract every EventStore adapter passes. It uses nothing but the port, and every test
 * works on its own streams and event types (random suffixes), so it also runs against a
 * shared server that other tests write to at the same time: it never assumes the log is
 * empty or that nobody else appends, and compares positions only by order.
 *
 * Usage, in an adapter's *.int.test.ts:
 *   eventStoreContract('sqlite', async () => ({ store, teardown }));
 * `setup` runs before every test and `teardown` after it (teardown may find the store closed).
 */
export function eventStoreContract(
  adapterName: string,
  setup: () => Promise<{ store: EventStore; teardown: () => Promise<void> }>,
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ store, teardown } = await setup());
    });

    afterEach(async () => {
      await teardown();
    });

    describe('appendToStream', () => {
      it('appends to a new stream with revisions from 0, increasing positions, and returns the stored events', async () => {
        const stream = streamName('append');
        const events = [newEvent('Opened', { n: 1 }), newEvent('Noted', { n: 2 }), newEvent('Noted', { n: 3 })];
        const first = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });

        expect(first.nextExpectedRevision).toBe(2);
        expect(first.events.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(first.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
        expect(first.events.map((e) => e.type)).toEqual(['Opened', 'Noted', 'Noted']);
        expect(first.events.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
        expect(first.events.every((e) => e.streamName === stream)).toBe(true);
        expectStrictlyIncreasing(first.events.map((e) => e.position));
        expect(first.position).toBe(first.events[2]!.position);

        const second = await store.appendToStream(stream, [newEvent('Closed')], { expectedRevision: 2 });
        expect(second.nextExpectedRevision).toBe(3);
        expect(second.events[0]!.revision).toBe(3);
        expect(second.position).toBeGreaterThan(first.position);

        const stored = await store.readStream(stream);
        expect(stored).toEqual([...first.events, ...second.events]);
      });

      it("uses 'any' when no expected revision is given", async () => {
        const stream = streamName('default-any');
        const a = await store.appendToStream(stream, [newEvent('A')]);
        const b = await store.appendToStream(stream, [newEvent('B')]);
        expect([a.nextExpectedRevision, b.nextExpectedRevision]).toEqual([0, 1]);
      });

      it('gives later appends higher positions, across streams', async () => {
        const positions: number[] = [];
        for (let i = 0; i < 6; i++) {
          const result = await store.appendToStream(streamName(`pos-${i % 3}`), [newEvent('Tick', { i })]);
          positions.push(result.position);
        }
        expectStrictlyIncreasing(positions);
      });
    });

    describe('expected revision', () => {
      /** Creates a stream with `count` events (none when 0) and returns its name. */
      async function streamWith(count: number): Promise<string> {
        const stream = streamName('expected');
        if (count > 0) {
          await store.appendToStream(
            stream,
            Array.from({ length: count }, (_, i) => newEvent('Seed', { i })),
            { expectedRevision: 'no_stream' },
          );
        }
        return stream;
      }

      const accepted: Array<[string, number, ExpectedRevision, number]> = [
        ["'any' on a missing stream", 0, 'any', 0],
        ["'any' on an existing stream", 2, 'any', 2],
        ["'no_stream' on a missing stream", 0, 'no_stream', 0],
        ["'stream_exists' on an existing stream", 1, 'stream_exists', 1],
        ['the exact last revision', 3, 2, 3],
      ];
      it.each(accepted)('accepts %s', async (_label, existing, expected, revision) => {
        const stream = await streamWith(existing);
        const result = await store.appendToStream(stream, [newEvent('Next')], { expectedRevision: expected });
        expect(result.nextExpectedRevision).toBe(revision);
        expect((await store.readStream(stream)).length).toBe(existing + 1);
      });

      const rejected: Array<[string, number, ExpectedRevision, number]> = [
        ["'no_stream' on an existing stream", 1, 'no_stream', 0],
        ["'stream_exists' on a missing stream", 0, 'stream_exists', -1],
        ['an exact revision on a missing stream', 0, 0, -1],
        ['a stale exact revision', 3, 1, 2],
        ['an exact revision ahead of the stream', 3, 5, 2],
      ];
      it.each(rejected)('rejects %s with the actual revision and appends nothing', async (_label, existing, expected, actual) => {
        const stream = await streamWith(existing);
        const before = await store.readStream(stream);
        const error = await appendError(store, stream, [newEvent('Next'), newEvent('Next')], expected);

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error.streamName).toBe(stream);
        expect(error.expected).toBe(expected);
        expect(error.actual).toBe(actual);
        expect(await store.readStream(stream)).toEqual(before);
      });
    });

    describe('atomic multi-event appends', () => {
      it('stores the events of one append together and contiguously in the log', async () => {
        const stream = streamName('atomic');
        const result = await store.appendToStream(stream, [newEvent('A'), newEvent('B'), newEvent('C')], {
          expectedRevision: 'no_stream',
        });
        const [a, b, c] = result.events;
        const following = await store.readAll({ fromPosition: a!.position, maxCount: 2 });
        expect(following.map((e) => e.id)).toEqual([b!.id, c!.id]);
      });

      it('writes nothing of a rejected multi-event append', async () => {
        const stream = streamName('atomic-reject');
        const type = typeName('Rejected');
        await store.appendToStream(stream, [newEvent('Seed')], { expectedRevision: 'no_stream' });
        const error = await appendError(store, stream, [newEvent(type), newEvent(type), newEvent(type)], 'no_stream');
        expect(error.actual).toBe(0);
        expect(await store.readStream(stream)).toHaveLength(1);
        expect(await store.readAll({ eventTypes: [type] })).toEqual([]);
      });
    });

    describe.each([
      ['readStream', {}],
      ['readStream, cached', { cached: true }],
    ] as const)('%s', (_, read) => {
      let stream: string;
      let appended: RecordedEvent[];

      beforeEach(async () => {
        stream = streamName('read');
        appended = (
          await store.appendToStream(
            stream,
            Array.from({ length: 5 }, (_, i) => newEvent('Step', { i })),
            { expectedRevision: 'no_stream' },
          )
        ).events;
      });

      const revisions = (events: RecordedEvent[]) => events.map((e) => e.revision);

      it('reads forwards from revision 0 by default', async () => {
        const events = await store.readStream(stream, read);
        expect(revisions(events)).toEqual([0, 1, 2, 3, 4]);
        expect(events).toEqual(appended);
      });

      it('reads forwards from a revision, with a maximum count', async () => {
        expect(revisions(await store.readStream(stream, { ...read, fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(revisions(await store.readStream(stream, { ...read, maxCount: 2 }))).toEqual([0, 1]);
        expect(revisions(await store.readStream(stream, { ...read, fromRevision: 1, maxCount: 2 }))).toEqual([1, 2]);
        expect(await store.readStream(stream, { ...read, fromRevision: 5 })).toEqual([]);
      });

      it('reads backwards from the end by default', async () => {
        expect(revisions(await store.readStream(stream, { ...read, direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
        expect(revisions(await store.readStream(stream, { ...read, direction: 'backwards', maxCount: 1 }))).toEqual([4]);
      });

      it('reads backwards from a revision, with a maximum count', async () => {
        expect(revisions(await store.readStream(stream, { ...read, direction: 'backwards', fromRevision: 3, maxCount: 2 }))).toEqual([3, 2]);
        expect(revisions(await store.readStream(stream, { ...read, direction: 'backwards', fromRevision: 0 }))).toEqual([0]);
      });

      it('returns [] for a stream that does not exist, in both directions', async () => {
        const missing = streamName('missing');
        expect(await store.readStream(missing, read)).toEqual([]);
        expect(await store.readStream(missing, { ...read, direction: 'backwards' })).toEqual([]);
        await store.appendToStream(missing, [newEvent('Late')], { expectedRevision: 'no_stream' });
        expect((await store.readStream(missing, read)).map((e) => e.type)).toEqual(['Late']);
      });

      it('reads the events appended after an earlier read, as the log holds them', async () => {
        await store.readStream(stream, read);
        await store.appendToStream(stream, [newEvent('Step', { i: 5 }), newEvent('Step', { i: 6 })], { expectedRevision: 4 });
        const events = await store.readStream(stream, read);
        expect(events.map((e) => e.data)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => ({ i })));
        expect(events).toEqual(await store.readStream(stream));
        expect(revisions(await store.readStream(stream, { ...read, direction: 'backwards', maxCount: 2 }))).toEqual([6, 5]);
      });
    });

    describe('readAll', () => {
      let types: { a: string; b: string; c: string };
      let all: RecordedEvent[];
      let headBefore: number;

      beforeEach(async () => {
        types = { a: typeName('A'), b: typeName('B'), c: typeName('C') };
        headBefore = await store.headPosition();
        const s1 = streamName('all-1');
        const s2 = streamName('all-2');
        all = [];
        all.push(...(await store.appendToStream(s1, [newEvent(types.a), newEvent(types.b)])).events);
        all.push(...(await store.appendToStream(s2, [newEvent(types.a)])).events);
        all.push(...(await store.appendToStream(s1, [newEvent(types.c), newEvent(types.a)])).events);
        all.push(...(await store.appendToStream(s2, [newEvent(types.b)])).events);
      });

      const ids = (events: RecordedEvent[]) => events.map((e) => e.id);

      it('pages forwards with an exclusive fromPosition and maxCount', async () => {
        const pages = await pageAll(store, {
          direction: 'forwards',
          fromPosition: headBefore,
          maxCount: 2,
          eventTypes: [types.a, types.b, types.c],
        });
        expect(pages.every((p) => p.length <= 2)).toBe(true);
        const events = pages.flat();
        expect(ids(events)).toEqual(ids(all));
        expect(events).toEqual(all);
        expectStrictlyIncreasing(events.map((e) => e.position));
      });

      it('pages backwards with an exclusive fromPosition and maxCount', async () => {
        const pages = await pageAll(store, { direction: 'backwards', maxCount: 2, eventTypes: [types.a, types.b, types.c] });
        expect(pages.every((p) => p.length <= 2)).toBe(true);
        const events = pages.flat();
        expect(ids(events)).toEqual(ids([...all].reverse()));
        expectStrictlyIncreasing(events.map((e) => e.position).reverse());

        const before = await store.readAll({
          direction: 'backwards',
          fromPosition: all[3]!.position,
          eventTypes: [types.a, types.b, types.c],
        });
        expect(ids(before)).toEqual(ids(all.slice(0, 3).reverse()));
      });

      it('filters by event type in both directions', async () => {
        const onlyA = all.filter((e) => e.type === types.a);
        const forwards = await store.readAll({ fromPosition: headBefore, eventTypes: [types.a] });
        expect(ids(forwards)).toEqual(ids(onlyA));
        const backwards = await store.readAll({ direction: 'backwards', eventTypes: [types.a], maxCount: 2 });
        expect(ids(backwards)).toEqual(ids(onlyA.slice(-2).reverse()));
        const bAndC = await store.readAll({ fromPosition: headBefore, eventTypes: [types.b, types.c] });
        expect(ids(bAndC)).toEqual(ids(all.filter((e) => e.type !== types.a)));
      });

      it('reads every event without a filter, in log order', async () => {
        const mine = new Set(ids(all));
        const events = (await pageAll(store, { fromPosition: headBefore, maxCount: 4 })).flat();
        expectStrictlyIncreasing(events.map((e) => e.position));
        expect(ids(events.filter((e) => mine.has(e.id)))).toEqual(ids(all));

        const latest = await store.readAll({ direction: 'backwards', maxCount: 3 });
        expect(latest).toHaveLength(3);
        expectStrictlyIncreasing(latest.map((e) => e.position).reverse());
        expect(latest[0]!.position).toBeGreaterThanOrEqual(all[all.length - 1]!.position);

        // Exclusive fromPosition backwards: the nearest event before all[3] is all[2] (or one of another writer after it).
        const before = await store.readAll({ direction: 'backwards', fromPosition: all[3]!.position, maxCount: 2 });
        expect(before).toHaveLength(2);
        expect(before[0]!.position).toBeLessThan(all[3]!.position);
        expect(before[0]!.position).toBeGreaterThanOrEqual(all[2]!.position);
        expect(before[1]!.position).toBeLessThan(before[0]!.position);
        // Exclusive fromPosition forwards, likewise.
        const [after] = await store.readAll({ fromPosition: all[3]!.position, maxCount: 1 });
        expect(after!.position).toBeGreaterThan(all[3]!.position);
        expect(after!.position).toBeLessThanOrEqual(all[4]!.position);
      });
    });

    describe('headPosition', () => {
      it('is at least the position of the last append', async () => {
        const before = await store.headPosition();
        const result = await store.appendToStream(streamName('head'), [newEvent('A'), newEvent('B')]);
        const after = await store.headPosition();
        expect(result.position).toBeGreaterThan(before);
        expect(after).toBeGreaterThanOrEqual(result.position);
        const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
        expect(last!.position).toBeGreaterThanOrEqual(result.position);
      });
    });

    describe('metadata and hash chain', () => {
      it('round-trips every metadata field and the data exactly', async () => {
        const stream = streamName('meta');
        const metadata: EventMetadataInput = {
          actor: { userId: 'user-7', role: 'admin' },
          requestId: 'req-1',
          correlationId: 'corr-1',
          causationId: 'cause-1',
          timestamp: '2024-05-06T07:08:09.123Z',
          schemaVersion: 3,
        };
        const data = { text: 'héllo "quoted"', count: 42, ratio: 0.25, ok: true, none: null, list: [1, 'two', { three: 3 }], nested: { a: { b: [] } } };
        const result = await store.appendToStream(stream, [{ id: randomUUID(), type: 'Full', data, metadata }]);
        const [read] = await store.readStream(stream);

        expect(read!.data).toEqual(data);
        expect(read!.metadata).toMatchObject(metadata);
        expect(read!.metadata.prevHash).toBe('');
        expect(read!.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(read).toEqual(result.events[0]);
      });

      it('stores a missing actor as null and leaves absent optional fields absent', async () => {
        const stream = streamName('meta-min');
        await store.appendToStream(stream, [
          { id: randomUUID(), type: 'Minimal', data: {}, metadata: { timestamp: '2024-01-01T00:00:00.000Z', schemaVersion: 1 } },
        ]);
        const [read] = await store.readStream(stream);
        expect(read!.metadata.actor ?? null).toBeNull();
        expect(read!.metadata.requestId).toBeUndefined();
        expect(read!.metadata.correlationId).toBeUndefined();
        expect(read!.metadata.causationId).toBeUndefined();
        expect(read!.metadata.timestamp).toBe('2024-01-01T00:00:00.000Z');
        expect(read!.metadata.schemaVersion).toBe(1);
        expect(verifyChain(stream, [read!]).valid).toBe(true);
      });

      it('chains every event of a stream to the previous one across appends', async () => {
        const stream = streamName('chain');
        const other = streamName('chain-other');
        const results = [];
        let revision: ExpectedRevision = 'no_stream';
        for (const count of [1, 2, 3]) {
          const result = await store.appendToStream(
            stream,
            Array.from({ length: count }, (_, i) => newEvent('Link', { count, i })),
            { expectedRevision: revision },
          );
          results.push(result);
          revision = result.nextExpectedRevision;
          await store.appendToStream(other, [newEvent('Interleaved', { count })]);
        }
        const events = await store.readStream(stream);
        expect(events).toHaveLength(6);
        expect(events[0]!.metadata.prevHash).toBe('');
        for (let i = 1; i < events.length; i++) expect(events[i]!.metadata.prevHash).toBe(events[i - 1]!.metadata.hash);
        expect(events.map((e) => e.metadata.hash)).toEqual(results.flatMap((r) => r.events.map((e) => e.metadata.hash)));

        const verification = verifyChain(stream, events);
        expect(verification).toEqual({ streamName: stream, valid: true, eventCount: 6, lastHash: events[5]!.metadata.hash });
        expect(verifyChain(other, await store.readStream(other)).valid).toBe(true);
      });
    });

    describe('subscribeToAll', () => {
      const subscriptions: Subscription[] = [];
      afterEach(async () => {
        await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      });
      const subscribe = (options: SubscribeOptions, handler: SubscriptionHandler): Subscription => {
        const subscription = store.subscribeToAll(options, handler);
        subscriptions.push(subscription);
        return subscription;
      };

      it('catches up from fromPosition, reports caught up once, then delivers live appends', async () => {
        const stream = streamName('sub');
        const headBefore = await store.headPosition();
        const early = (await store.appendToStream(stream, [newEvent('Early'), newEvent('Early'), newEvent('Early')])).events;
        const calls: string[] = [];
        const received: RecordedEvent[] = [];
        let caughtUpAt: number | undefined;
        subscribe(
          { fromPosition: headBefore },
          {
            onEvents(events) {
              const own = events.filter((e) => e.streamName === stream);
              received.push(...own);
              calls.push(...own.map((e) => e.type));
            },
            onCaughtUp(position) {
              calls.push('caught-up');
              caughtUpAt = position;
            },
          },
        );
        await waitFor(() => caughtUpAt !== undefined && received.length === 3);
        expect(caughtUpAt).toBeGreaterThanOrEqual(early[2]!.position);

        const late = (await store.appendToStream(stream, [newEvent('Late')])).events;
        const later = (await store.appendToStream(stream, [newEvent('Later')])).events;
        await waitFor(() => received.length === 5);
        expect(received.map((e) => e.id)).toEqual([...early, ...late, ...later].map((e) => e.id));
        expect(received).toEqual([...early, ...late, ...later]);
        expect(calls).toEqual(['Early', 'Early', 'Early', 'caught-up', 'Late', 'Later']);
      });

      it('treats fromPosition as exclusive and delivers from the beginning without it', async () => {
        const type = typeName('Excl');
        const appended = (await store.appendToStream(streamName('sub-excl'), [newEvent(type), newEvent(type), newEvent(type)])).events;

        const afterFirst: RecordedEvent[] = [];
        subscribe({ fromPosition: appended[0]!.position, eventTypes: [type] }, { onEvents: (e) => void afterFirst.push(...e) });
        const fromStart: RecordedEvent[] = [];
        subscribe({ eventTypes: [type] }, { onEvents: (e) => void fromStart.push(...e) });

        await waitFor(() => afterFirst.length >= 2 && fromStart.length >= 3);
        await settle();
        expect(afterFirst.map((e) => e.id)).toEqual([appended[1]!.id, appended[2]!.id]);
        expect(fromStart.map((e) => e.id)).toEqual(appended.map((e) => e.id));
      });

      it('applies the type filter and reports skipped events the way the store declares', async () => {
        // Each store declares one of the two behaviours and is held to it in full.
        expect(['every-run', 'periodic']).toContain(store.skippedEventCheckpoints);
        if (store.skippedEventCheckpoints === 'every-run') await checkpointsAfterEverySkippedRun();
        else await checkpointsWithinLongSkippedRuns();
      });

      /** 'every-run' stores: a checkpoint right after every run of skipped events. */
      async function checkpointsAfterEverySkippedRun(): Promise<void> {
        const wanted = typeName('Wanted');
        const skipped = typeName('Skipped');
        const stream = streamName('sub-filter');
        const headBefore = await store.headPosition();
        await store.appendToStream(stream, [newEvent(wanted)]);
        const skippedRun = await store.appendToStream(stream, Array.from({ length: 5 }, () => newEvent(skipped)));

        const received: RecordedEvent[] = [];
        const checkpoints: number[] = [];
        subscribe(
          { fromPosition: headBefore, eventTypes: [wanted] },
          {
            onEvents: (events) => void received.push(...events),
            onCheckpoint: (position) => void checkpoints.push(position),
          },
        );
        await waitFor(() => received.length === 1 && checkpoints.some((p) => p >= skippedRun.position));

        const live = await store.appendToStream(stream, Array.from({ length: 3 }, () => newEvent(skipped)));
        await waitFor(() => checkpoints.some((p) => p >= live.position));
        const liveWanted = await store.appendToStream(stream, [newEvent(wanted)]);
        await waitFor(() => received.length === 2);

        expect(received.map((e) => e.type)).toEqual([wanted, wanted]);
        expect(received[1]!.id).toBe(liveWanted.events[0]!.id);
        expect(checkpoints.length).toBeGreaterThan(0);
        expectNonDecreasing(checkpoints);
      }

      /** 'periodic' stores: checkpoints now and then, never ahead of an event still to deliver. */
      async function checkpointsWithinLongSkippedRuns(): Promise<void> {
        const wanted = typeName('Wanted');
        const skipped = typeName('Skipped');
        const stream = streamName('sub-periodic');
        const headBefore = await store.headPosition();
        const first = await store.appendToStream(stream, [newEvent(wanted)]);
        const received: RecordedEvent[] = [];
        const checkpoints: number[] = [];
        let caughtUp = false;
        subscribe(
          { fromPosition: headBefore, eventTypes: [wanted] },
          {
            onEvents: (events) => void received.push(...events),
            onCheckpoint: (position) => void checkpoints.push(position),
            onCaughtUp: () => (caughtUp = true),
          },
        );
        await waitFor(() => caughtUp && received.length === 1);
        // Longer than any server checkpoint window (EventStoreDB's default is 32 considered events).
        const run = await store.appendToStream(stream, Array.from({ length: 100 }, () => newEvent(skipped)));
        await waitFor(() => checkpoints.some((p) => p > first.position));
        const last = await store.appendToStream(stream, [newEvent(wanted)]);
        await waitFor(() => received.length === 2);

        expect(received.map((e) => e.id)).toEqual([first.events[0]!.id, last.events[0]!.id]);
        expectNonDecreasing(checkpoints);
        // Every checkpoint lies past the first wanted event and before the next one.
        expect(checkpoints.every((p) => p > first.position && p < last.position)).toBe(true);
        expect(run.position).toBeLessThan(last.position);
      }

      it('waits for each onEvents call before the next, respects batchSize, and misses nothing appended meanwhile', async () => {
        const type = typeName('Pressure');
        const stream = streamName('sub-pressure');
        const headBefore = await store.headPosition();
        const expected: RecordedEvent[] = [];
        for (let i = 0; i < 5; i++) expected.push(...(await store.appendToStream(stream, [newEvent(type, { i })])).events);

        const received: RecordedEvent[] = [];
        const batchSizes: number[] = [];
        let inFlight = 0;
        let maxInFlight = 0;
        subscribe(
          { fromPosition: headBefore, eventTypes: [type], batchSize: 3 },
          {
            async onEvents(events) {
              inFlight++;
              maxInFlight = Math.max(maxInFlight, inFlight);
              batchSizes.push(events.length);
              await sleep(15);
              received.push(...events);
              inFlight--;
            },
          },
        );
        await waitFor(() => batchSizes.length > 0);
        // Appended while the handler is busy: sequential ones to the same stream, concurrent ones elsewhere.
        const concurrent = Promise.all(
          Array.from({ length: 6 }, (_, i) => store.appendToStream(streamName('sub-pressure-x'), [newEvent(type, { x: i })])),
        );
        for (let i = 5; i < 15; i++) expected.push(...(await store.appendToStream(stream, [newEvent(type, { i })])).events);
        const others = (await concurrent).flatMap((r) => r.events);

        await waitFor(() => received.length >= 21);
        await settle();
        expect(maxInFlight).toBe(1);
        expect(batchSizes.every((n) => n >= 1 && n <= 3)).toBe(true);
        expect(received).toHaveLength(21);
        expectStrictlyIncreasing(received.map((e) => e.position));
        expect(received.filter((e) => e.streamName === stream).map((e) => e.id)).toEqual(expected.map((e) => e.id));
        expect(new Set(received.map((e) => e.id))).toEqual(new Set([...expected, ...others].map((e) => e.id)));
      });

      it('stop() waits for the handler call in flight and delivers nothing afterwards', async () => {
        const type = typeName('Stop');
        const stream = streamName('sub-stop');
        const headBefore = await store.headPosition();
        await store.appendToStream(stream, [newEvent(type), newEvent(type)]);

        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let calls = 0;
        let handlerFinished = false;
        const subscription = subscribe(
          { fromPosition: headBefore, eventTypes: [type], batchSize: 1 },
          {
            async onEvents() {
              calls++;
              await gate;
              handlerFinished = true;
            },
          },
        );
        await waitFor(() => calls === 1);
        let stopped = false;
        const stopping = subscription.stop().then(() => {
          stopped = true;
        });
        await sleep(30);
        expect(stopped).toBe(false);
        release();
        await stopping;
        expect(handlerFinished).toBe(true);

        await store.appendToStream(stream, [newEvent(type)]);
        await settle();
        expect(calls).toBe(1);
      });

      it('drops the subscription and calls onError when a handler throws', async () => {
        const type = typeName('Throw');
        const stream = streamName('sub-throw');
        const headBefore = await store.headPosition();
        await store.appendToStream(stream, [newEvent(type)]);
        const failure = new Error('handler failed');
        const errors: Error[] = [];
        let calls = 0;
        subscribe(
          { fromPosition: headBefore, eventTypes: [type] },
          {
            onEvents() {
              calls++;
              throw failure;
            },
            onError: (error) => void errors.push(error),
          },
        );
        await waitFor(() => errors.length === 1);
        expect(errors[0]!.message).toBe(failure.message);

        await store.appendToStream(stream, [newEvent(type)]);
        await settle();
        expect(calls).toBe(1);
        expect(errors).toHaveLength(1);
      });
    });

    describe('concurrent appends', () => {
      it('accepts exactly one of 50 concurrent appends with the same exact expected revision', async () => {
        const stream = streamName('race');
        await store.appendToStream(stream, [newEvent('Seed')], { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => store.appendToStream(stream, [newEvent('Race', { i })], { expectedRevision: 0 })),
        );
        const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
        const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(fulfilled).toHaveLength(1);
        expect(failures).toHaveLength(49);
        for (const failure of failures) {
          expect(failure).toBeInstanceOf(WrongExpectedRevisionError);
          expect((failure as WrongExpectedRevisionError).actual).toBe(1);
        }
        const events = await store.readStream(stream);
        expect(events).toHaveLength(2);
        expect(verifyChain(stream, events).valid).toBe(true);
      });

      it("gives 200 concurrent 'any' appends to one stream revisions 0..199, each once, with a valid chain", async () => {
        const stream = streamName('pile');
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => store.appendToStream(stream, [newEvent('Pile', { i })], { expectedRevision: 'any' })),
        );
        const revisions = results.map((r) => r.nextExpectedRevision).sort((a, b) => a - b);
        expect(revisions).toEqual(Array.from({ length: 200 }, (_, i) => i));

        const events = await store.readStream(stream);
        expect(events.map((e) => e.revision)).toEqual(revisions);
        const byId = new Map(events.map((e) => [e.id, e]));
        for (const result of results) {
          const [appended] = result.events;
          expect(byId.get(appended!.id)).toEqual(appended);
        }
        expectStrictlyIncreasing(events.map((e) => e.position));
        expect(verifyChain(stream, events).valid).toBe(true);
      });
    });

    describe('close', () => {
      it('is idempotent and makes later appends reject', async () => {
        await store.close();
        await store.close();
        await expect(store.appendToStream(streamName('closed'), [newEvent('Late')])).rejects.toThrow();
      });
    });
  });
}

function suffix(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}

function streamName(prefix: string): string {
  return `contract_${prefix}-${suffix()}`;
}

function typeName(prefix: string): string {
  return `${prefix}_${suffix()}`;
}

function newEvent(type: string, data: JsonObject = {}, metadata: Partial<EventMetadataInput> = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { timestamp: new Date().toISOString(), schemaVersion: 1, ...metadata },
  };
}

async function appendError(
  store: EventStore,
  stream: string,
  events: NewEvent[],
  expectedRevision: ExpectedRevision,
): Promise<WrongExpectedRevisionError> {
  try {
    await store.appendToStream(stream, events, { expectedRevision });
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) return error;
    throw error;
  }
  throw new Error(`append to ${stream} with expected revision ${String(expectedRevision)} was accepted`);
}

/** Reads the log page by page, passing the last position seen as the next fromPosition. */
async function pageAll(store: EventStore, options: ReadAllOptions): Promise<RecordedEvent[][]> {
  const pages: RecordedEvent[][] = [];
  let fromPosition = options.fromPosition;
  for (;;) {
    const page = await store.readAll({ ...options, fromPosition });
    if (page.length === 0) return pages;
    pages.push(page);
    fromPosition = page[page.length - 1]!.position;
  }
}

function expectStrictlyIncreasing(values: number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
}

function expectNonDecreasing(values: number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Long enough for a wrongly delivered event to show up. */
function settle(): Promise<void> {
  return sleep(100);
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}
