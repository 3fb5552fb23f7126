import type { Database } from 'better-sqlite3';
import { elementTablesOf, quoted } from './element-indexes';

/**
 * Tables of dropped or replaced collections, taken apart a step at a time instead of dropped in
 * the call. SQLite's DROP TABLE visits every page of the table and of its indexes to free it, in
 * one synchronous call: swapping a rebuilt notifications read model of a million documents in
 * held the main thread for 22 s on the bench data, with every request waiting.
 *
 * So the swap (or drop) only moves the table from the catalogue to `_rs_retired`, in its own
 * transaction, and the reaper takes it apart in steps, each a transaction of its own run when
 * the store has no transaction open: first the indexes, one per step (one of a million entries took
 * 0.5 s with its pages cached and 2.2 s without: the longest step, and what is left of the
 * stall), then the rows in rowid order, then the empty tables. Deleting rows before their
 * indexes would bound every step lower, but a row then cost 150–550 µs for its index entries,
 * minutes of the thread for a million rows.
 *
 * The rows per step adapt to a target step time (10 ms by default, at most 2,000 rows): a step
 * that took longer shrinks the next one in proportion, one that took under half of it doubles
 * the next. A fixed 2,000 rows took 34 ms at the median and 181 ms at the 99th percentile on the
 * tables of a 240,000-ticket rebuild, each time added to the requests waiting behind it.
 *
 * Each step is followed by a pause of at least twice its length (at most a third of the thread),
 * or eight times its length when the event loop was busy more than half of the time since the
 * last step (at most a ninth): under a create load the reaper had taken 29% of the main thread.
 * While the loop is that busy no index is dropped at all (the step nothing bounds; the load is
 * looked at again every quarter of a second); on a server that is never below half busy the
 * tables wait, listed, for a quieter moment or the next start.
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
  /** Most rows deleted per step once the indexes are gone (default 2,000). */
  chunkRows?: number;
  /** The step time the rows per step adapt to, in ms (default 10). */
  targetStepMs?: number;
  /** Least wait between steps, in ms (default 2). */
  delayMs?: number;
  /** Share of the time since the last call the thread was busy, 0 to 1 (default: the event
   * loop's utilisation, from perf_hooks). */
  busy?: () => number;
  /** Milliseconds, for the step times (default performance.now). */
  now?: () => number;
}

/** How long an index drop waits before the loop's load is looked at again. */
const DEFERRED_INDEX_DROP_MS = 250;

/** Fewest rows a step deletes, however slow the rows are. */
const MIN_ROWS = 50;

/** The event loop's utilisation since the previous call. */
function eventLoopBusy(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const share = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return share;
  };
}

export class TableReaper {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly chunkRows: number;
  private readonly targetStepMs: number;
  private readonly delayMs: number;
  private readonly busy: () => number;
  private readonly now: () => number;
  private lastStepMs = 0;
  /** Whether the event loop was busy more than half of the time before the last look. */
  private loopBusy = false;
  /** Rows the next row step deletes. */
  private rows: number;
  /** Why background steps stopped, if a step failed. */
  failed: unknown = null;

  constructor(
    private readonly db: Database,
    /** Whether a step may run now (no transaction open on the connection). */
    private readonly idle: () => boolean,
    options: TableReaperOptions = {},
  ) {
    this.chunkRows = options.chunkRows ?? 2000;
    this.targetStepMs = options.targetStepMs ?? 10;
    this.delayMs = options.delayMs ?? 2;
    this.busy = options.busy ?? eventLoopBusy();
    this.now = options.now ?? (() => performance.now());
    this.rows = this.chunkRows;
  }

  /** Rows the next row step deletes (adapted to the target step time). */
  get rowsPerStep(): number {
    return this.rows;
  }

  /** The tables waiting to be emptied and dropped. */
  pending(): string[] {
    return (this.db.prepare(`SELECT tbl FROM ${RETIRED} ORDER BY tbl`).all() as Array<{ tbl: string }>).map((r) => r.tbl);
  }

  /** Starts (or keeps) stepping in the background while tables are waiting. */
  schedule(delayMs: number = this.pauseMs()): void {
    if (this.closed || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      this.loopBusy = this.busy() > 0.5;
      // An index drop is the one step that cannot be made shorter: not while requests are queuing.
      if (!this.idle()) {
        this.schedule();
        return;
      }
      if (this.loopBusy && this.nextDropsIndex()) {
        // Looked at again a while later, not at the pace of steps: a busy server is not polled.
        this.schedule(DEFERRED_INDEX_DROP_MS);
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
    }, delayMs);
    this.timer.unref();
  }

  /** The wait before the next step: twice the last step, eight times when the loop was busy. */
  private pauseMs(): number {
    return Math.max(this.delayMs, (this.loopBusy ? 8 : 2) * this.lastStepMs);
  }

  private nextDropsIndex(): boolean {
    const [table] = this.pending();
    return table !== undefined && this.indexOf(table) !== undefined;
  }

  /** An index of a retired table still to drop (declared ones and the _id and rid ones; not the
   * side table's primary key: it is the table). */
  private indexOf(table: string): string | undefined {
    const index = this.db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?, ?) AND sql IS NOT NULL LIMIT 1`)
      .get(table, `${table}_m`) as { name: string } | undefined;
    return index?.name;
  }

  /** One bounded step in a transaction of its own; false when nothing is left to do. */
  step(): boolean {
    const [table] = this.pending();
    if (table === undefined) return false;
    const started = this.now();
    const kind = this.db.transaction(() => this.stepOn(table))();
    this.lastStepMs = this.now() - started;
    if (kind === 'rows') this.adapt(this.lastStepMs);
    return true;
  }

  /** Rows per step toward the target time: in proportion when slower, doubled when much faster. */
  private adapt(ms: number): void {
    if (ms > this.targetStepMs) this.rows = Math.max(Math.min(MIN_ROWS, this.chunkRows), Math.floor((this.rows * this.targetStepMs) / ms));
    else if (ms < this.targetStepMs / 2) this.rows = Math.min(this.chunkRows, this.rows * 2);
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

  private stepOn(table: string): 'index' | 'rows' | 'drop' {
    const side = `${table}_m`;
    const index = this.indexOf(table);
    if (index !== undefined) {
      this.db.exec(`DROP INDEX "${index.replace(/"/g, '""')}"`);
      return 'index';
    }
    if (this.exists(table)) {
      const deleted = this.db.prepare(`DELETE FROM ${table} WHERE rid IN (SELECT rid FROM ${table} ORDER BY rid LIMIT ?)`).run(this.rows).changes;
      if (deleted > 0) return 'rows';
    }
    // The side table and the element tables (element-indexes.ts), by their primary keys, the
    // only indexes they have left: every column of an element table is in its key.
    const keyed = [side, ...elementTablesOf(this.db, table)].filter((name) => this.exists(name));
    for (const name of keyed) {
      const cols = (this.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(name) as string[]).join(', ');
      const deleted = this.db.prepare(`DELETE FROM ${quoted(name)} WHERE (${cols}) IN (SELECT ${cols} FROM ${quoted(name)} LIMIT ?)`).run(this.rows).changes;
      if (deleted > 0) return 'rows';
    }
    this.db.exec(`DROP TABLE IF EXISTS ${table}`);
    for (const name of keyed) this.db.exec(`DROP TABLE IF EXISTS ${quoted(name)}`);
    this.db.prepare(`DELETE FROM ${RETIRED} WHERE tbl = ?`).run(table);
    return 'drop';
  }
}
