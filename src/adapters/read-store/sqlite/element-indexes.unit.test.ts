import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Doc, Filter, FindOptions } from '../../../ports/read-store';
import { createMemoryReadStore } from '../memory/memory-read-store';
import { openSqliteReadStore, type SqliteReadStore } from './sqlite-read-store';

/**
 * Declared indexes led by an array field (element-indexes.ts): a page of one word in the index's
 * order reads its first entries, and the entries stay in step with every write. Each page is
 * checked against the in-memory read store given the same writes.
 */
describe('SQLite element indexes', () => {
  let dir: string;
  let store: SqliteReadStore;
  const file = () => join(dir, 'read-models.db');
  const INDEXES = [{ keys: { words: 1, n: -1 } }, { keys: { words: 1, kind: 1, n: -1 } }] as const;
  const WORDS = ['fiber', 'modem', 'kabel', 'router', 'onu', 'roset'];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'isp-sqlite-el-'));
    store = openSqliteReadStore({ filename: file(), deferIndexes: false });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const docOf = (i: number): Doc => ({
    _id: `d${i}`,
    n: i,
    kind: i % 3 === 0 ? 'device' : 'stock',
    // Words spread unevenly: "onu" only in the oldest tenth, "fiber" in most.
    words: [...WORDS.filter((w, j) => (w === 'onu' ? i < 30 : (i + j) % (j + 2) !== 0)), `tag${i % 20}`],
  });

  /** Both stores given the same documents and indexes. */
  const seed = async (count: number) => {
    const memory = createMemoryReadStore();
    for (const s of [store, memory]) {
      await s.collection('items').createIndexes([...INDEXES]);
      await s.collection('items').insertMany(Array.from({ length: count }, (_, i) => docOf(i)));
    }
    return { sqlite: store.collection('items'), memory: memory.collection('items') };
  };

  const QUERIES: Array<[Filter, FindOptions]> = [
    [{ words: 'onu' }, { sort: { n: -1 }, limit: 10 }],
    [{ words: 'fiber' }, { sort: { n: -1 }, skip: 20, limit: 10 }],
    [{ words: 'fiber' }, { sort: { n: 1 }, skip: 5, limit: 7 }],
    [{ words: 'kabel', kind: 'device' }, { sort: { n: -1 }, limit: 10 }],
    [{ $and: [{ words: 'modem' }, { words: 'router' }] }, { sort: { n: -1 }, limit: 10 }],
    [{ $and: [{ words: 'onu' }, { words: { $regex: '^on' } }] }, { sort: { n: -1 }, skip: 3, limit: 5 }],
    [{ words: 'nothing' }, { sort: { n: -1 }, limit: 10 }],
    // Prefixes: two words (rows holding both among them), one, more than a prefix is read as.
    [{ words: { $regex: '^ro' } }, { sort: { n: -1 }, skip: 4, limit: 10 }],
    [{ words: { $regex: '^ro' }, kind: 'device' }, { sort: { n: -1 }, limit: 10 }],
    [{ $and: [{ words: { $regex: '^ro' } }, { words: { $regex: '^mod' } }] }, { sort: { n: 1 }, limit: 10 }],
    [{ words: { $regex: '^tag' } }, { sort: { n: -1 }, limit: 10 }],
  ];

  const expectSame = async (sqlite: ReturnType<SqliteReadStore['collection']>, memory: { find(f: Filter, o: FindOptions): Promise<Doc[]> }) => {
    for (const [filter, options] of QUERIES) {
      expect({ filter, found: await sqlite.find(filter, options) }).toEqual({ filter, found: await memory.find(filter, options) });
    }
  };

  /**
   * Closes the store and leaves the file as a build without element tables would: the index
   * `{words, n}` as a plain SQLite index, its table dropped or emptied (`statement`). The table's name.
   */
  const asAnOlderBuildLeavesIt = async (statement: 'DROP TABLE' | 'DELETE FROM'): Promise<string> => {
    await store.close();
    const db = new Database(file());
    try {
      const [table] = db.prepare(`SELECT tbl FROM _rs_collections WHERE name = 'items'`).pluck().all() as string[];
      db.exec(`${statement} "${table}:words_1_n_-1:e"`);
      db.exec(`CREATE INDEX "${table}:words_1_n_-1" ON ${table} (k0)`);
      return table!;
    } finally {
      db.close();
    }
  };

  it('reads a page of one word from the index in its order, not from a sort of the matches', async () => {
    const { sqlite, memory } = await seed(300);
    const plan = sqlite.explain({ words: 'fiber' }, { sort: { n: -1 }, skip: 20, limit: 10 });
    expect(plan.plan.join(' | ')).toMatch(/SEARCH e USING PRIMARY KEY \(ek=\?\)/);
    expect(plan.plan.join(' | ')).not.toMatch(/TEMP B-TREE/);
    // The field the filter fixes comes before the sort in the second index.
    const fixed = sqlite.explain({ words: 'kabel', kind: 'device' }, { sort: { n: -1 }, limit: 10 });
    expect(fixed.plan.join(' | ')).toMatch(/SEARCH e USING PRIMARY KEY \(ek=\? AND e_k\d+=\?\)/);
    expect(fixed.plan.join(' | ')).not.toMatch(/TEMP B-TREE/);
    await expectSame(sqlite, memory);
  });

  it('reads a page of a prefix as one list per word it stands for, when they are few', async () => {
    const { sqlite } = await seed(300);
    const prefix = sqlite.explain({ words: { $regex: '^ro' } }, { sort: { n: -1 }, skip: 4, limit: 10 });
    expect(prefix.sql).toMatch(/ UNION /);
    expect(prefix.plan.join(' | ')).toMatch(/SEARCH e USING PRIMARY KEY \(ek=\?\)/);
    expect(prefix.plan.join(' | ')).not.toMatch(/SEARCH e USING PRIMARY KEY \(ek>\?/);
    // Twenty words: read from the side table as before.
    expect(sqlite.explain({ words: { $regex: '^tag' } }, { sort: { n: -1 }, limit: 10 }).sql).not.toMatch(/ AS e /);
  });

  it('keeps the entries in step with inserts, updates of the words and of the sort key, and deletes', async () => {
    const { sqlite, memory } = await seed(120);
    for (const c of [sqlite, memory]) {
      await c.updateOne({ _id: 'd5' }, { $set: { words: ['onu', 'modem'] } });
      await c.updateOne({ _id: 'd7' }, { $set: { n: 1000 } });
      await c.updateOne({ _id: 'd8' }, { $set: { n: 1001, words: ['kabel'], kind: 'device' } });
      await c.updateMany({ kind: 'stock', n: { $lt: 20 } }, { $push: { words: 'router' } });
      await c.deleteOne({ _id: 'd1' });
      await c.deleteMany({ n: { $gte: 100, $lt: 110 } });
      await c.replaceOne({ _id: 'd2' }, { n: 2, kind: 'device', words: 'onu' } as unknown as Doc);
    }
    await expectSame(sqlite, memory);
    // No entry is left for a row that changed or went.
    const db = new Database(file(), { readonly: true });
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%:e'`).pluck().all() as string[];
      expect(tables).toHaveLength(2);
      for (const t of tables) {
        const n = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
        const side = (db.prepare(`SELECT count(*) AS n FROM ${t.split(':')[0]}_m`).get() as { n: number }).n;
        expect(n).toBe(side);
      }
    } finally {
      db.close();
    }
  });

  it('turns an index declared before the field held arrays into an element table, filled from the rows', async () => {
    const memory = createMemoryReadStore();
    for (const s of [store, memory]) {
      const c = s.collection('items');
      await c.createIndexes([...INDEXES]);
      await c.insertMany([{ _id: 'a', n: 1, kind: 'stock', words: 'onu' }]);
      await c.insertMany(Array.from({ length: 60 }, (_, i) => docOf(i + 10)));
    }
    expect(store.collection('items').explain({ words: 'onu' }, { sort: { n: -1 }, limit: 10 }).plan.join(' | ')).toMatch(/USING PRIMARY KEY \(ek=\?\)/);
    await expectSame(store.collection('items'), memory.collection('items'));
  });

  it('makes the tables of an index deferred by a first build, and of an index an older file lacks, from the rows', async () => {
    await store.close();
    store = openSqliteReadStore({ filename: file() });
    const { sqlite, memory } = await seed(80);
    await store.caughtUp();
    await expectSame(sqlite, memory);
    // A file written before element tables: the same index as a plain SQLite index.
    const table = await asAnOlderBuildLeavesIt('DROP TABLE');
    store = openSqliteReadStore({ filename: file() });
    const reopened = store.collection('items');
    expect(reopened.explain({ words: 'fiber' }, { sort: { n: -1 }, limit: 10 }).plan.join(' | ')).toMatch(/USING PRIMARY KEY \(ek=\?\)/);
    await expectSame(reopened, memory);
    const check = new Database(file(), { readonly: true });
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE name = ?`).get(`${table}:words_1_n_-1`)).toBeUndefined();
    check.close();
  });

  it('builds again a table that a build without element tables let go stale (a deployment rolled back, then forward)', async () => {
    const { memory } = await seed(80);
    // What such a build leaves: the declared index as a plain SQLite index, and a table it did
    // not write (here: emptied).
    const table = await asAnOlderBuildLeavesIt('DELETE FROM');
    store = openSqliteReadStore({ filename: file() });
    await expectSame(store.collection('items'), memory);
    const check = new Database(file(), { readonly: true });
    try {
      expect(check.prepare(`SELECT name FROM sqlite_master WHERE name = ?`).get(`${table}:words_1_n_-1`)).toBeUndefined();
      expect((check.prepare(`SELECT count(*) AS n FROM "${table}:words_1_n_-1:e"`).get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      check.close();
    }
  });

  it('leaves the entries untouched by an update a unique index refuses, in a transaction that goes on', async () => {
    const { sqlite, memory } = await seed(40);
    for (const c of [sqlite, memory]) await c.createIndexes([{ keys: { n: 1 }, unique: true }]);
    // As a projector's batch does: the refusal is caught and the transaction commits.
    const refused = await store.transaction(() => sqlite.updateOne({ _id: 'd3' }, { $set: { n: 4, words: ['onu'] } }).then(() => false, () => true));
    expect(refused).toBe(true);
    await expectSame(sqlite, memory);
  });

  it('takes the element tables of a dropped collection apart with the rest of it', async () => {
    await seed(50);
    await store.dropCollection('items');
    store.retired.drain();
    const db = new Database(file(), { readonly: true });
    try {
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'd%'`).pluck().all()).toEqual([]);
    } finally {
      db.close();
    }
  });
});
