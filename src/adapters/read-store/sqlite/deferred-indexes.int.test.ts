import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DuplicateKeyError } from '../../../ports/read-store';
import { openSqliteReadStore, type SqliteReadStore } from './sqlite-read-store';

/**
 * A new file's non-unique indexes are created once its first build is over (`caughtUp`), or
 * before the first query that could use them; unique ones at once; a build that stopped before
 * creating them gets them when the next start's catch-up is over, or before a query; a file with
 * read models creates new ones at once.
 */
describe('SQLite read store: indexes deferred during the first build of a file', () => {
  let dir: string;
  const open: SqliteReadStore[] = [];
  const file = () => join(dir, 'read-models.db');
  const openStore = (options: { deferIndexes?: boolean } = {}) => {
    const store = openSqliteReadStore({ filename: file(), ...options });
    open.push(store);
    return store;
  };
  /** The names of the file's indexes on declared fields (the `<table>:<index>` ones). */
  const declaredIndexes = () => {
    const db = new Database(file(), { readonly: true });
    try {
      return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%:%'`).pluck().all() as string[])
        .map((n) => n.replace(/^d\d+:/, ''))
        .sort();
    } finally {
      db.close();
    }
  };
  const fill = async (store: SqliteReadStore, n: number) => {
    const col = store.collection('tickets');
    await col.createIndexes([{ keys: { status: 1, number: -1 } }, { keys: { code: 1 }, unique: true }]);
    await store.transaction(async () => {
      for (let i = 0; i < n; i++) await col.insertOne({ _id: `t${i}`, number: i, status: i % 2 ? 'new' : 'closed', code: `C${i}` });
    });
    return col;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'isp-deferred-ix-'));
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a new file’s non-unique indexes when the first catch-up is over, unique ones at once', async () => {
    const store = openStore();
    expect(store.defersIndexes).toBe(true);
    await fill(store, 50);
    expect(declaredIndexes()).toEqual(['code_1', 'code_1:q']);

    await store.caughtUp();

    expect(store.defersIndexes).toBe(false);
    expect(declaredIndexes()).toEqual(['code_1', 'code_1:q', 'status_1_number_-1']);
    const col = store.collection('tickets');
    expect(col.explain({ status: 'new' }, { sort: { number: -1 }, limit: 5 }).plan.join(' | ')).toMatch(/USING INDEX .*status_1_number_-1/);
    expect((await col.find({ status: 'new' }, { sort: { number: -1 }, limit: 3 })).map((d) => d.number)).toEqual([49, 47, 45]);
  });

  it('creates a collection’s deferred indexes before a query of it, and again after a rollback undid them', async () => {
    const store = openStore();
    const col = await fill(store, 20);
    const other = store.collection('notes');
    await other.createIndexes([{ keys: { kind: 1 } }]);

    expect(await col.countDocuments({ status: 'closed' })).toBe(10);

    expect(declaredIndexes()).toEqual(['code_1', 'code_1:q', 'status_1_number_-1']);
    // Still a first build: an index declared now is deferred too.
    expect(store.defersIndexes).toBe(true);
    // The same inside a transaction, with writes of the batch held in the unit of work.
    await store.transaction(async () => {
      await other.insertOne({ _id: 'n1', kind: 'a' });
      expect((await other.find({ kind: 'a' })).map((d) => d._id)).toEqual(['n1']);
    });
    expect(declaredIndexes()).toContain('kind_1');

    // A batch that created a collection's indexes and then failed: they are deferred again.
    const third = store.collection('parts');
    await third.createIndexes([{ keys: { sku: 1 } }]);
    await expect(
      store.transaction(async () => {
        await third.insertOne({ _id: 'p1', sku: 'A' });
        expect(await third.countDocuments({ sku: 'A' })).toBe(1);
        expect(third.explain({ sku: 'A' }).plan.join(' | ')).toMatch(/USING INDEX .*sku_1/);
        throw new Error('the batch fails');
      }),
    ).rejects.toThrow('the batch fails');
    expect(declaredIndexes()).not.toContain('sku_1');
    await third.insertOne({ _id: 'p2', sku: 'B' });
    expect(third.explain({ sku: 'B' }).plan.join(' | ')).toMatch(/USING INDEX .*sku_1/);
  });

  it('creates them one at a time, between transactions, with a turn of the event loop between two', async () => {
    const store = openStore();
    const col = store.collection('tickets');
    await col.createIndexes([{ keys: { status: 1 } }, { keys: { number: 1 } }, { keys: { code: 1 } }]);
    await col.insertOne({ _id: 't1', number: 1, status: 'new', code: 'C1' });
    // A batch in progress when the catch-up ends: no index is created inside it.
    let finish!: () => void;
    const batch = store.transaction(() => new Promise<void>((resolve) => (finish = resolve)));
    await new Promise((resolve) => setImmediate(resolve));

    const done = store.caughtUp();
    await new Promise((resolve) => setImmediate(resolve));
    expect(declaredIndexes()).toEqual([]);
    finish();
    await batch;
    const seen: number[] = [];
    for (let turn = 0; turn < 10 && seen.at(-1) !== 3; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(declaredIndexes().length);
    }
    await done;

    expect(declaredIndexes()).toEqual(['code_1', 'number_1', 'status_1']);
    // Not all in one turn: there was a turn with one or two of the three.
    expect(seen.some((n) => n > 0 && n < 3)).toBe(true);
  });

  it('refuses a duplicate of a unique index during the build', async () => {
    const store = openStore();
    const col = await fill(store, 3);
    await expect(col.insertOne({ _id: 'x', number: 9, status: 'new', code: 'C1' })).rejects.toBeInstanceOf(DuplicateKeyError);
  });

  it('creates after the next catch-up the indexes of a build that stopped before they were created', async () => {
    const first = openStore();
    await fill(first, 30);
    await first.close();
    expect(declaredIndexes()).toEqual(['code_1', 'code_1:q']);

    const second = openStore();
    expect(second.defersIndexes).toBe(false);
    // Not at the open: the start listens first.
    expect(declaredIndexes()).toEqual(['code_1', 'code_1:q']);
    await second.caughtUp();
    expect(declaredIndexes()).toEqual(['code_1', 'code_1:q', 'status_1_number_-1']);
    expect(await second.collection('tickets').countDocuments({ status: 'new' })).toBe(15);
  });

  it('creates a lacking index before a query that could use it, without waiting for the catch-up', async () => {
    const first = openStore();
    await fill(first, 30);
    await first.close();
    const second = openStore();
    expect(await second.collection('tickets').countDocuments({ status: 'new' })).toBe(15);
    expect(declaredIndexes()).toEqual(['code_1', 'code_1:q', 'status_1_number_-1']);
  });

  it('creates indexes at once on a file that holds read models, and when told not to defer', async () => {
    const first = openStore();
    await fill(first, 5);
    await first.caughtUp();
    await first.close();
    const second = openStore();
    await second.collection('tickets').createIndexes([{ keys: { number: 1 } }]);
    expect(declaredIndexes()).toContain('number_1');
    await second.close();

    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'isp-deferred-ix-'));
    const eager = openStore({ deferIndexes: false });
    expect(eager.defersIndexes).toBe(false);
    await fill(eager, 5);
    expect(declaredIndexes()).toEqual(['code_1', 'code_1:q', 'status_1_number_-1']);
  });
});
