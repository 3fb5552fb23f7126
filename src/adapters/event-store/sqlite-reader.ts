import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { EventStore, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../../ports/event-store';
import { LocalSubscription, type LocalLog } from './local-subscription';
import { NO_LIMIT, prepareStatements, rowToEvent } from './sqlite-statements';

/**
 * The embedded event log opened for reading only (a read-only connection, `query_only`): what
 * the command line (src/cli/) uses to read, verify, export and replay `DATA_DIR/events.db`, also
 * while the server runs and appends to it (WAL: a reader sees the commits before its read and
 * never blocks the writer). Appending throws. Subscriptions catch up to the head and then wait:
 * nothing is appended through this connection to wake them.
 */
export class ReadOnlyEventStoreError extends Error {
  constructor() {
    super('This event log is opened read-only');
    this.name = 'ReadOnlyEventStoreError';
  }
}

export function openSqliteEventLogReader(filename: string): EventStore {
  if (!existsSync(filename)) throw new Error(`${filename}: no such event log`);
  const db = new Database(filename, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const s = prepareStatements(db);
  const subscriptions = new Set<LocalSubscription>();
  const limit = (maxCount: number | undefined) => (maxCount === undefined ? NO_LIMIT : maxCount);
  const types = (eventTypes: readonly string[] | undefined) => (eventTypes && eventTypes.length > 0 ? JSON.stringify(eventTypes) : undefined);
  const log: LocalLog = {
    readRange(after, upTo, maxCount, eventTypes) {
      const t = types(eventTypes);
      return (t ? s.rangeTyped.all(after, upTo, t, maxCount) : s.range.all(after, upTo, maxCount)).map(rowToEvent);
    },
    headPosition: () => s.headPosition.get()!,
  };
  return {
    skippedEventCheckpoints: 'every-run',
    async appendToStream() {
      throw new ReadOnlyEventStoreError();
    },
    async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      const rows =
        (options.direction ?? 'forwards') === 'forwards'
          ? s.streamForwards.all(streamName, Math.max(0, options.fromRevision ?? 0), limit(options.maxCount))
          : s.streamBackwards.all(streamName, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit(options.maxCount));
      return rows.map(rowToEvent);
    },
    async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
      const t = types(options.eventTypes);
      if ((options.direction ?? 'forwards') === 'forwards') {
        const after = options.fromPosition ?? 0;
        return (t ? s.allForwardsTyped.all(after, t, limit(options.maxCount)) : s.allForwards.all(after, limit(options.maxCount))).map(rowToEvent);
      }
      const before = options.fromPosition ?? Number.MAX_SAFE_INTEGER;
      return (t ? s.allBackwardsTyped.all(before, t, limit(options.maxCount)) : s.allBackwards.all(before, limit(options.maxCount))).map(rowToEvent);
    },
    subscribeToAll(options: SubscribeOptions, handler: SubscriptionHandler): Subscription {
      const subscription = new LocalSubscription(log, options, handler, (sub) => subscriptions.delete(sub));
      subscriptions.add(subscription);
      return subscription;
    },
    async headPosition() {
      return log.headPosition();
    },
    async close() {
      for (const sub of subscriptions) sub.halt();
      subscriptions.clear();
      db.close();
    },
  };
}
