import Database from 'better-sqlite3';

/**
 * The SQLite event store's file: one database in WAL mode with `synchronous=FULL`, so a
 * transaction is on disk (WAL fsynced) when COMMIT returns.
 *
 * - `events`: the log. `position` is the INTEGER PRIMARY KEY AUTOINCREMENT, so positions
 *   strictly increase and are never reused; (stream, revision) and id are unique.
 * - `streams`: one row per stream with its last revision and the hash of its last event,
 *   updated in the same transaction as the events, so the next append's expected-revision
 *   check and hash chain need one primary-key lookup.
 *
 * There is deliberately no index on `type`: typed reads walk the primary key in position
 * order (what a paging reader needs) and each extra index costs every append.
 */

export const SCHEMA_VERSION = 1;

const SCHEMA_V1 = `
CREATE TABLE events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id       TEXT    NOT NULL,
  stream   TEXT    NOT NULL,
  revision INTEGER NOT NULL,
  type     TEXT    NOT NULL,
  data     TEXT    NOT NULL,
  metadata TEXT    NOT NULL
);
CREATE UNIQUE INDEX events_id ON events (id);
CREATE UNIQUE INDEX events_stream_revision ON events (stream, revision);
CREATE TABLE streams (
  name      TEXT    PRIMARY KEY,
  revision  INTEGER NOT NULL,
  last_hash TEXT    NOT NULL
) WITHOUT ROWID;
`;

/** Opens (creating if needed) the event store database at `filename`. */
export function openEventDatabase(filename: string): Database.Database {
  const db = new Database(filename);
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal' && filename !== ':memory:') throw new Error(`Could not switch ${filename} to WAL (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    // Checkpoint the WAL into the database every ~40 MB instead of SQLite's default ~4 MB: random
    // index pages (event ids, stream names) touched by many commits are then written back once,
    // which measured ~30% more durable appends per second with 64 writers (p99 ~16 ms instead of ~10 ms).
    // Durability is unchanged: every commit still fsyncs the WAL.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    // 64 MB page cache: the unique indexes' pages stay in memory as the log grows.
    db.pragma('cache_size = -65536');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database.Database): void {
  const readVersion = (): number => Number(db.pragma('user_version', { simple: true }));
  if (readVersion() === SCHEMA_VERSION) return;
  // Immediate transaction: a second process opening the same new file waits, then sees version 1.
  db.transaction(() => {
    const version = readVersion();
    if (version === SCHEMA_VERSION) return;
    if (version !== 0) throw new Error(`Unknown event store schema version ${version} (this build knows ${SCHEMA_VERSION})`);
    db.exec(SCHEMA_V1);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
