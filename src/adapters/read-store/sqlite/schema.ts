/**
 * One collection's table, its key columns and its SQLite indexes.
 *
 * A collection is a table `d<n>`: `rid` (rowid), `id` (the `_id` key), `v` (the row's version,
 * raised by every update: what a cached parse is checked against), `dates` (whether the document
 * holds Dates, codec.ts), one key column `k<i>` per field path any declared index names, then
 * `doc` (the JSON text). Key columns come before `doc` so that reading them never
 * walks the document's overflow pages. Declared indexes become SQLite indexes on the key
 * columns, in the declared order and directions; unique ones index `ifnull(k, x'00')`, because
 * MongoDB counts a missing field as null and lets only one document have it, where SQLite lets
 * NULLs repeat.
 *
 * A field that holds an array in some document is multikey: its elements (or its one value, for
 * the documents where it is not an array) go to the side table `d<n>_m(f, k, rid)`, which
 * queries on that field use instead of the key column. A declared index led by a multikey field
 * and followed by scalar fields is a table of its own, ordered by those fields
 * (element-indexes.ts). A field whose value has no exact key
 * (NaN, a RegExp ...) is marked lossy and is never used to narrow a query.
 *
 * The catalogue `_rs_collections` maps collection names to tables, so renaming a collection
 * (swapping a rebuilt read model in) changes one row, in the same transaction as the drop of
 * the table it replaces.
 */
import type { Database } from 'better-sqlite3';
import type { IndexSpec } from '../../../ports/read-store';
import { splitPath } from '../document/paths';
import { createElementTable, dropElementTable, elementTableName, quoted as q, type ElementIndex } from './element-indexes';
import { retireTable } from './retired-tables';

export const CATALOGUE = '_rs_collections';

/** The layout this code writes; a file of another layout is not read (it is rebuilt from the log). */
export const FORMAT = '3';

export interface StoredIndex {
  name: string;
  keys: Array<[string, 1 | -1]>;
  unique: boolean;
}

interface CatalogueRow {
  name: string;
  tbl: string;
  fields: string;
  multikey: string;
  lossy: string;
  indexes: string;
}

export function createCatalogue(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${CATALOGUE} (
    name TEXT PRIMARY KEY,
    tbl TEXT NOT NULL UNIQUE,
    fields TEXT NOT NULL,
    multikey TEXT NOT NULL,
    lossy TEXT NOT NULL,
    indexes TEXT NOT NULL
  )`);
  db.exec(`CREATE TABLE IF NOT EXISTS _rs_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL)`);
  db.exec(`INSERT OR IGNORE INTO _rs_sequence (id, next) VALUES (1, 1)`);
}

export function indexName(spec: IndexSpec): string {
  return spec.name ?? Object.entries(spec.keys).map(([k, d]) => `${k}_${d}`).join('_');
}

/** A collection's layout: table, key columns, multikey and lossy fields, indexes. */
export class CollectionSchema {
  /** Column of each key field, by path. */
  readonly columnOf = new Map<string, string>();
  readonly fieldParts: Array<readonly string[]> = [];
  /** Bumped whenever the layout changes: prepared statements are made again. */
  layoutVersion = 0;
  /** Bumped on every write: cached counts are only valid for the version they were made at. */
  dataVersion = 0;
  /**
   * Declared (non-unique) indexes that exist only in the catalogue so far: declared during the
   * first build of a new file, or lacking in a file of an earlier layout, they are created when
   * the start's catch-up is over, or before a query that could use them (sqlite-read-store.ts,
   * `caughtUp`).
   */
  deferred: StoredIndex[] = [];

  constructor(
    private readonly db: Database,
    public name: string,
    readonly table: string,
    public fields: string[],
    readonly multikey: Set<string>,
    readonly lossy: Set<string>,
    public indexes: StoredIndex[],
  ) {
    this.index();
  }

  static fromRow(db: Database, row: CatalogueRow): CollectionSchema {
    return new CollectionSchema(
      db,
      row.name,
      row.tbl,
      JSON.parse(row.fields) as string[],
      new Set(JSON.parse(row.multikey) as string[]),
      new Set(JSON.parse(row.lossy) as string[]),
      JSON.parse(row.indexes) as StoredIndex[],
    );
  }

  /** Creates the table of a new collection (in the caller's transaction). */
  static create(db: Database, name: string): CollectionSchema {
    const seq = db.prepare(`UPDATE _rs_sequence SET next = next + 1 WHERE id = 1 RETURNING next - 1 AS n`).get() as { n: number };
    const table = `d${seq.n}`;
    const schema = new CollectionSchema(db, name, table, [], new Set(), new Set(), []);
    schema.createTable(table, []);
    db.prepare(`INSERT INTO ${CATALOGUE} (name, tbl, fields, multikey, lossy, indexes) VALUES (?, ?, '[]', '[]', '[]', '[]')`).run(name, table);
    return schema;
  }

  get sideTable(): string {
    return `${this.table}_m`;
  }

  get hasUniqueIndex(): boolean {
    return this.indexes.some((i) => i.unique);
  }

  private index(): void {
    this.columnOf.clear();
    this.fieldParts.length = 0;
    this.fields.forEach((f, i) => {
      this.columnOf.set(f, `k${i}`);
      this.fieldParts.push(splitPath(f));
    });
  }

  private createTable(table: string, fields: readonly string[]): void {
    const keys = fields.map((_, i) => `, k${i}`).join('');
    this.db.exec(`CREATE TABLE ${table} (rid INTEGER PRIMARY KEY, id NOT NULL, v INTEGER NOT NULL, dates INTEGER NOT NULL${keys}, doc TEXT NOT NULL)`);
    this.db.exec(`CREATE UNIQUE INDEX ${table}_id ON ${table} (id)`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table}_m (f INTEGER NOT NULL, k, rid INTEGER NOT NULL, PRIMARY KEY (f, k, rid)) WITHOUT ROWID`);
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${table}_m_rid ON ${table}_m (rid)`);
  }

  save(): void {
    this.db
      .prepare(`UPDATE ${CATALOGUE} SET fields = ?, multikey = ?, lossy = ?, indexes = ? WHERE tbl = ?`)
      .run(JSON.stringify(this.fields), JSON.stringify([...this.multikey]), JSON.stringify([...this.lossy]), JSON.stringify(this.indexes), this.table);
  }

  /**
   * Adds key columns for `paths` not yet keyed. The table is rebuilt with the new columns before
   * `doc`, keeping rids; the caller fills the new columns (a backfill from the documents).
   */
  addFields(paths: readonly string[]): string[] {
    const added = paths.filter((p) => !this.columnOf.has(p));
    if (added.length === 0) return [];
    const fields = [...this.fields, ...added];
    const tmp = `${this.table}_tmp`;
    const old = this.fields.map((_, i) => `, k${i}`).join('');
    this.db.exec(`DROP TABLE IF EXISTS ${tmp}`);
    const keys = fields.map((_, i) => `, k${i}`).join('');
    this.db.exec(`CREATE TABLE ${tmp} (rid INTEGER PRIMARY KEY, id NOT NULL, v INTEGER NOT NULL, dates INTEGER NOT NULL${keys}, doc TEXT NOT NULL)`);
    this.db.exec(`INSERT INTO ${tmp} (rid, id, v, dates${old}, doc) SELECT rid, id, v, dates${old}, doc FROM ${this.table}`);
    this.db.exec(`DROP TABLE ${this.table}`);
    this.db.exec(`ALTER TABLE ${tmp} RENAME TO ${this.table}`);
    this.db.exec(`CREATE UNIQUE INDEX ${this.table}_id ON ${this.table} (id)`);
    this.fields = fields;
    this.index();
    for (const ix of this.indexes) this.createSqlIndex(ix);
    this.deferred = [];
    this.layoutVersion++;
    this.save();
    return added;
  }

  /**
   * The SQLite index of a declared index. A unique one is an index on `ifnull(k, x'00')` (the
   * constraint, with MongoDB's one-missing rule), which SQLite cannot use for conditions and sorts
   * on the column itself, so it gets a plain index on the same columns beside it for queries.
   */
  createSqlIndex(ix: StoredIndex): void {
    const element = this.elementIndexOf(ix);
    if (element) {
      // An SQLite index of the same name, made before the field held arrays, indexes NULLs only.
      this.db.exec(`DROP INDEX IF EXISTS ${q(`${this.table}:${ix.name}`)}`);
      createElementTable(this.db, this.table, this.sideTable, element);
      this.layoutVersion++;
      return;
    }
    const cols = (unique: boolean) =>
      ix.keys
        .map(([path, dir]) => {
          const col = path === '_id' ? 'id' : this.columnOf.get(path)!;
          return `${unique ? `ifnull(${col}, x'00')` : col} ${dir === -1 ? 'DESC' : 'ASC'}`;
        })
        .join(', ');
    if (ix.unique) {
      this.db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${q(`${this.table}:${ix.name}`)} ON ${this.table} (${cols(true)})`);
      // `_id` alone is already the table's own unique index on `id`.
      if (ix.keys.length === 1 && ix.keys[0]![0] === '_id') return;
    }
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${q(`${this.table}:${ix.name}${ix.unique ? ':q' : ''}`)} ON ${this.table} (${cols(false)})`);
  }

  /** Creates up to `count` of the deferred indexes. Statements are prepared again, so their
   * plans can use them. */
  createDeferredIndexes(count = Infinity): void {
    if (this.deferred.length === 0) return;
    for (const ix of this.deferred.slice(0, count)) this.createSqlIndex(ix);
    this.deferred = this.deferred.slice(count);
    this.layoutVersion++;
  }

  /**
   * Drops the element tables a build without them has let go stale, so they are built again:
   * such a build keeps the declared index as a plain SQLite index of the same name (which this
   * code drops when it makes the table) and does not write the table. Found at open by both
   * being in the file (`existing`, updated). Rolling a deployment back and forward again then
   * costs the tables' rebuild from the rows, never a search answered from a stale table. The two
   * drops need no transaction: a table dropped alone is built again (createSqlIndex drops the
   * plain index then).
   */
  dropStaleElementTables(existing: Set<string>): void {
    for (const ix of this.indexes) {
      const plain = `${this.table}:${ix.name}`;
      const table = elementTableName(this.table, ix.name);
      if (!this.elementIndexOf(ix) || !existing.has(plain) || !existing.has(table)) continue;
      dropElementTable(this.db, this.table, ix.name);
      this.db.exec(`DROP INDEX IF EXISTS ${q(plain)}`);
      existing.delete(table);
      existing.delete(plain);
    }
  }

  /** Takes the declared indexes the file does not have as deferred; `existing`: the names of
   * the file's indexes. */
  noteMissingIndexes(existing: ReadonlySet<string>): void {
    this.deferred = this.indexes.filter((ix) => !existing.has(this.elementIndexOf(ix) ? elementTableName(this.table, ix.name) : `${this.table}:${ix.name}`));
  }

  /**
   * The element index of a declared index (element-indexes.ts), or null: a non-unique index
   * whose first field is multikey and whose other fields (one at least) are keyed, not multikey.
   */
  elementIndexOf(ix: StoredIndex): ElementIndex | null {
    if (ix.unique || ix.keys.length < 2 || !this.multikey.has(ix.keys[0]![0])) return null;
    const rest = ix.keys.slice(1);
    if (rest.some(([p]) => p === '_id' || this.multikey.has(p) || !this.columnOf.has(p))) return null;
    return {
      name: ix.name,
      sqlName: q(elementTableName(this.table, ix.name)),
      field: this.fields.indexOf(ix.keys[0]![0]),
      cols: rest.map(([p, dir]) => ({ col: this.columnOf.get(p)!, field: this.fields.indexOf(p), dir })),
    };
  }

  /** The element indexes the file has (not deferred). */
  elementIndexes(): ElementIndex[] {
    return this.indexes.filter((ix) => !this.deferred.includes(ix)).flatMap((ix) => this.elementIndexOf(ix) ?? []);
  }

  /**
   * Makes `path` multikey (its side-table entries already written), turning the indexes this
   * changes from SQLite indexes into element tables or back.
   */
  becomeMultikey(path: string): void {
    const before = new Map(this.indexes.map((ix) => [ix, this.elementIndexOf(ix) !== null]));
    this.multikey.add(path);
    for (const ix of this.indexes) {
      if (this.deferred.includes(ix) || (this.elementIndexOf(ix) !== null) === before.get(ix)) continue;
      if (before.get(ix)) dropElementTable(this.db, this.table, ix.name);
      this.createSqlIndex(ix);
    }
    this.layoutVersion++;
  }

  /** Drops a declared index; its key columns stay (other indexes may name them). Statements
   * are prepared again, since their plans may have used it. */
  dropSqlIndex(ix: StoredIndex): void {
    this.db.exec(`DROP INDEX IF EXISTS ${q(`${this.table}:${ix.name}`)}`);
    dropElementTable(this.db, this.table, ix.name);
    this.db.exec(`DROP INDEX IF EXISTS ${q(`${this.table}:${ix.name}:q`)}`);
    this.indexes = this.indexes.filter((i) => i !== ix);
    this.deferred = this.deferred.filter((i) => i !== ix);
    this.layoutVersion++;
  }

  /** Takes the collection out of the catalogue; its tables are emptied and dropped later, a
   * little at a time (retired-tables.ts). */
  retire(): void {
    this.db.prepare(`DELETE FROM ${CATALOGUE} WHERE tbl = ?`).run(this.table);
    retireTable(this.db, this.table);
  }

  rename(to: string): void {
    this.db.prepare(`UPDATE ${CATALOGUE} SET name = ? WHERE tbl = ?`).run(to, this.table);
    this.name = to;
  }
}

/** The names of the file's SQLite indexes and tables (element indexes are tables). */
export function sqlIndexNames(db: Database): Set<string> {
  return new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('index', 'table')`).pluck().all() as string[]));
}

export function loadSchemas(db: Database): CollectionSchema[] {
  const rows = db.prepare(`SELECT name, tbl, fields, multikey, lossy, indexes FROM ${CATALOGUE}`).all() as CatalogueRow[];
  return rows.map((r) => CollectionSchema.fromRow(db, r));
}
