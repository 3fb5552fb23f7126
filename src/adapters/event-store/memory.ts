import {
  WrongExpectedRevisionError,
  revisionMatches,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from '../../ports/event-store';
import { StoreClosedError, assertValidAppend, chainEvent, toRecorded } from './local-record';
import { LocalSubscription, type LocalLog } from './local-subscription';

/**
 * In-memory event store for tests: the same semantics as the SQLite store (0-based
 * revisions, positions 1, 2, 3, …, hash chain, catch-up subscriptions), nothing on disk.
 * Readers get copies, so nobody can change a stored event through a returned object.
 */

interface StreamState {
  /** Indexes into the log, in revision order. */
  entries: number[];
  lastHash: string;
}

function copy(event: RecordedEvent): RecordedEvent {
  return structuredClone(event);
}

function limitOf(maxCount: number | undefined): number {
  if (maxCount === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(maxCount) || maxCount < 0) throw new RangeError('maxCount must be a non-negative integer');
  return maxCount;
}

export function createMemoryEventStore(): EventStore {
  /** log[i] has position i + 1. */
  const log: RecordedEvent[] = [];
  const streams = new Map<string, StreamState>();
  const ids = new Set<string>();
  const subscriptions = new Set<LocalSubscription>();
  let closed = false;

  const localLog: LocalLog = {
    readRange(after, upTo, maxCount, eventTypes) {
      const types = eventTypes ? new Set(eventTypes) : undefined;
      const out: RecordedEvent[] = [];
      const end = Math.min(upTo, log.length);
      for (let i = Math.max(0, after); i < end && out.length < maxCount; i++) {
        const e = log[i]!;
        if (!types || types.has(e.type)) out.push(copy(e));
      }
      return out;
    },
    headPosition: () => log.length,
  };

  function ensureOpen(): void {
    if (closed) throw new StoreClosedError();
  }

  function append(streamName: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    ensureOpen();
    assertValidAppend(streamName, events);
    const stream = streams.get(streamName);
    const actual = stream ? stream.entries.length - 1 : -1;
    if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(streamName, expected, actual);
    for (const e of events) if (ids.has(e.id)) throw new Error(`Event id ${e.id} already exists`);

    // Chain everything first (this can throw on non-JSON data), then commit in one step.
    let prevHash = stream?.lastHash ?? '';
    const recorded = events.map((e, i) => {
      const chained = chainEvent(streamName, actual + 1 + i, prevHash, e);
      prevHash = chained.metadata.hash;
      return toRecorded(chained, log.length + 1 + i);
    });
    if (recorded.length === 0) {
      return { nextExpectedRevision: actual, position: stream ? log[stream.entries.at(-1)!]!.position : log.length, events: [] };
    }
    const state = stream ?? { entries: [], lastHash: '' };
    for (const e of recorded) {
      state.entries.push(log.length);
      log.push(e);
      ids.add(e.id);
    }
    state.lastHash = prevHash;
    streams.set(streamName, state);
    for (const s of subscriptions) s.notify();
    const last = recorded[recorded.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position, events: recorded.map(copy) };
  }

  function readStream(streamName: string, options: ReadStreamOptions): RecordedEvent[] {
    ensureOpen();
    const stream = streams.get(streamName);
    const limit = limitOf(options.maxCount);
    if (!stream) return [];
    const last = stream.entries.length - 1;
    const out: RecordedEvent[] = [];
    if ((options.direction ?? 'forwards') === 'forwards') {
      for (let r = Math.max(0, options.fromRevision ?? 0); r <= last && out.length < limit; r++) {
        out.push(copy(log[stream.entries[r]!]!));
      }
    } else {
      for (let r = Math.min(options.fromRevision ?? last, last); r >= 0 && out.length < limit; r--) {
        out.push(copy(log[stream.entries[r]!]!));
      }
    }
    return out;
  }

  function readAll(options: ReadAllOptions): RecordedEvent[] {
    ensureOpen();
    const limit = limitOf(options.maxCount);
    const types = options.eventTypes && options.eventTypes.length > 0 ? new Set(options.eventTypes) : undefined;
    const out: RecordedEvent[] = [];
    if ((options.direction ?? 'forwards') === 'forwards') {
      // Position p sits at index p - 1, so "after p" starts at index p.
      for (let i = Math.max(0, Math.floor(options.fromPosition ?? 0)); i < log.length && out.length < limit; i++) {
        const e = log[i]!;
        if (!types || types.has(e.type)) out.push(copy(e));
      }
    } else {
      const before = options.fromPosition ?? log.length + 1;
      for (let i = Math.min(log.length, Math.ceil(before) - 1) - 1; i >= 0 && out.length < limit; i--) {
        const e = log[i]!;
        if (!types || types.has(e.type)) out.push(copy(e));
      }
    }
    return out;
  }

  return {
    // Filtered subscriptions report a checkpoint after every skipped run (local-subscription.ts).
    skippedEventCheckpoints: 'every-run',
    async appendToStream(streamName, events, options = {}) {
      return append(streamName, events, options.expectedRevision ?? 'any');
    },
    async readStream(streamName, options = {}) {
      return readStream(streamName, options);
    },
    async readAll(options = {}) {
      return readAll(options);
    },
    subscribeToAll(options: SubscribeOptions, handler: SubscriptionHandler): Subscription {
      ensureOpen();
      const subscription = new LocalSubscription(localLog, options, handler, (s) => subscriptions.delete(s));
      subscriptions.add(subscription);
      return subscription;
    },
    async headPosition() {
      ensureOpen();
      return log.length;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of subscriptions) s.halt();
      subscriptions.clear();
    },
  };
}
