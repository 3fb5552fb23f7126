import type { Database } from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';

/**
 * Bulk mode: while projectors catch up or rebuild, the read store commits with
 * `synchronous=OFF`, which is about twice as fast on this workload and as safe against a crash of
 * the process (what was written is in the operating system's buffers), but not against a crash
 * of the operating system or a power loss, after which the file may be damaged.
 *
 * So the store records, durably and before the first such commit, that bulk mode is on and under
 * which boot of the machine. Leaving bulk mode (no bulk transaction for a moment, or close)
 * checkpoints the WAL with `synchronous=NORMAL` (which syncs the WAL and the database file) and
 * clears the record. At open, a record left by another boot means the machine went down in bulk
 * mode: the file is not trusted, and the read models are rebuilt from the log. A record left by
 * this boot only means the process died, which SQLite's WAL survives: the start resumes from the
 * checkpoints as usual.
 */

/** This boot of the machine: the kernel's boot id, or (elsewhere) the boot time to the minute. */
export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return `boot-${Math.round((Date.now() - uptime() * 1000) / 60_000)}`;
  }
}

const META = '_rs_meta';

export function createMeta(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${META} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
}

/** The layout the file was written in (schema.ts FORMAT), if recorded. */
export function formatOf(db: Database): string | null {
  const row = db.prepare(`SELECT value FROM ${META} WHERE key = 'format'`).get() as { value: string } | undefined;
  return row?.value ?? null;
}

export function setFormat(db: Database, format: string): void {
  db.prepare(`INSERT OR REPLACE INTO ${META} (key, value) VALUES ('format', ?)`).run(format);
}

/** The boot under which bulk mode was left on, if it was. */
export function bulkBootOf(db: Database): string | null {
  const row = db.prepare(`SELECT value FROM ${META} WHERE key = 'bulk_boot'`).get() as { value: string } | undefined;
  return row?.value ?? null;
}

export class BulkMode {
  private on = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    /** Whether a transaction is open (the pragma cannot change inside one). */
    private readonly idle: () => boolean,
    private readonly quietMs = 1000,
    /** Told when bulk mode starts and ends (the store's checkpoints follow it). */
    private readonly onChange: (on: boolean) => void = () => undefined,
  ) {
    // A record of this boot (the process died in bulk mode): carry on in bulk mode.
    this.on = bulkBootOf(db) === bootId();
    if (this.on) db.pragma('synchronous = OFF');
  }

  get active(): boolean {
    return this.on;
  }

  /** Before a bulk transaction begins. */
  enter(): void {
    this.arm();
    if (this.on) return;
    // The record must be on disk before the first unsynced commit.
    this.db.pragma('synchronous = FULL');
    this.db.prepare(`INSERT OR REPLACE INTO ${META} (key, value) VALUES ('bulk_boot', ?)`).run(bootId());
    this.db.pragma('synchronous = OFF');
    this.on = true;
    this.onChange(true);
  }

  /** Makes everything durable and leaves bulk mode (when no transaction is open). */
  leave(): boolean {
    if (!this.on) return true;
    if (!this.idle()) return false;
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('wal_checkpoint(FULL)');
    this.db.prepare(`DELETE FROM ${META} WHERE key = 'bulk_boot'`).run();
    this.on = false;
    this.onChange(false);
    this.disarm();
    return true;
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    this.disarm();
    const tick = () => {
      this.timer = null;
      if (!this.leave()) this.timer = setTimeout(tick, this.quietMs).unref();
    };
    this.timer = setTimeout(tick, this.quietMs).unref();
  }
}
