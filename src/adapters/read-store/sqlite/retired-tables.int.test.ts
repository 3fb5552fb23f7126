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
  // Indexes created as they are declared: the steps below drop them one at a time.
  const open = () => openSqliteReadStore({ filename: file(), deferIndexes: false, retiredTables: { chunkRows: 10, delayMs: 60_000 } });

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
    store = openSqliteReadStore({ filename: file(), deferIndexes: false, retiredTables: { chunkRows: 10, delayMs: 0, busy: () => 0 } });
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

  /** An in-memory database with one retired table of `n` rows and no indexes left. */
  const retiredRows = (n: number): Database.Database => {
    const db = new Database(':memory:');
    createRetiredList(db);
    db.exec('CREATE TABLE d3 (rid INTEGER PRIMARY KEY, doc TEXT)');
    db.prepare('INSERT INTO d3 (doc) SELECT value FROM json_each(?)').run(JSON.stringify(Array.from({ length: n }, (_, i) => `doc ${i}`)));
    retireTable(db, 'd3');
    return db;
  };
  const rowsLeft = (db: Database.Database) => (db.prepare('SELECT count(*) AS n FROM d3').get() as { n: number }).n;
  /** A clock by which every step takes `stepMs` (the reaper reads it before and after a step). */
  const stepClock = (stepMs: number) => {
    const clock = { stepMs, now: 0, reads: 0 };
    return Object.assign(clock, { read: () => (clock.reads++ % 2 === 0 ? clock.now : (clock.now += clock.stepMs)) });
  };

  it('shrinks the rows per step in proportion when steps take longer than the target, and doubles them back when quick', () => {
    const db = retiredRows(10_000);
    const clock = stepClock(40);
    const reaper = new TableReaper(db, () => true, { chunkRows: 2000, targetStepMs: 10, delayMs: 0, now: clock.read });
    try {
      const deletedByStep = (): number => {
        const before = rowsLeft(db);
        reaper.step();
        return before - rowsLeft(db);
      };
      // 40 ms against a 10 ms target: a quarter of the rows each time, down to the floor of 50.
      expect([deletedByStep(), deletedByStep(), deletedByStep(), deletedByStep()]).toEqual([2000, 500, 125, 50]);
      expect(reaper.rowsPerStep).toBe(50);
      // Quick steps (under half the target): doubled, up to the most per step.
      clock.stepMs = 2;
      expect([deletedByStep(), deletedByStep(), deletedByStep()]).toEqual([50, 100, 200]);
      for (let i = 0; i < 6; i++) reaper.step();
      expect(reaper.rowsPerStep).toBe(2000);
    } finally {
      reaper.close();
      db.close();
    }
  });

  it('waits twice the length of a step before the next one, eight times while the event loop is busy', () => {
    jest.useFakeTimers();
    const db = retiredRows(1_000);
    // Every step takes 5 ms.
    const clock = stepClock(5);
    let busy = 0;
    const reaper = new TableReaper(db, () => true, { chunkRows: 100, targetStepMs: 10, delayMs: 1, now: clock.read, busy: () => busy });
    /** After `ms` more, `left` rows remain. */
    const after = (ms: number, left: number) => {
      jest.advanceTimersByTime(ms);
      expect(rowsLeft(db)).toBe(left);
    };
    try {
      reaper.schedule();
      after(1, 900);
      // Idle loop: the next step after 2 × 5 ms.
      after(9, 900);
      after(1, 800);
      // The loop was busy: 8 × 5 ms.
      busy = 0.9;
      // (the pause after the step just taken was chosen when it was scheduled, idle: 10 ms)
      after(10, 700);
      after(39, 700);
      after(1, 600);
    } finally {
      reaper.close();
      db.close();
      jest.useRealTimers();
    }
  });

  it('drops no index while the event loop is busy, and drops it once the loop is quiet', () => {
    jest.useFakeTimers();
    const db = retiredRows(100);
    db.exec('CREATE INDEX x3 ON d3 (doc)');
    let busy = 0.9;
    let looks = 0;
    const reaper = new TableReaper(db, () => true, { chunkRows: 100, delayMs: 1, busy: () => (looks++, busy) });
    const index = () => db.prepare(`SELECT name FROM sqlite_master WHERE name = 'x3'`).get();
    try {
      reaper.schedule();
      jest.advanceTimersByTime(1_000);
      expect(index()).toBeDefined();
      expect(rowsLeft(db)).toBe(100);
      // Looked at every quarter of a second, not at the pace of steps.
      expect(looks).toBeLessThanOrEqual(5);
      busy = 0.2;
      jest.advanceTimersByTime(1_000);
      expect(index()).toBeUndefined();
      expect(reaper.pending()).toEqual([]);
    } finally {
      reaper.close();
      db.close();
      jest.useRealTimers();
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
