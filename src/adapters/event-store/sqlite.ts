import type {
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from '../../ports/event-store';
import { StoreClosedError, assertValidAppend } from './local-record';
import { LocalSubscription, type LocalLog } from './local-subscription';
import { GroupCommitter, type GroupCommitStats } from './sqlite-group-commit';
import { openEventDatabase } from './sqlite-schema';
import { NO_LIMIT, prepareStatements, rowToEvent } from './sqlite-statements';

/**
 * The embedded event store: one SQLite file (better-sqlite3, WAL, synchronous=FULL).
 *
 * Appends go through group commit (sqlite-group-commit.ts): an append's promise resolves
 * only after the transaction holding it committed. Reads run synchronously on the same
 * connection; since writes also run synchronously on it, a read never sees half a commit.
 * One process owns the file: subscriptions are woken by this store's own commits.
 */

export interface SqliteEventStoreOptions {
  /** Path of the database file (created if missing). */
  filename: string;
}

export interface SqliteEventStoreStats extends GroupCommitStats {
  headPosition: number;
}

export interface SqliteEventStore extends EventStore {
  /** Counters since open (appends, commits, batch sizes) and the head position. */
  stats(): SqliteEventStoreStats;
}

function limitOf(maxCount: number | undefined): number {
  if (maxCount === undefined) return NO_LIMIT;
  if (!Number.isInteger(maxCount) || maxCount < 0) throw new RangeError('maxCount must be a non-negative integer');
  return maxCount;
}

function typeFilter(eventTypes: readonly string[] | undefined): string | undefined {
  return eventTypes && eventTypes.length > 0 ? JSON.stringify(eventTypes) : undefined;
}

export function openSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  const db = openEventDatabase(options.filename);
  const s = prepareStatements(db);
  const subscriptions = new Set<LocalSubscription>();
  const committer = new GroupCommitter(db, s, () => {
    for (const sub of subscriptions) sub.notify();
  });
  let closed = false;
  let headAtClose = 0;

  const ensureOpen = (): void => {
    if (closed) throw new StoreClosedError();
  };

  const localLog: LocalLog = {
    readRange(after, upTo, maxCount, eventTypes) {
      const types = typeFilter(eventTypes);
      const rows = types ? s.rangeTyped.all(after, upTo, types, maxCount) : s.range.all(after, upTo, maxCount);
      return rows.map(rowToEvent);
    },
    headPosition: () => s.headPosition.get()!,
  };

  function readStream(streamName: string, options: ReadStreamOptions): RecordedEvent[] {
    ensureOpen();
    const limit = limitOf(options.maxCount);
    const rows =
      (options.direction ?? 'forwards') === 'forwards'
        ? s.streamForwards.all(streamName, Math.max(0, options.fromRevision ?? 0), limit)
        : s.streamBackwards.all(streamName, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit);
    return rows.map(rowToEvent);
  }

  function readAll(options: ReadAllOptions): RecordedEvent[] {
    ensureOpen();
    const limit = limitOf(options.maxCount);
    const types = typeFilter(options.eventTypes);
    if ((options.direction ?? 'forwards') === 'forwards') {
      const after = options.fromPosition ?? 0;
      return (types ? s.allForwardsTyped.all(after, types, limit) : s.allForwards.all(after, limit)).map(rowToEvent);
    }
    const before = options.fromPosition ?? Number.MAX_SAFE_INTEGER;
    return (types ? s.allBackwardsTyped.all(before, types, limit) : s.allBackwards.all(before, limit)).map(rowToEvent);
  }

  return {
    async appendToStream(streamName, events, appendOptions = {}) {
      ensureOpen();
      assertValidAppend(streamName, events);
      return committer.enqueue(streamName, events, appendOptions.expectedRevision ?? 'any');
    },
    async readStream(streamName, readOptions = {}) {
      return readStream(streamName, readOptions);
    },
    async readAll(readOptions = {}) {
      return readAll(readOptions);
    },
    subscribeToAll(subscribeOptions: SubscribeOptions, handler: SubscriptionHandler): Subscription {
      ensureOpen();
      const subscription = new LocalSubscription(localLog, subscribeOptions, handler, (sub) => subscriptions.delete(sub));
      subscriptions.add(subscription);
      return subscription;
    },
    async headPosition() {
      ensureOpen();
      return localLog.headPosition();
    },
    stats() {
      return { ...committer.stats(), headPosition: closed ? headAtClose : localLog.headPosition() };
    },
    async close() {
      if (closed) return;
      closed = true;
      // Appends already accepted are committed (and resolve) before the file closes.
      committer.drain();
      headAtClose = localLog.headPosition();
      for (const sub of subscriptions) sub.halt();
      subscriptions.clear();
      db.close();
    },
  };
}
