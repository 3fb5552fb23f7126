import type { Database } from 'better-sqlite3';

/**
 * Tables of dropped or replaced collections, taken apart a step at a time instead of dropped in
 * the call. SQLite's DROP TABLE visits every page of the table and of its indexes to free it, in
 * one synchronous call: swapping a rebuilt notifications read model of a million documents in
 * held the main thread for 22 s on the bench data, with every request waiting.
 *
 * So the swap (or drop) only moves the table from the catalogue to `_rs_retired`, in its own
 * transaction, and the reaper takes it apart in steps, each a transaction of its own run when
 * the store has no transaction open, each followed by a pause of at least twice its length (at
 * most a third of the thread): first the indexes, one per step (one of a million entries took
 * 0.5 s with its pages cached and 2.2 s without: the longest step, and what is left of the
 * stall), then the rows, 2,000 per step in rowid order (about 7 ms once the indexes are gone),
 * then the empty tables. Deleting rows before their indexes would bound every step lower, but a
 * row then cost 150–550 µs for its index entries, minutes of the thread for a million rows.
 * The list is in the file, so a restart resumes the work; a retired table is never read again.
 */

const RETIRED = '_rs_retired';

export function createRetiredList(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${RETIRED} (tbl TEXT PRIMARY KEY)`);
}

/** Moves a collection's tables to the retired list (in the caller's transaction). */
export function retireTable(db: Database, table: string): void {
  db.prepare(`INSERT OR IGNORE INTO ${RETIRED} (tbl) VALUES (?)`).run(table);
}

export interface TableReaperOptions {
  /** Rows deleted per step once the indexes are gone (default 2,000). */
  chunkRows?: number;
  /** Least wait between steps, in ms (default 2). */
  delayMs?: number;
}

export class TableReaper {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly chunkRows: number;
  private readonly delayMs: number;
  private lastStepMs = 0;
  /** Why background steps stopped, if a step failed. */
  failed: unknown = null;

  constructor(
    private readonly db: Database,
    /** Whether a step may run now (no transaction open on the connection). */
    private readonly idle: () => boolean,
    options: TableReaperOptions = {},
  ) {
    this.chunkRows = options.chunkRows ?? 2000;
    this.delayMs = options.delayMs ?? 2;
  }

  /** The tables waiting to be emptied and dropped. */
  pending(): string[] {
    return (this.db.prepare(`SELECT tbl FROM ${RETIRED} ORDER BY tbl`).all() as Array<{ tbl: string }>).map((r) => r.tbl);
  }

  /** Starts (or keeps) stepping in the background while tables are waiting. */
  schedule(): void {
    if (this.closed || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      if (!this.idle()) {
        this.schedule();
        return;
      }
      let more: boolean;
      try {
        more = this.step();
      } catch (error) {
        // Not worth failing the process for: the tables stay listed, and the next start goes on.
        this.failed = error;
        return;
      }
      if (more) this.schedule();
    }, Math.max(this.delayMs, 2 * this.lastStepMs));
    this.timer.unref();
  }

  /** One bounded step in a transaction of its own; false when nothing is left to do. */
  step(): boolean {
    const [table] = this.pending();
    if (table === undefined) return false;
    const started = performance.now();
    this.db.transaction(() => this.stepOn(table))();
    this.lastStepMs = performance.now() - started;
    return true;
  }

  /** Every step now, in a row (tests; a store being closed does not wait for it). */
  drain(): void {
    while (this.step()) {
      // each step is its own transaction
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private exists(name: string): boolean {
    return this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
  }

  private stepOn(table: string): void {
    const side = `${table}_m`;
    // Declared indexes and the _id and rid ones (not the side table's primary key: it is the table).
    const index = this.db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?, ?) AND sql IS NOT NULL LIMIT 1`)
      .get(table, side) as { name: string } | undefined;
    if (index !== undefined) {
      this.db.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
      return;
    }
    if (this.exists(table)) {
      const deleted = this.db.prepare(`DELETE FROM ${table} WHERE rid IN (SELECT rid FROM ${table} ORDER BY rid LIMIT ?)`).run(this.chunkRows).changes;
      if (deleted > 0) return;
    }
    if (this.exists(side)) {
      // By its primary key, the only index it has left.
      const deleted = this.db.prepare(`DELETE FROM ${side} WHERE (f, k, rid) IN (SELECT f, k, rid FROM ${side} LIMIT ?)`).run(this.chunkRows).changes;
      if (deleted > 0) return;
    }
    this.db.exec(`DROP TABLE IF EXISTS ${table}`);
    this.db.exec(`DROP TABLE IF EXISTS ${side}`);
    this.db.prepare(`DELETE FROM ${RETIRED} WHERE tbl = ?`).run(table);
  }
}
