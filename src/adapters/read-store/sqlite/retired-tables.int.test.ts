import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRetiredList, retireTable, TableReaper } from './retired-tables';
import { openSqliteReadStore, type SqliteReadStore } from './sqlite-read-store';

/**
 * A replaced or dropped collection's tables are not dropped in the call (DROP TABLE visits every
 * page, for seconds on a large read model, with every request waiting): they are retired and
 * emptied a chunk at a time. retired-tables.ts.
 */
describe('SQLite read store: retired tables', () => {
  let dir: string;
  let store: SqliteReadStore;
  const file = () => join(dir, 'read-models.db');
  // Steps are driven by the tests; the background schedule waits far longer than a test runs.
  const open = () => openSqliteReadStore({ filename: file(), retiredTables: { chunkRows: 10, delayMs: 60_000 } });

  const tableOf = (name: string): string => {
    const db = new Database(file(), { readonly: true });
    try {
      return (db.prepare(`SELECT tbl FROM _rs_collections WHERE name = ?`).get(name) as { tbl: string }).tbl;
    } finally {
      db.close();
    }
  };
  const rowsIn = (table: string): { rows: number | null; elements: number | null } => {
    const db = new Database(file(), { readonly: true });
    try {
      const has = (t: string) => db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(t) !== undefined;
      const count = (t: string) => (has(t) ? (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n : null);
      return { rows: count(table), elements: count(`${table}_m`) };
    } finally {
      db.close();
    }
  };

  const indexesOf = (table: string): string[] => {
    const db = new Database(file(), { readonly: true });
    try {
      return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?, ?) AND sql IS NOT NULL`).all(table, `${table}_m`) as Array<{ name: string }>).map((r) => r.name);
    } finally {
      db.close();
    }
  };

  /** 35 documents with an index and an array field (elements in the side table). */
  const fill = async (name: string, n: number) => {
    const col = store.collection(name);
    await col.createIndexes([{ keys: { status: 1, n: -1 } }, { keys: { tags: 1 } }]);
    await col.insertMany(Array.from({ length: n }, (_, i) => ({ _id: `${name}-${i}`, n: i, status: i % 2 ? 'open' : 'closed', tags: ['a', `t${i}`] })));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'isp-retired-'));
    store = open();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('swaps a rebuilt collection in at once, then empties the replaced table a chunk per step and drops it', async () => {
    await fill('live', 35);
    await fill('scratch', 2);
    const old = tableOf('live');

    await store.renameCollection('scratch', 'live');
    expect((await store.collection('live').find({}, { sort: { n: 1 } })).map((d) => d._id)).toEqual(['scratch-0', 'scratch-1']);
    expect(await store.collection('live').countDocuments({ tags: 'a' })).toBe(2);
    expect(store.retired.pending()).toEqual([old]);
    expect(rowsIn(old)).toEqual({ rows: 35, elements: 70 });

    // Its indexes go first, one per step: `_id`, the two declared ones, and the side table's rid.
    for (let i = 0; i < 4; i++) expect(store.retired.step()).toBe(true);
    expect(indexesOf(old)).toEqual([]);
    expect(rowsIn(old)).toEqual({ rows: 35, elements: 70 });
    // Then the rows, ten per step, then the side table's elements.
    expect(store.retired.step()).toBe(true);
    expect(rowsIn(old)).toEqual({ rows: 25, elements: 70 });
    store.retired.drain();
    expect(store.retired.pending()).toEqual([]);
    expect(rowsIn(old)).toEqual({ rows: null, elements: null });
    expect(store.retired.step()).toBe(false);
    // The collection that replaced it is untouched.
    expect(await store.collection('live').countDocuments({})).toBe(2);
  });

  it('retires a dropped collection the same way, and a store opened again carries on with it', async () => {
    await fill('gone', 35);
    const old = tableOf('gone');
    await store.dropCollection('gone');
    expect(await store.listCollections()).toEqual([]);
    for (let i = 0; i < 5; i++) store.retired.step();
    await store.close();

    store = open();
    expect(store.retired.pending()).toEqual([old]);
    expect(rowsIn(old).rows).toBe(25);
    // A new collection of the same name starts empty, in a table of its own.
    await fill('gone', 1);
    expect(tableOf('gone')).not.toBe(old);
    store.retired.drain();
    expect(rowsIn(old)).toEqual({ rows: null, elements: null });
    expect(await store.collection('gone').countDocuments({})).toBe(1);
  });

  it('empties retired tables in the background after a swap', async () => {
    await store.close();
    store = openSqliteReadStore({ filename: file(), retiredTables: { chunkRows: 10, delayMs: 0 } });
    await fill('live', 35);
    await fill('scratch', 1);
    const old = tableOf('live');
    await store.renameCollection('scratch', 'live');
    for (let turns = 0; store.retired.pending().length > 0 && turns < 10_000; turns++) await new Promise((r) => setImmediate(r));
    expect(store.retired.pending()).toEqual([]);
    expect(rowsIn(old).rows).toBeNull();
  });
});

describe('TableReaper', () => {
  it('takes no step while the store is not idle (a transaction is open), and carries on once it is', async () => {
    const db = new Database(':memory:');
    createRetiredList(db);
    db.exec('CREATE TABLE d1 (rid INTEGER PRIMARY KEY, doc TEXT)');
    db.exec('CREATE TABLE d1_m (f INTEGER NOT NULL, k, rid INTEGER NOT NULL, PRIMARY KEY (f, k, rid)) WITHOUT ROWID');
    db.prepare('INSERT INTO d1 (doc) SELECT value FROM json_each(?)').run(JSON.stringify(Array.from({ length: 30 }, (_, i) => `doc ${i}`)));
    retireTable(db, 'd1');
    let idle = false;
    const reaper = new TableReaper(db, () => idle, { chunkRows: 10, delayMs: 0 });
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
    };
    try {
      reaper.schedule();
      await turns(20);
      expect((db.prepare('SELECT count(*) AS n FROM d1').get() as { n: number }).n).toBe(30);
      idle = true;
      for (let i = 0; i < 200 && reaper.pending().length > 0; i++) await turns(1);
      expect(reaper.pending()).toEqual([]);
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'd1%'`).all()).toEqual([]);
    } finally {
      reaper.close();
      db.close();
    }
  });

  it('stops stepping in the background when a step fails, and leaves the table listed', async () => {
    const db = new Database(':memory:');
    createRetiredList(db);
    db.exec('CREATE TABLE d2 (rid INTEGER PRIMARY KEY, doc TEXT)');
    db.exec("INSERT INTO d2 (doc) VALUES ('x')");
    retireTable(db, 'd2');
    // A write refused by the file (as a full disk would): the step throws.
    db.pragma('query_only = ON');
    const reaper = new TableReaper(db, () => true, { delayMs: 0 });
    try {
      reaper.schedule();
      for (let i = 0; i < 50 && reaper.failed === null; i++) await new Promise((r) => setTimeout(r, 0));
      expect(String(reaper.failed)).toMatch(/readonly/i);
      expect(reaper.pending()).toEqual(['d2']);
    } finally {
      reaper.close();
      db.close();
    }
  });
});
