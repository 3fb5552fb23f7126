import type { Worker } from 'node:worker_threads';
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
import { CommittedEvents, type CommittedCacheLimits } from './sqlite-committed-cache';
import type { GroupCommitStats } from './sqlite-group-commit';
import { openEventDatabase } from './sqlite-schema';
import { NO_LIMIT, prepareStatements, rowToEvent, type EventRow } from './sqlite-statements';
import { SqliteStreamReader, type StreamRead } from './sqlite-stream-reader';
import { SqliteWriterThread } from './sqlite-writer-thread';

export { WriterThreadError } from './sqlite-writer-thread';

/**
 * The embedded event store: one SQLite file (better-sqlite3, WAL, synchronous=FULL), written
 * by a worker thread so that COMMIT and its fsync never block the main thread's event loop.
 *
 * - Writes: the writer thread (sqlite-writer-thread.ts / sqlite-writer-worker.ts) owns the
 *   write connection and runs group commits (sqlite-group-commit.ts). An append's promise
 *   resolves only after the transaction holding it committed.
 * - Reads: readAll, headPosition and the subscriptions use a second connection on this thread.
 *   A readStream that memory cannot answer runs on the stream reader thread
 *   (sqlite-stream-reader.ts), so that a read waiting for the disk does not hold up the event
 *   loop; if that thread fails, on this thread's connection. Each read is one statement, hence
 *   one WAL snapshot, and a snapshot taken after a COMMIT returned contains it: a read issued
 *   once an append resolved sees that append.
 *   Since this thread never writes, a read never sees half a commit, and since there is one
 *   writer, positions become visible in order (no gap is filled later).
 * - Subscriptions are woken when the writer reports a commit; they read the log by position.
 *
 * The file is created and migrated on this thread when the store opens, so a file this build
 * cannot use fails the open itself. One process owns the file.
 */

export interface SqliteEventStoreOptions {
  /** Path of the database file (created if missing). */
  filename: string;
  /** How many committed events are kept in memory for the reads that follow (sqlite-committed-cache.ts). */
  committedCache?: CommittedCacheLimits;
  /** Where stream reads from the file run: a reader thread of their own (the default), another
   * reader (tests), or false: on this thread's connection. */
  streamReader?: StreamRowReader | false;
}

/** Reads a stream's rows from the file (sqlite-stream-reader.ts is the one the store starts). */
export interface StreamRowReader {
  read(read: StreamRead): Promise<EventRow[]>;
  /** Set once the reader cannot read any more: the store then reads on its own connection. */
  readonly failed: Error | undefined;
  close(): Promise<void>;
}

export interface SqliteEventStoreStats extends GroupCommitStats {
  headPosition: number;
  /** Reads (subscription pages, cached stream reads) answered from memory, and from the file;
   * `reader`: those of the file answered by the stream reader. */
  reads: { memory: number; file: number; reader: number };
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

/** A read of a whole stream held in memory (rows[i] has revision i). */
function sliceStream<T>(rows: readonly T[], forwards: boolean, from: number, limit: number): T[] {
  const count = limit === NO_LIMIT ? rows.length : limit;
  if (forwards) return rows.slice(from, from + count);
  const end = Math.min(from, rows.length - 1) + 1;
  if (end <= 0) return [];
  return rows.slice(Math.max(0, end - count), end).reverse();
}

const writerThreads = new WeakMap<SqliteEventStore, SqliteWriterThread>();
const readerThreads = new WeakMap<SqliteEventStore, SqliteStreamReader>();

/** The stream reader thread of a store opened by openSqliteEventStore, if it has one (tests). */
export function streamReaderThreadOf(store: SqliteEventStore): Worker | undefined {
  return readerThreads.get(store)?.thread;
}

/** The writer thread of a store opened by openSqliteEventStore (tests use it to make the thread fail). */
export function writerThreadOf(store: SqliteEventStore): Worker | undefined {
  return writerThreads.get(store)?.thread;
}

export function openSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  // Creates and migrates the file, then serves reads only.
  const db = openEventDatabase(options.filename);
  db.pragma('query_only = ON');
  const s = prepareStatements(db);
  const subscriptions = new Set<LocalSubscription>();
  let closed = false;
  let closing: Promise<void> | undefined;
  let headAtClose = 0;
  const committed = new CommittedEvents(s.headPosition.get()!, options.committedCache);
  const reads = { memory: 0, file: 0, reader: 0 };
  // A subscription passes the same list of types on every read: its set is made once.
  const typeSets = new WeakMap<readonly string[], ReadonlySet<string>>();
  const typeSet = (types: readonly string[]): ReadonlySet<string> => {
    let set = typeSets.get(types);
    if (set === undefined) {
      set = new Set(types);
      typeSets.set(types, set);
    }
    return set;
  };

  const wholeReadsAway = new Map<string, Array<{ stale: boolean }>>();
  let writer: SqliteWriterThread;
  try {
    writer = new SqliteWriterThread({
      filename: options.filename,
      onCommitted: (appends) => {
        committed.committed(appends);
        // A whole stream read on the reader thread is held only if no commit to it came in meanwhile.
        for (const append of appends) {
          const away = append.events.length > 0 ? wholeReadsAway.get(append.events[0]!.streamName) : undefined;
          if (away) for (const read of away) read.stale = true;
        }
        for (const sub of subscriptions) sub.notify();
      },
      // The live subscriptions read the log again, find it failed and report it through onError.
      onFailed: () => {
        for (const sub of subscriptions) sub.notify();
      },
    });
  } catch (error) {
    db.close();
    throw error;
  }

  // The reader thread starts at the first read memory cannot answer: a start, and a store only
  // written to, pay nothing for it.
  let reader: StreamRowReader | undefined = options.streamReader || undefined;
  let startsReader = options.streamReader === undefined && options.filename !== ':memory:';
  const streamReader = (): StreamRowReader | undefined => {
    if (reader === undefined && startsReader && !closed) {
      try {
        const thread = new SqliteStreamReader(options.filename);
        readerThreads.set(store, thread);
        reader = thread;
      } catch {
        // Could not start a thread: reads stay on this thread's connection.
        startsReader = false;
      }
    }
    return reader;
  };

  const readRows = async (read: StreamRead): Promise<EventRow[]> => {
    const reader = streamReader();
    if (reader !== undefined && !reader.failed) {
      try {
        const rows = await reader.read(read);
        reads.reader++;
        return rows;
      } catch (error) {
        if (!reader.failed) throw error;
      }
    }
    ensureUsable();
    return read.forwards ? s.streamForwards.all(read.stream, read.from, read.limit) : s.streamBackwards.all(read.stream, read.from, read.limit);
  };

  /** A whole stream from the file, held for the cached reads that follow unless a commit to it came in meanwhile. */
  const readWhole = async (streamName: string): Promise<EventRow[]> => {
    const read = { stale: false };
    let away = wholeReadsAway.get(streamName);
    if (away === undefined) wholeReadsAway.set(streamName, (away = []));
    away.push(read);
    try {
      const whole = await readRows({ stream: streamName, from: 0, limit: NO_LIMIT, forwards: true });
      if (!read.stale && !closed) committed.remember(streamName, whole);
      return whole;
    } finally {
      away.splice(away.indexOf(read), 1);
      if (away.length === 0) wholeReadsAway.delete(streamName);
    }
  };

  const ensureWritable = (): void => {
    if (writer.failed) throw writer.failed;
  };
  const ensureUsable = (): void => {
    if (closed) throw new StoreClosedError();
    ensureWritable();
  };

  // Subscriptions are halted when the store closes, before the connection does.
  const localLog: LocalLog = {
    readRange(after, upTo, maxCount, eventTypes) {
      ensureWritable();
      const held = committed.range(after, upTo, maxCount, eventTypes ? typeSet(eventTypes) : undefined);
      if (held !== undefined) {
        reads.memory++;
        return held.map(rowToEvent);
      }
      reads.file++;
      const types = typeFilter(eventTypes);
      const rows = types ? s.rangeTyped.all(after, upTo, types, maxCount) : s.range.all(after, upTo, maxCount);
      return rows.map(rowToEvent);
    },
    // What the subscriptions have been told of: every commit is reported before they are woken.
    headPosition() {
      ensureWritable();
      return committed.head ?? s.headPosition.get()!;
    },
  };

  async function readStream(streamName: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    ensureUsable();
    const limit = limitOf(options.maxCount);
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    const from = forwards ? Math.max(0, options.fromRevision ?? 0) : (options.fromRevision ?? Number.MAX_SAFE_INTEGER);
    const held = options.cached ? committed.stream(streamName) : undefined;
    if (held !== undefined) {
      reads.memory++;
      return sliceStream(held, forwards, from, limit).map(rowToEvent);
    }
    // A command holding the stream's state asks for what follows it: nothing, when this process wrote last.
    const head = options.cached && forwards ? committed.headOf(streamName) : undefined;
    if (head !== undefined && from > head) {
      reads.memory++;
      return [];
    }
    reads.file++;
    if (options.cached && forwards && from === 0) {
      // Read whole, so that it can be held (a history read asks for the revisions its read model shows).
      const whole = await readWhole(streamName);
      return sliceStream(whole, true, 0, limit).map(rowToEvent);
    }
    const rows = await readRows({ stream: streamName, from, limit, forwards });
    return rows.map(rowToEvent);
  }

  function readAll(options: ReadAllOptions): RecordedEvent[] {
    ensureUsable();
    const limit = limitOf(options.maxCount);
    const types = typeFilter(options.eventTypes);
    if ((options.direction ?? 'forwards') === 'forwards') {
      const after = options.fromPosition ?? 0;
      return (types ? s.allForwardsTyped.all(after, types, limit) : s.allForwards.all(after, limit)).map(rowToEvent);
    }
    const before = options.fromPosition ?? Number.MAX_SAFE_INTEGER;
    return (types ? s.allBackwardsTyped.all(before, types, limit) : s.allBackwards.all(before, limit)).map(rowToEvent);
  }

  const store: SqliteEventStore = {
    // Filtered subscriptions report a checkpoint after every skipped run (local-subscription.ts).
    skippedEventCheckpoints: 'every-run',
    async appendToStream(streamName, events, appendOptions = {}) {
      ensureUsable();
      assertValidAppend(streamName, events);
      return writer.append(streamName, events, appendOptions.expectedRevision ?? 'any');
    },
    async readStream(streamName, readOptions = {}) {
      return readStream(streamName, readOptions);
    },
    async readAll(readOptions = {}) {
      return readAll(readOptions);
    },
    subscribeToAll(subscribeOptions: SubscribeOptions, handler: SubscriptionHandler): Subscription {
      ensureUsable();
      const subscription = new LocalSubscription(localLog, subscribeOptions, handler, (sub) => subscriptions.delete(sub));
      subscriptions.add(subscription);
      return subscription;
    },
    async headPosition() {
      ensureUsable();
      return localLog.headPosition();
    },
    stats() {
      return { ...writer.stats(), headPosition: closed ? headAtClose : s.headPosition.get()!, reads: { ...reads } };
    },
    close() {
      closing ??= (async () => {
        closed = true;
        for (const sub of subscriptions) sub.halt();
        subscriptions.clear();
        // Appends already accepted are committed (and settle) before close resolves.
        try {
          await Promise.all([writer.close(), reader?.close()]);
        } finally {
          headAtClose = s.headPosition.get()!;
          db.close();
        }
      })();
      return closing;
    },
  };
  writerThreads.set(store, writer);
  return store;
}
