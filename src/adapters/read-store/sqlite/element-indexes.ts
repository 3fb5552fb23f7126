import type { Database, Statement } from 'better-sqlite3';
import type { SqlValue } from './codec';
import type { DocKeys } from './keys';
import { sameKey } from './keys';

/**
 * Declared indexes led by an array field and followed by scalar fields (`{search_keys: 1,
 * number: -1}`): the "sorted element indexes".
 *
 * The side table `d<n>_m(f, k, rid)` (schema.ts) answers "which rows hold this element" with no
 * order of its own, so a sorted page of a word either read all of the word's rows and sorted
 * them, or walked the list's sort index and checked each row for the word; both cost in
 * proportion to the matches or to the rows ahead of them in the sort. Such a declared index gets
 * a table of its own instead of an SQLite index on the main table (where the array field's key
 * column is always NULL and the index useless): `"d<n>:<index name>:e"(ek, e_k…, erid)`, one
 * entry per element and row, with the row's keys of the following fields, its primary key in the
 * declared order and directions. A page of a word in that order reads its first entries only,
 * as MongoDB's compound multikey index does (sqlite-collection.ts, `elementPage`).
 *
 * The table is kept in step by the row writes (rows.ts); entries are removed by their full key,
 * read from the side table and the row before the row changes, so no second index on `erid` is
 * paid for by every write.
 */
export interface ElementIndex {
  /** The declared index's name. */
  name: string;
  /** The table, quoted for SQL. */
  sqlName: string;
  /** The array field's position in the collection's key fields. */
  field: number;
  /** The fields after it: their key column in the main table, position and direction. */
  cols: ReadonlyArray<{ col: string; field: number; dir: 1 | -1 }>;
}

export const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** The unquoted name of a declared index's element table. */
export function elementTableName(table: string, indexName: string): string {
  return `${table}:${indexName}:e`;
}

/** The element tables of a collection's table (by their name), for the reaper. */
export function elementTablesOf(db: Database, table: string): string[] {
  return db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ? AND name LIKE '%:e'`)
    .pluck()
    .all(table.length + 1, `${table}:`) as string[];
}

/** Creates the table of an element index and fills it from the side table and the rows, unless it exists. */
export function createElementTable(db: Database, main: string, side: string, e: ElementIndex): void {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(elementTableName(main, e.name));
  if (exists) return;
  const cols = e.cols.map((c) => `, e_${c.col}`).join('');
  const key = e.cols.map((c) => `, e_${c.col}${c.dir === -1 ? ' DESC' : ''}`).join('');
  db.exec(`CREATE TABLE ${e.sqlName} (ek${cols}, erid INTEGER NOT NULL, PRIMARY KEY (ek${key}, erid)) WITHOUT ROWID`);
  const from = e.cols.map((c) => `, t.${c.col}`).join('');
  // In the table's key order: appended page after page (300,000 search keys of 10,000 items:
  // 1.2 s in the side table's order, 0.3 s in this one).
  const order = e.cols.map((c) => `, t.${c.col}${c.dir === -1 ? ' DESC' : ''}`).join('');
  db.prepare(`INSERT OR IGNORE INTO ${e.sqlName} SELECT m.k${from}, m.rid FROM ${side} AS m JOIN ${main} AS t ON t.rid = m.rid WHERE m.f = ? ORDER BY m.k${order}, m.rid`).run(e.field);
}

/**
 * Element keys sent as one JSON array (`json_each`) in a single statement rather than one
 * statement each, when they are all strings (search words: dozens per document) and several.
 */
export function asJsonList(keys: readonly SqlValue[]): string | null {
  if (keys.length < BATCH_FROM) return null;
  for (const k of keys) if (typeof k !== 'string') return null;
  return JSON.stringify(keys);
}
const BATCH_FROM = 3;

export function dropElementTable(db: Database, table: string, indexName: string): void {
  db.exec(`DROP TABLE IF EXISTS ${quoted(elementTableName(table, indexName))}`);
}

/** The prepared statements that keep one element index in step with the rows of its collection. */
export class ElementWriter {
  private readonly insert: Statement;
  private readonly insertList: Statement;
  private readonly remove: Statement;
  private readonly removeStored: Statement;

  constructor(
    db: Database,
    main: string,
    side: string,
    readonly index: ElementIndex,
  ) {
    const { sqlName: table, cols } = index;
    const names = cols.map((c) => `, e_${c.col}`).join('');
    this.insert = db.prepare(`INSERT OR IGNORE INTO ${table} (ek${names}, erid) VALUES (?${cols.map(() => ', ?').join('')}, ?)`);
    this.insertList = db.prepare(`INSERT OR IGNORE INTO ${table} (ek${names}, erid) SELECT value${cols.map(() => ', ?').join('')}, ? FROM json_each(?)`);
    this.remove = db.prepare(`DELETE FROM ${table} WHERE ek = ?${cols.map((c) => ` AND e_${c.col} IS ?`).join('')} AND erid = ?`);
    // A row's entries as stored: its elements from the side table, its keys from the row.
    this.removeStored = db.prepare(
      `DELETE FROM ${table} WHERE ek IN (SELECT k FROM ${side} WHERE rid = @rid AND f = @f)` +
        `${cols.map((c) => ` AND e_${c.col} IS (SELECT ${c.col} FROM ${main} WHERE rid = @rid)`).join('')} AND erid = @rid`,
    );
  }

  private sortKeys(keys: DocKeys): SqlValue[] {
    return this.index.cols.map((c) => keys.columns[c.field] ?? null);
  }

  /** Entries of a new row. */
  inserted(rid: number, keys: DocKeys): void {
    this.add(keys.elements[this.index.field] ?? [], this.sortKeys(keys), rid);
  }

  private add(elements: readonly SqlValue[], sort: readonly SqlValue[], rid: number): void {
    const list = asJsonList(elements);
    if (list !== null) this.insertList.run(...sort, rid, list);
    else for (const k of elements) this.insert.run(k, ...sort, rid);
  }

  /** Entries of an updated row: only what differs from `old`, the keys it had. */
  updated(rid: number, keys: DocKeys, old: DocKeys | null): void {
    const before = old?.elements[this.index.field] ?? [];
    const after = keys.elements[this.index.field] ?? [];
    const oldSort = old ? this.sortKeys(old) : [];
    const newSort = this.sortKeys(keys);
    const sameSort = old !== null && oldSort.every((k, i) => sameKey(k, newSort[i]));
    for (const k of before) if (!sameSort || !after.some((a) => sameKey(a, k))) this.remove.run(k, ...oldSort, rid);
    this.add(sameSort ? after.filter((k) => !before.some((b) => sameKey(b, k))) : after, newSort, rid);
  }

  /** Entries of a row about to be deleted (before its row and side table go). */
  deleting(rid: number): void {
    this.removeStored.run({ rid, f: this.index.field });
  }
}
