import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CheckpointResult } from './checkpointer';
import { openSqliteReadStore, type SqliteReadStore } from './sqlite-read-store';

/**
 * The read store's WAL checkpoints on their own thread (checkpointer.ts): live commits no longer
 * copy the WAL into the database file on the main thread; the thread does, on its timer or when
 * asked; bulk-mode commits keep SQLite's own checkpoints.
 */
describe('SQLite read store: background checkpoints', () => {
  let dir: string;
  let store: SqliteReadStore | undefined;
  const file = () => join(dir, 'read-models.db');
  const size = () => statSync(file()).size;
  /** About 6 MB of documents: more WAL than SQLite's automatic checkpoint lets accumulate (~4 MB). */
  const docs = (from: number) => Array.from({ length: 3000 }, (_, i) => ({ _id: `d${from + i}`, n: from + i, text: 'x'.repeat(2000) }));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'isp-rs-ckpt-'));
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves live commits in the WAL until the thread copies them into the database file', async () => {
    store = openSqliteReadStore({ filename: file(), backgroundCheckpoints: { intervalMs: 3_600_000 } });
    const col = store.collection('docs');
    const before = size();
    await store.transaction(async () => {
      await col.insertMany(docs(0));
    });
    // No checkpoint ran inside that commit: the database file has not grown.
    expect(size()).toBe(before);

    const result = (await store.checkpointNow())!;
    expect(result.busy).toBe(false);
    expect(result.walFrames).toBeGreaterThan(1000);
    expect(result.checkpointedFrames).toBe(result.walFrames);
    expect(size()).toBeGreaterThan(before + 6_000_000);

    // What another connection reads from the file is everything that was committed.
    await store.close();
    store = undefined;
    const other = new Database(file(), { readonly: true });
    const { tbl } = other.prepare(`SELECT tbl FROM _rs_collections WHERE name = 'docs'`).get() as { tbl: string };
    expect((other.prepare(`SELECT count(*) AS n FROM ${tbl}`).get() as { n: number }).n).toBe(3000);
    other.close();
  });

  it('checkpoints on its timer while live', async () => {
    let seen: (r: CheckpointResult) => void = () => undefined;
    const copied = new Promise<CheckpointResult>((resolve) => (seen = resolve));
    store = openSqliteReadStore({
      filename: file(),
      backgroundCheckpoints: { intervalMs: 5, onCheckpoint: (r) => r.checkpointedFrames > 1000 && seen(r) },
    });
    const col = store.collection('docs');
    await store.transaction(async () => {
      await col.insertMany(docs(0));
    });
    const result = await copied;
    expect(result.checkpointedFrames).toBe(result.walFrames);
  });

  it('leaves the checkpoints of bulk-mode commits to SQLite, and has nothing to copy after them', async () => {
    store = openSqliteReadStore({ filename: file(), backgroundCheckpoints: { intervalMs: 3_600_000 } });
    const col = store.collection('docs');
    const before = size();
    await store.transaction(
      async () => {
        await col.insertMany(docs(0));
      },
      { bulk: true },
    );
    // SQLite's own checkpoint ran at that commit.
    expect(size()).toBeGreaterThan(before + 6_000_000);
    const result = (await store.checkpointNow())!;
    expect(result.checkpointedFrames).toBe(result.walFrames);
  });

  describe('the WAL file stays bounded', () => {
    const MiB = 1024 * 1024;
    const walSize = () => statSync(`${file()}-wal`).size;
    const count = async () => (await store!.collection('docs').find({})).length;
    /** A store with a 1 MiB limit whose WAL holds about 6 MB of live commits, not yet copied. */
    const storeWithWal = async () => {
      store = openSqliteReadStore({ filename: file(), walSizeLimitBytes: MiB, backgroundCheckpoints: { intervalMs: 3_600_000 } });
      const col = store.collection('docs');
      await store.transaction(() => col.insertMany(docs(0)));
      return { rs: store, col };
    };

    it('is cut back to the limit when the next write starts the WAL again', async () => {
      const { rs, col } = await storeWithWal();
      expect(walSize()).toBeGreaterThan(6 * MiB);
      // The first checkpoint copies everything but does not find the WAL quiet yet.
      expect((await rs.checkpointNow())!.truncated).toBe(false);
      expect(walSize()).toBeGreaterThan(6 * MiB);
      await rs.transaction(() => col.insertOne({ _id: 'after', n: -1, text: 'y' }));
      expect(walSize()).toBeLessThanOrEqual(MiB);
      expect(await count()).toBe(3001);
    });

    it('is truncated by the thread once quiet and fully copied, and the store carries on', async () => {
      const { rs, col } = await storeWithWal();
      await rs.checkpointNow();
      // Nothing was committed since: quiet.
      const quiet = (await rs.checkpointNow())!;
      expect(quiet.truncated).toBe(true);
      expect(walSize()).toBe(0);
      await rs.transaction(() => col.insertOne({ _id: 'after', n: -1, text: 'y' }));
      expect(await count()).toBe(3001);
      await rs.close();
      store = openSqliteReadStore({ filename: file() });
      expect(await count()).toBe(3001);
    });

    it('is not truncated while another connection writes, without waiting for it, and is once it is done', async () => {
      const { rs } = await storeWithWal();
      await rs.checkpointNow();
      const writer = new Database(file());
      writer.exec('BEGIN IMMEDIATE');
      try {
        const started = Date.now();
        const blocked = (await rs.checkpointNow())!;
        expect(blocked.truncated).toBe(false);
        expect(Date.now() - started).toBeLessThan(1000);
        expect(walSize()).toBeGreaterThan(6 * MiB);
      } finally {
        writer.exec('ROLLBACK');
        writer.close();
      }
      expect((await rs.checkpointNow())!.truncated).toBe(true);
      expect(walSize()).toBe(0);
    });

    it('is not truncated while commits keep coming between checkpoints', async () => {
      const { rs, col } = await storeWithWal();
      await rs.checkpointNow();
      await rs.transaction(() => col.insertMany(docs(3000)));
      const busy = (await rs.checkpointNow())!;
      expect(busy.truncated).toBe(false);
      expect(walSize()).toBeGreaterThan(MiB);
    });
  });

  it('is off unless asked for: the main connection checkpoints as SQLite does', async () => {
    store = openSqliteReadStore({ filename: file() });
    const before = size();
    await store.transaction(async () => {
      await store!.collection('docs').insertMany(docs(0));
    });
    expect(size()).toBeGreaterThan(before + 6_000_000);
    expect(await store.checkpointNow()).toBeNull();
  });
});
