import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, dataDirLockHolder, DataDirLockedError, LOCK_FILE } from './data-dir-lock';

describe('the data directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const holdBy = (pid: number, host = hostname()) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host, owner: 'server', since: '2026-01-15T08:00:00.000Z' }));

  it('is taken once, refused while held by a live process, and free again once released', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      holdBy(child.pid!);
      expect(dataDirLockHolder(dir)).toMatchObject({ pid: child.pid, owner: 'server' });
      expect(() => acquireDataDirLock(dir, 'cli')).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(dir, 'cli')).toThrow(new RegExp(`held by the server \\(pid ${child.pid} on `));
    } finally {
      child.kill();
    }
    await new Promise((r) => child.once('exit', r));
    // The holder is gone: a stale lock is taken over.
    const lock = acquireDataDirLock(dir, 'cli');
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, owner: 'cli' });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(dataDirLockHolder(dir)).toBeNull();
  });

  it('takes over a lock naming its own pid (a restarted container) or an unreadable one, and respects another host’s', () => {
    holdBy(process.pid);
    expect(dataDirLockHolder(dir)).toBeNull();
    acquireDataDirLock(dir, 'server').release();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    acquireDataDirLock(dir, 'server').release();
    holdBy(1, 'another-host');
    expect(() => acquireDataDirLock(dir, 'server')).toThrow(DataDirLockedError);
  });

  it('does not remove a lock someone else took after it', () => {
    const mine = acquireDataDirLock(dir, 'cli');
    holdBy(process.pid + 1_000_000, 'another-host');
    mine.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});
