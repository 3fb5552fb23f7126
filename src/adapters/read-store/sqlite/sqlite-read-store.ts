/**
 * The embedded read store: read models in an SQLite file of their own (better-sqlite3), beside
 * the event log but separate from it, with the MongoDB query and update semantics of the port
 * (src/ports/read-store.ts). See README.md in this folder for the design and its reasons.
 *
 * - Documents are JSON text in a table per collection; declared indexes are SQLite indexes on
 *   key columns extracted from the documents (schema.ts); a filter becomes SQL over them, and
 *   what SQL cannot settle is checked in code on the candidates (translate.ts).
 * - `transaction(fn)` runs a batch of projector work as one SQLite transaction, with a unit of
 *   work that parses and serialises each document once per batch (unit-of-work.ts). A
 *   projector's checkpoint is written in the same transaction as its documents, so after a crash
 *   the read models are exactly as of their checkpoints, and a start resumes from there.
 * - `synchronous=NORMAL` in WAL mode: a commit is durable once the WAL is synced at the next
 *   checkpoint; a power loss may lose the last commits, never corrupt the file. That is enough
 *   here because every read model can be rebuilt from the event log, which itself runs with
 *   `synchronous=FULL`: what a power loss takes from the read store is re-applied from the log
 *   after the restart (the checkpoints went back with the documents). Catch-ups and rebuilds
 *   commit in bulk mode, without syncs, under a durable record that lets a start after a power
 *   loss rebuild instead of trusting the file (bulk-mode.ts).
 * - Counts, and the rows of a page, are cached per collection and filter until the next write
 *   to the collection (versioned-cache.ts), so a broad filter's total costs one count after
 *   each write, not one per request, and a page asked again costs no query.
 */
import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Doc, ReadMark, ReadStore } from '../../../ports/read-store';
import { createAggregationEngine, type AggregationEngine } from '../document/aggregate';
import { createIdGenerator, type IdGenerator } from '../document/ids';
import type { PlainObject } from '../document/values';
import { decodeDoc } from './codec';
import { bootId, bulkBootOf, BulkMode, createMeta, formatOf, setFormat } from './bulk-mode';
import { BackgroundCheckpointer, type CheckpointResult } from './checkpointer';
import { VersionedCache } from './versioned-cache';
import { DocCache } from './doc-cache';
import { ROW, Rows, type StoredRow } from './rows';
import { createRetiredList, TableReaper, type TableReaperOptions } from './retired-tables';
import { CATALOGUE, CollectionSchema, createCatalogue, FORMAT, loadSchemas, sqlIndexNames } from './schema';
import { SqliteCollection } from './sqlite-collection';
import { UnitOfWork } from './unit-of-work';

/** A collection a watched read used: its rows then (none if it did not exist) and their data version. */
interface Noted {
  rows: Rows | undefined;
  version: number;
}

export interface SqliteReadStoreOptions {
  /** The database file (created with its directory), or ':memory:'. */
  filename: string;
  /** Page cache in MiB (default 64). */
  cacheMb?: number;
  /** Parsed documents kept for reads, as MiB of the JSON they were parsed from (default 32; 0: none). */
  docCacheMb?: number;
  newId?: IdGenerator;
  /**
   * WAL checkpoints on a thread of their own, every `intervalMs` (checkpointer.ts), instead of
   * inside the main thread's commits; what the server uses. Off by default (tests, the CLI).
   */
  backgroundCheckpoints?: { intervalMs?: number; onCheckpoint?: (result: CheckpointResult) => void };
  /**
   * The WAL file is cut back to this size when SQLite starts it again (`journal_size_limit`),
   * and, with background checkpoints, truncated when it is larger once quiet (checkpointer.ts).
   * Without it the file stays as large as the longest burst of writes made it. Default 64 MiB.
   */
  walSizeLimitBytes?: number;
  /** How the tables of dropped and replaced collections are emptied (retired-tables.ts). */
  retiredTables?: TableReaperOptions;
  /**
   * On a file with no read models yet (a first start, or one after the file was discarded), the
   * non-unique indexes declared are created when the first catch-up is over (`caughtUp`), each
   * in one pass over its table, instead of being kept up to date through every insert of the
   * build; a query that could use them creates its collection's at once (default true).
   */
  deferIndexes?: boolean;
}

const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** SQLite's own automatic checkpoint, in WAL pages (its default). */
const AUTO_CHECKPOINT_PAGES = 1000;

export interface SqliteReadStore extends ReadStore {
  collection<T extends Doc = Doc>(name: string): SqliteCollection<T>;
  transaction<R>(fn: () => Promise<R>, options?: { bulk?: boolean }): Promise<R>;
  watchReads<R>(read: () => Promise<R>): Promise<{ value: R; mark: ReadMark }>;
  unchanged(mark: ReadMark): boolean;
  /** Set when the file found at open was left in bulk mode by an earlier boot of the machine and
   * was replaced by an empty one (bulk-mode.ts): the read models are rebuilt from the log. */
  readonly discarded: string | null;
  /** Lets SQLite gather statistics for its query planner (ANALYZE where it is worth it). */
  optimize(): void;
  /** A WAL checkpoint on the checkpointer thread now; null without background checkpoints. */
  checkpointNow(): Promise<CheckpointResult | null>;
  /** The tables of dropped and replaced collections still being emptied, a step at a time. */
  readonly retired: Pick<TableReaper, 'pending' | 'step' | 'drain'>;
  /** The first catch-up is over: no more indexes are deferred, and the deferred ones are created,
   * one at a time between transactions; resolves when they all are. */
  caughtUp(): Promise<void>;
  /** Whether indexes declared now are deferred (a new file, before its first catch-up). */
  readonly defersIndexes: boolean;
}

/** A row of a page: its rowid and the version of its document. */
export interface PageHead {
  rid: number;
  v: number;
}

/** What collection handles share. */
export interface StoreInternals {
  readonly db: Database.Database;
  readonly counts: VersionedCache<number>;
  /** The rows (id, version) of pages by filter, sort, skip and limit. */
  readonly pages: VersionedCache<readonly PageHead[]>;
  readonly docs: DocCache;
  readonly engine: AggregationEngine;
  readonly newId: IdGenerator;
  /** The open transaction's unit of work, if any. */
  readonly uow: UnitOfWork | null;
  rowsFor(name: string): Rows | undefined;
  rowsForWrite(name: string): Rows;
  /** Runs a write: inside the open transaction, or as a transaction of its own. */
  write<R>(fn: () => R): R;
  /** Runs a change of layout all or nothing (a savepoint inside an open transaction); on
   * failure the layouts are read again from the catalogue. */
  atomically<R>(fn: () => R): R;
  /** Whether non-unique indexes declared now are deferred (SqliteReadStoreOptions.deferIndexes). */
  readonly defersIndexes: boolean;
  /** Before a query that may use the collection's indexes: its deferred ones are created. */
  indexed(rows: Rows): void;
}

const NAME = /^[^$\0]+$/;

function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`Invalid collection name: ${String(name)}`);
}

function connect(filename: string, cacheMb: number, walSizeLimitBytes: number): Database.Database {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`journal_size_limit = ${walSizeLimitBytes}`);
  db.pragma(`cache_size = ${-1024 * cacheMb}`);
  db.pragma('temp_store = MEMORY');
  createCatalogue(db);
  createMeta(db);
  createRetiredList(db);
  return db;
}

/** Why a file cannot be used as it is (then it is replaced by an empty one), or null. */
function unusable(db: Database.Database): string | null {
  const leftBy = bulkBootOf(db);
  if (leftBy !== null && leftBy !== bootId()) {
    return `the read models were being written in bulk mode when the machine went down (boot ${leftBy}); they are rebuilt from the event log`;
  }
  const format = formatOf(db);
  const hasCollections = (db.prepare(`SELECT count(*) AS n FROM ${CATALOGUE}`).get() as { n: number }).n > 0;
  if (hasCollections && format !== FORMAT) {
    return `the read models were written in layout ${format ?? '1'}, this version reads layout ${FORMAT}; they are rebuilt from the event log`;
  }
  return null;
}

export function openSqliteReadStore(options: SqliteReadStoreOptions): SqliteReadStore {
  if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true });
  const cacheMb = options.cacheMb ?? 64;
  const walSizeLimitBytes = options.walSizeLimitBytes ?? WAL_SIZE_LIMIT_BYTES;
  let db = connect(options.filename, cacheMb, walSizeLimitBytes);
  const discarded = options.filename === ':memory:' ? null : unusable(db);
  if (discarded !== null) {
    // Not trusted or not readable: the read models are rebuilt from the log into a new file.
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${options.filename}${suffix}`, { force: true });
    db = connect(options.filename, cacheMb, walSizeLimitBytes);
  }
  setFormat(db, FORMAT);
  const isNew = (db.prepare(`SELECT count(*) AS n FROM ${CATALOGUE}`).get() as { n: number }).n === 0;
  let defersIndexes = options.deferIndexes !== false && isNew;

  const docs = new DocCache((options.docCacheMb ?? 32) * 1024 * 1024);
  const rowsByName = new Map<string, Rows>();
  // The catalogue and the file are the truth (at open, and after a rollback, which may have undone
  // the creation of a deferred index): what is declared and not in the file is deferred.
  // At open, element tables an older build (which does not write them) left stale are dropped
  // first, to be built again (schema.ts, dropStaleElementTables).
  const loadAll = (atOpen = false) => {
    rowsByName.clear();
    const existing = sqlIndexNames(db);
    for (const schema of loadSchemas(db)) {
      if (atOpen) schema.dropStaleElementTables(existing);
      schema.noteMissingIndexes(existing);
      rowsByName.set(schema.name, new Rows(db, schema, docs));
    }
  };
  // Declared indexes the file lacks (a build that stopped before its deferred indexes were
  // created, or indexes of a layout added since the file was written: the element tables) stay
  // deferred: created when the start's catch-up is over (caughtUp), one at a time, or before a
  // query that could use them. Not here: an upgrade would make every start wait for them
  // before listening (the element tables of 100,000 devices' search keys took about 9 s each),
  // and an index the projectors retire at start would be built for nothing.
  loadAll(true);

  let closed = false;
  let uow: UnitOfWork | null = null;
  let depth = 0;
  // With a checkpointer thread, the main connection checkpoints only in bulk mode.
  let checkpointer: BackgroundCheckpointer | null = null;
  const autoCheckpoints = (on: boolean) => db.pragma(`wal_autocheckpoint = ${on || checkpointer === null ? AUTO_CHECKPOINT_PAGES : 0}`);
  const bulk = new BulkMode(db, () => depth === 0 && !db.inTransaction, undefined, autoCheckpoints);
  if (options.backgroundCheckpoints && options.filename !== ':memory:') {
    const { intervalMs = 1000, onCheckpoint } = options.backgroundCheckpoints;
    checkpointer = new BackgroundCheckpointer(options.filename, {
      intervalMs,
      walSizeLimitBytes,
      onCheckpoint,
      paused: () => bulk.active,
      onFailed: () => {
        checkpointer = null;
        if (!closed) autoCheckpoints(true);
      },
    });
    // A bulk-mode FULL checkpoint waits for one the thread is running instead of giving up.
    db.pragma('busy_timeout = 5000');
    autoCheckpoints(bulk.active);
  }
  const reaper = new TableReaper(db, () => depth === 0 && !db.inTransaction, options.retiredTables);
  // Left by an earlier run: carry on.
  reaper.schedule();
  let failed: unknown = null;
  let settled: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | null = null;
  const counts = new VersionedCache<number>(2_000);
  const pages = new VersionedCache<readonly PageHead[]>(256);
  const handles = new Map<string, SqliteCollection<Doc>>();
  // watchReads: the reads under way note each collection they read, as it stood then.
  const watching = new Set<Map<string, Noted>>();
  const noteRead = (name: string): void => {
    for (const noted of watching) {
      if (noted.has(name)) continue;
      const rows = rowsByName.get(name);
      noted.set(name, { rows, version: rows?.schema.dataVersion ?? 0 });
    }
  };

  const open = (): void => {
    if (closed) throw new Error('The read store is closed');
  };

  const internals: StoreInternals = {
    db,
    counts,
    pages,
    docs,
    newId: options.newId ?? createIdGenerator(),
    engine: createAggregationEngine((name) => {
      if (watching.size > 0) noteRead(name);
      const rows = rowsByName.get(name);
      if (rows === undefined) return [];
      uow?.flush(rows);
      return (rows.statement(`SELECT ${ROW} FROM {t}`).all() as StoredRow[]).map((r) => decodeDoc(r.doc, r.dates) as PlainObject);
    }),
    get uow() {
      return uow;
    },
    rowsFor(name) {
      open();
      if (watching.size > 0) noteRead(name);
      return rowsByName.get(name);
    },
    rowsForWrite(name) {
      open();
      let rows = rowsByName.get(name);
      if (rows === undefined) {
        checkName(name);
        rows = new Rows(db, internals.write(() => CollectionSchema.create(db, name)), docs);
        rowsByName.set(name, rows);
      }
      return rows;
    },
    write(fn) {
      open();
      if (db.inTransaction) return fn();
      return db.transaction(fn)();
    },
    get defersIndexes() {
      return defersIndexes;
    },
    indexed(rows) {
      if (rows.schema.deferred.length === 0) return;
      internals.atomically(() => rows.schema.createDeferredIndexes());
    },
    atomically(fn) {
      open();
      // Held writes go first: the layouts they were made for may change.
      uow?.flushAll();
      try {
        return db.transaction(fn)();
      } catch (err) {
        loadAll();
        counts.clear();
        pages.clear();
        throw err;
      }
    },
  };

  /** After a rollback the catalogue on disk is the truth again. */
  const afterRollback = () => {
    uow?.clear();
    loadAll();
    counts.clear();
    pages.clear();
    docs.clear();
  };

  const finish = (): void => {
    const s = settled!;
    settled = null;
    const current = uow!;
    uow = null;
    if (failed !== null) {
      db.exec('ROLLBACK');
      afterRollback();
      const error = failed;
      failed = null;
      s.reject(error);
      return;
    }
    try {
      current.flushAll();
      db.exec('COMMIT');
      s.resolve();
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      afterRollback();
      s.reject(err);
    }
  };

  return {
    collection<T extends Doc = Doc>(name: string): SqliteCollection<T> {
      open();
      checkName(name);
      let h = handles.get(name);
      if (h === undefined) {
        h = new SqliteCollection<Doc>(internals, name);
        handles.set(name, h);
      }
      return h as unknown as SqliteCollection<T>;
    },

    /**
     * Runs `fn` as one transaction. Work that starts while one is open joins it (SQLite has one
     * writer per connection); the transaction commits when the last participant finishes, and
     * every participant's promise settles with that commit. If any participant fails, nothing
     * of the transaction is kept and every participant is rejected.
     */
    async transaction<R>(fn: () => Promise<R>, options: { bulk?: boolean } = {}): Promise<R> {
      open();
      if (depth === 0) {
        if (options.bulk) bulk.enter();
        db.exec('BEGIN');
        uow = new UnitOfWork();
        let resolve!: () => void;
        let reject!: (e: unknown) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        settled = { promise, resolve, reject };
      }
      depth++;
      const done = settled!.promise;
      let result: R;
      try {
        result = await fn();
      } catch (err) {
        failed ??= err;
        if (--depth === 0) finish();
        await done.catch(() => undefined);
        throw err;
      }
      if (--depth === 0) finish();
      await done;
      return result;
    },

    async checkpointNow() {
      open();
      return checkpointer ? checkpointer.checkpoint() : null;
    },

    optimize() {
      open();
      db.pragma('optimize');
    },

    async listCollections(): Promise<string[]> {
      open();
      return [...rowsByName.keys()].sort();
    },

    async dropCollection(name: string): Promise<void> {
      const rows = internals.rowsFor(name);
      if (rows === undefined) return;
      internals.write(() => rows.schema.retire());
      reaper.schedule();
      rowsByName.delete(name);
      counts.forget(rows.schema);
      pages.forget(rows.schema);
      docs.forgetTable(rows.schema.table);
      uow?.forget(rows);
    },

    async renameCollection(from: string, to: string): Promise<void> {
      open();
      checkName(to);
      if (from === to) throw new Error('Cannot rename a collection to itself');
      const source = rowsByName.get(from);
      if (source === undefined) throw new Error(`Source collection ${from} does not exist`);
      const target = rowsByName.get(to);
      uow?.flush(source);
      internals.write(() => {
        if (target) target.schema.retire();
        source.schema.rename(to);
      });
      if (target) {
        reaper.schedule();
        counts.forget(target.schema);
        pages.forget(target.schema);
        docs.forgetTable(target.schema.table);
        uow?.forget(target);
      }
      rowsByName.delete(from);
      rowsByName.set(to, source);
    },

    async watchReads<R>(read: () => Promise<R>): Promise<{ value: R; mark: ReadMark }> {
      const noted = new Map<string, Noted>();
      watching.add(noted);
      try {
        return { value: await read(), mark: noted as unknown as ReadMark };
      } finally {
        watching.delete(noted);
      }
    },

    // Rows are made anew when a collection is created, dropped, swapped in or rolled back
    // (loadAll), and every write moves its collection's data version on.
    unchanged(mark: ReadMark): boolean {
      if (closed) return false;
      for (const [name, { rows, version }] of mark as unknown as Map<string, Noted>) {
        if (rowsByName.get(name) !== rows || (rows !== undefined && rows.schema.dataVersion !== version)) return false;
      }
      return true;
    },

    async close(): Promise<void> {
      if (closed) return;
      if (depth > 0) await settled?.promise.catch(() => undefined);
      closed = true;
      reaper.close();
      await checkpointer?.close();
      try {
        bulk.leave();
        bulk.disarm();
        db.pragma('optimize');
      } finally {
        db.close();
      }
    },

    get discarded() {
      return discarded;
    },

    async caughtUp() {
      open();
      defersIndexes = false;
      // One index at a time, between transactions, with a turn of the event loop between two;
      // the collections are looked up again each time (a swap or a rollback may replace them).
      for (;;) {
        while (depth > 0) await settled?.promise.catch(() => undefined);
        if (closed) return;
        const rows = [...rowsByName.values()].find((r) => r.schema.deferred.length > 0);
        if (rows === undefined) return;
        internals.atomically(() => rows.schema.createDeferredIndexes(1));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },

    get defersIndexes() {
      return defersIndexes;
    },

    retired: reaper,
  };
}
