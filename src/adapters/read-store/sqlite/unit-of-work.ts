import type { PlainObject } from '../document/values';
import { decodeDoc } from './codec';
import type { DocKeys } from './keys';
import type { Rows } from './rows';

/**
 * The documents a transaction has read or written, by collection and `_id`, so a batch of events
 * that touches one document many times parses and serialises it once.
 *
 * In a collection without unique secondary indexes, writes are held here (write-back) and reach
 * the table when the transaction commits, or before any query of that collection that is not a
 * lookup by `_id` (flush). In a collection with unique indexes every write reaches the table at
 * once, so a duplicate key is reported by the call that caused it; the parsed document is still
 * kept. Nothing here outlives the transaction.
 */
export interface Entry {
  /** Row id in the table, or null while the document exists only here. */
  rid: number | null;
  /** The document as it is now, or null when it does not exist (never did, or deleted). */
  doc: PlainObject | null;
  /** Keys of the row as stored in the table (null when there is no row). */
  stored: DocKeys | null;
  dirty: boolean;
}

export class UnitOfWork {
  private readonly entries = new Map<Rows, Map<string, Entry>>();

  /** The entry for `_id` = id (a string id), read from the table the first time. */
  entry(rows: Rows, id: string): Entry {
    let byId = this.entries.get(rows);
    if (byId === undefined) {
      byId = new Map();
      this.entries.set(rows, byId);
    }
    let e = byId.get(id);
    if (e === undefined) {
      const row = rows.byId(id);
      if (row === undefined) e = { rid: null, doc: null, stored: null, dirty: false };
      else {
        const doc = decodeDoc(row.doc, row.dates);
        e = { rid: row.rid, doc, stored: rows.keysFor(doc), dirty: false };
      }
      byId.set(id, e);
    }
    return e;
  }

  /** Writes the entry to the table now. */
  write(rows: Rows, id: string, e: Entry): void {
    if (e.doc === null) {
      if (e.rid !== null) rows.delete(e.rid);
      e.rid = null;
      e.stored = null;
    } else {
      const keys = rows.keysFor(e.doc);
      if (e.rid === null) e.rid = rows.insert(id, e.doc, keys);
      else rows.update(e.rid, e.doc, keys, e.stored);
      e.stored = keys;
    }
    e.dirty = false;
  }

  /** Writes the held changes of one collection, and forgets its documents (a query that
   * follows may change rows behind them). */
  flush(rows: Rows): void {
    const byId = this.entries.get(rows);
    if (byId === undefined) return;
    for (const [id, e] of byId) if (e.dirty) this.write(rows, id, e);
    this.entries.delete(rows);
  }

  flushAll(): void {
    for (const rows of [...this.entries.keys()]) this.flush(rows);
  }

  /** Forgets what is held for one collection, unwritten (it is being dropped). */
  forget(rows: Rows): void {
    this.entries.delete(rows);
  }

  /** Forgets everything held (after a rollback). */
  clear(): void {
    this.entries.clear();
  }
}
