import type Database from 'better-sqlite3';
import type { EventMetadata, JsonObject, RecordedEvent } from '../../ports/event-store';

/** The prepared statements of the SQLite event store, prepared once per connection. */

export interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

export interface StreamRow {
  revision: number;
  last_hash: string;
}

export function rowToEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    streamName: row.stream,
    type: row.type,
    revision: row.revision,
    position: row.position,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as EventMetadata,
  };
}

/** SQLite's "no limit". */
export const NO_LIMIT = -1;

const COLUMNS = 'position, id, stream, revision, type, data, metadata';
/** Bound as a JSON array of type names. */
const TYPE_FILTER = 'type IN (SELECT value FROM json_each(?))';

export function prepareStatements(db: Database.Database) {
  const select = <P extends unknown[]>(where: string, order: string) =>
    db.prepare<P, EventRow>(`SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY ${order} LIMIT ?`);
  return {
    streamState: db.prepare<[string], StreamRow>('SELECT revision, last_hash FROM streams WHERE name = ?'),
    insertEvent: db.prepare<[string, string, number, string, string, string]>(
      'INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    upsertStream: db.prepare<[string, number, string]>(
      `INSERT INTO streams (name, revision, last_hash) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash`,
    ),
    headPosition: db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck(),
    /** (stream, fromRevision, limit) */
    streamForwards: select<[string, number, number]>('stream = ? AND revision >= ?', 'revision'),
    /** (stream, fromRevision, limit) */
    streamBackwards: select<[string, number, number]>('stream = ? AND revision <= ?', 'revision DESC'),
    /** (after, limit) */
    allForwards: select<[number, number]>('position > ?', 'position'),
    /** (after, typesJson, limit) */
    allForwardsTyped: select<[number, string, number]>(`position > ? AND ${TYPE_FILTER}`, 'position'),
    /** (before, limit) */
    allBackwards: select<[number, number]>('position < ?', 'position DESC'),
    /** (before, typesJson, limit) */
    allBackwardsTyped: select<[number, string, number]>(`position < ? AND ${TYPE_FILTER}`, 'position DESC'),
    /** (after, upTo, limit) */
    range: select<[number, number, number]>('position > ? AND position <= ?', 'position'),
    /** (after, upTo, typesJson, limit) */
    rangeTyped: select<[number, number, string, number]>(`position > ? AND position <= ? AND ${TYPE_FILTER}`, 'position'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
