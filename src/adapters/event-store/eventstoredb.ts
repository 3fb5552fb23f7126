import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  type ReadPosition,
  type ReadRevision,
  type StreamingRead,
} from '@eventstore/db-client';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from '../../ports/event-store';
import {
  EMPTY_HEAD,
  checkExpected,
  checkReadBack,
  conflictBackoffMs,
  decideHead,
  headOf,
  planAppend,
  retriesOnConflict,
  type StreamHead,
} from './eventstoredb-append-plan';
import { readAllFiltered } from './eventstoredb-filtered-read';
import { HeadCache, KeyedQueue } from './eventstoredb-heads';
import {
  eventAcceptor,
  eventTypeRegex,
  subscriptionFilter,
  fromEsdbEvent,
  isStreamNotFound,
  isMaxAppendSizeExceeded,
  isTransientError,
  isWrongExpectedVersion,
  normaliseConnectionString,
  numberToReadPosition,
  resolvedAllPosition,
  toEsdbEventData,
  toAppendTooLargeError,
  toEsdbExpectedRevision,
  toWrongExpectedRevisionError,
} from './eventstoredb-mapping';
import { EventStoreDbSubscription } from './eventstoredb-subscription';
import { StoreClosedError, assertValidAppend } from './local-record';

/**
 * The production event store: EventStoreDB (or KurrentDB, same protocol) through
 * `@eventstore/db-client` v6, passing the same port contract as the embedded stores.
 *
 * - Appends keep the per-stream hash chain: the stream's head (last revision and hash) is known
 *   or read, the events are chained after it and appended with that exact expected revision;
 *   see eventstoredb-append-plan.ts. The stored events are read back once written, so the
 *   result carries their real positions.
 * - Reads page: a stream or `$all` is read `readPageSize` events per server call, never in one
 *   go. `$all` reads use a server-side event-type filter (eventstoredb-filtered-read.ts) and
 *   leave out system events and system streams.
 * - Positions: the port's number is 2 × commit + 1 for events (see eventstoredb-mapping.ts).
 * - Subscriptions: catch-up subscriptions to `$all`, see eventstoredb-subscription.ts.
 * - Appends go through Streams.BatchAppend, which client 6.2.1 uses whenever the server lists it
 *   in ServerFeatures (24.10 does), else through the unary Streams.Append; both answer the same.
 *   An append over the server's MaxAppendSize (1,048,576 bytes by default) is refused whole and
 *   reported as the port's AppendTooLargeError; nothing of it was written.
 * - Transient failures (server unavailable, deadline or commit timeout, not leader) are retried a
 *   few times for reads and appends; appends are safe to retry because they name an exact
 *   expected revision and the same event ids, which EventStoreDB treats idempotently. The client
 *   reconnects its channel by itself on the next call.
 *
 * Opening creates the client only; nothing connects until the first call.
 */

export interface EventStoreDbStoreOptions {
  /** `esdb://host:2113?tls=false`, `esdb+discover://…` (also `kurrentdb://`/`kdb://`). */
  connectionString: string;
  /** Attempts for an 'any'/'stream_exists' append that keeps meeting other writers. Default 20. */
  maxConflictRetries?: number;
  /** Events per server call when reading a stream or `$all`. Default 500. */
  readPageSize?: number;
  /** Stream heads remembered so that appends need no read first. Default 10,000. */
  headCacheSize?: number;
  /** Subscriptions' server checkpoint interval (multiplier of the server's search window). Default 1. */
  checkpointInterval?: number;
  /** Attempts for reads and appends failing with a transient error. Default 3. */
  transientRetries?: number;
  /** Use this client instead of creating one from the connection string (tests). The store disposes it on close. */
  client?: EventStoreDBClient;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function limitOf(maxCount: number | undefined): number {
  if (maxCount === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(maxCount) || maxCount < 0) throw new RangeError('maxCount must be a non-negative integer');
  return maxCount;
}

async function collect<T>(read: StreamingRead<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

export function openEventStoreDbStore(options: EventStoreDbStoreOptions): EventStore {
  const client = options.client ?? EventStoreDBClient.connectionString(normaliseConnectionString(options.connectionString));
  const pageSize = options.readPageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('readPageSize must be a positive integer');
  const maxConflictRetries = options.maxConflictRetries ?? 20;
  const transientRetries = options.transientRetries ?? 3;
  const checkpointInterval = options.checkpointInterval ?? 1;
  const heads = new HeadCache(options.headCacheSize ?? 10_000);
  const appends = new KeyedQueue();
  const subscriptions = new Set<EventStoreDbSubscription>();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new StoreClosedError();
  };

  /** Runs an operation, tracked so that close() lets it finish, retrying transient failures. */
  async function operation<T>(run: () => Promise<T>): Promise<T> {
    ensureOpen();
    const attempt = async (): Promise<T> => {
      for (let i = 0; ; i++) {
        try {
          return await run();
        } catch (error) {
          if (i >= transientRetries || !isTransientError(error) || closed) throw error;
          await sleep(100 * 2 ** i);
        }
      }
    };
    const promise = attempt();
    inFlight.add(promise);
    try {
      return await promise;
    } finally {
      inFlight.delete(promise);
    }
  }

  /** One server read of a stream; [] when the stream does not exist. */
  async function readStreamPage(
    streamName: string,
    direction: typeof FORWARDS | typeof BACKWARDS,
    fromRevision: ReadRevision,
    maxCount: number,
    requiresLeader = false,
  ): Promise<RecordedEvent[]> {
    try {
      const resolved = await collect(client.readStream(streamName, { direction, fromRevision, maxCount, requiresLeader }));
      return resolved.flatMap((r) => (r.event ? [fromEsdbEvent(r.event)] : []));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
  }

  async function readStream(streamName: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    const limit = limitOf(options.maxCount);
    const out: RecordedEvent[] = [];
    if ((options.direction ?? 'forwards') === 'forwards') {
      let from = Math.max(0, options.fromRevision ?? 0);
      while (out.length < limit) {
        const want = Math.min(pageSize, limit - out.length);
        const page = await readStreamPage(streamName, FORWARDS, BigInt(from), want);
        out.push(...page);
        if (page.length < want) break;
        from = page[page.length - 1]!.revision + 1;
      }
    } else {
      let from: ReadRevision = options.fromRevision === undefined ? END : BigInt(options.fromRevision);
      if (typeof from === 'bigint' && from < 0n) return [];
      while (out.length < limit) {
        const want = Math.min(pageSize, limit - out.length);
        const page = await readStreamPage(streamName, BACKWARDS, from, want);
        out.push(...page);
        const last = page[page.length - 1];
        if (page.length < want || !last || last.revision === 0) break;
        from = BigInt(last.revision - 1);
      }
    }
    return out;
  }

  async function readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const limit = limitOf(options.maxCount);
    const backwards = (options.direction ?? 'forwards') === 'backwards';
    const regex = eventTypeRegex(options.eventTypes);
    const accepts = eventAcceptor(options.eventTypes);
    const beyond = (position: number, bound: number | undefined) =>
      bound === undefined || (backwards ? position < bound : position > bound);
    const out: RecordedEvent[] = [];
    let bound = options.fromPosition;
    while (out.length < limit) {
      const start: ReadPosition = bound === undefined ? (backwards ? END : START) : numberToReadPosition(bound);
      // One more than needed: a forwards read from an event's own position returns that event first.
      const requested = Math.min(pageSize, limit - out.length) + 1;
      const page = await collect(
        readAllFiltered(client, { direction: backwards ? BACKWARDS : FORWARDS, fromPosition: start, maxCount: requested, eventTypeRegex: regex }),
      );
      let progressed = false;
      for (const resolved of page) {
        const position = resolvedAllPosition(resolved);
        if (position === undefined || !beyond(position, bound)) continue;
        const event = resolved.event;
        if (event && accepts(event.type, event.streamId)) out.push(fromEsdbEvent(event));
        bound = position;
        progressed = true;
        if (out.length === limit) break;
      }
      if (page.length < requested || !progressed) break;
    }
    return out;
  }

  async function readHead(streamName: string): Promise<StreamHead> {
    const [last] = await readStreamPage(streamName, BACKWARDS, END, 1, true);
    return headOf(last);
  }

  async function append(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (let attempt = 0; ; attempt++) {
      const decision = decideHead(expected, heads.get(streamName), events.length);
      let head: StreamHead;
      if (decision.kind === 'use') {
        head = decision.head;
      } else {
        head = await operation(() => readHead(streamName));
        checkExpected(streamName, expected, head);
        if (head !== EMPTY_HEAD) heads.set(streamName, head);
      }
      if (events.length === 0) return { nextExpectedRevision: head.revision, position: head.position, events: [] };

      const plan = planAppend(streamName, events, head);
      try {
        await operation(() =>
          client.appendToStream(streamName, plan.events.map(toEsdbEventData), { expectedRevision: plan.expectedRevision }),
        );
      } catch (error) {
        if (isMaxAppendSizeExceeded(error)) throw toAppendTooLargeError(error, streamName, plan.events.length);
        if (!isWrongExpectedVersion(error)) throw error;
        heads.delete(streamName);
        if (retriesOnConflict(expected) && attempt < maxConflictRetries) {
          await sleep(conflictBackoffMs(attempt));
          continue;
        }
        throw toWrongExpectedRevisionError(error, streamName, expected);
      }
      // Written: read the events back for their positions (and to prove they are what was planned).
      const first = plan.events[0]!.revision;
      const stored = await operation(() => readStreamPage(streamName, FORWARDS, BigInt(first), plan.events.length, true));
      checkReadBack(streamName, plan, stored);
      const last = stored[stored.length - 1]!;
      heads.set(streamName, headOf(last));
      return { nextExpectedRevision: last.revision, position: last.position, events: stored };
    }
  }

  return {
    // The server filters subscriptions by type and checkpoints every `checkpointInterval` windows.
    skippedEventCheckpoints: 'periodic',
    async appendToStream(streamName, events, appendOptions = {}) {
      ensureOpen();
      assertValidAppend(streamName, events);
      const expected = appendOptions.expectedRevision ?? 'any';
      toEsdbExpectedRevision(expected); // validates
      return appends.run(streamName, () => append(streamName, events, expected));
    },
    async readStream(streamName, readOptions = {}) {
      return operation(() => readStream(streamName, readOptions));
    },
    async readAll(readOptions = {}) {
      return operation(() => readAll(readOptions));
    },
    subscribeToAll(subscribeOptions: SubscribeOptions, handler: SubscriptionHandler): Subscription {
      ensureOpen();
      const subscription = new EventStoreDbSubscription(
        (fromPosition, onCheckpoint) =>
          client.subscribeToAll({
            fromPosition,
            resolveLinkTos: false,
            filter: subscriptionFilter(subscribeOptions.eventTypes, checkpointInterval, (_s, position) => onCheckpoint(position)),
          }),
        subscribeOptions,
        handler,
        (s) => subscriptions.delete(s),
      );
      subscriptions.add(subscription);
      return subscription;
    },
    async headPosition() {
      const [last] = await operation(() => readAll({ direction: 'backwards', maxCount: 1 }));
      return last?.position ?? 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of subscriptions) s.halt();
      subscriptions.clear();
      await Promise.allSettled([...inFlight]);
      await client.dispose();
    },
  };
}

