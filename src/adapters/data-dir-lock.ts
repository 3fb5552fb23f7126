import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Who writes the embedded read models of a data directory: one process at a time. The SQLite
 * read store keeps caches in its process (counts, parsed documents), so a second process writing
 * `read-models.db` under a running server would leave the server answering from stale caches.
 *
 * The server takes `DATA_DIR/.lock` when it opens the embedded read store and removes it on
 * stop; the command line (src/cli/) takes it for whatever writes the files (rebuild, compare,
 * projections) and refuses when a server holds it (use `--url` to go through the server's
 * /api/v1/ops). Reading the event log needs no lock (WAL readers never block the writer).
 *
 * The file is created with O_EXCL and holds the owner's pid and host. A lock whose process is
 * gone (a crash, kill -9), or that names this very process id (a container restarted with the
 * same pid), is stale and taken over. A lock written on another host cannot be checked and is
 * respected.
 */

export const LOCK_FILE = '.lock';

export interface LockInfo {
  pid: number;
  host: string;
  owner: string;
  since: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockInfo,
  ) {
    super(`${file} is held by the ${holder.owner} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`);
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly file: string;
  readonly info: LockInfo;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return { pid: 0, host: '', owner: 'unknown', since: '' };
    return { pid: parsed.pid, host: parsed.host, owner: String(parsed.owner ?? 'unknown'), since: String(parsed.since ?? '') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Unreadable or half-written: treated as stale (a writer writes it whole before anyone reads it).
    return { pid: 0, host: '', owner: 'unknown', since: '' };
  }
}

const isLive = (holder: LockInfo) => holder.pid > 0 && (holder.host !== hostname() || (holder.pid !== process.pid && alive(holder.pid)));

/** The process holding the data directory's lock, or null when it is free (or stale). */
export function dataDirLockHolder(dataDir: string): LockInfo | null {
  const holder = readLock(join(dataDir, LOCK_FILE));
  return holder && isLive(holder) ? holder : null;
}

export function acquireDataDirLock(dataDir: string, owner: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), owner, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, JSON.stringify(info));
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        file,
        info,
        release() {
          if (released) return;
          released = true;
          const now = readLock(file);
          if (now && now.pid === info.pid && now.host === info.host && now.since === info.since) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLock(file);
    if (holder && isLive(holder)) throw new DataDirLockedError(file, holder);
    // Stale: moved aside (one process wins the rename), then taken like a free lock.
    try {
      renameSync(file, `${file}.stale-${process.pid}`);
      rmSync(`${file}.stale-${process.pid}`, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`could not take ${file}`);
}
