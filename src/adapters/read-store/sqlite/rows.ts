import type { Database, Statement } from 'better-sqlite3';
import { DuplicateKeyError } from '../../../ports/read-store';
import { keyValues } from '../document/paths';
import type { PlainObject } from '../document/values';
import { decodeDoc, encodeDoc, keyOf, type SqlValue } from './codec';
import type { DocCache } from './doc-cache';
import { asJsonList, ElementWriter, type ElementIndex } from './element-indexes';
import { keysOf, sameKey, type DocKeys } from './keys';
import type { CollectionSchema } from './schema';

export interface StoredRow {
  rid: number;
  v: number;
  dates: number;
  doc: string;
}

/** The columns every read of whole rows selects. */
export const ROW = 'rid, v, dates, doc';

/** How much document text a collection's rows-by-id memory holds at most. */
const RECENT_MAX_BYTES = 4 * 1024 * 1024;
/** And how many rowids and versions by id (a read whose document the parse cache holds). */
const RECENT_MAX_HEADS = 100_000;

/**
 * Row-level reads and writes of one collection's table, with its key columns and side table kept
 * in step with each document. Statements are prepared once per table layout.
 */
export class Rows {
  private layout = -1;
  private byIdStmt!: Statement;
  private headByIdStmt!: Statement;
  private insertStmt!: Statement;
  private deleteStmt!: Statement;
  private deleteSideStmt!: Statement;
  private deleteSideFieldStmt!: Statement;
  private insertSideStmt!: Statement;
  private insertSideListStmt!: Statement;
  /** The collection's element indexes (element-indexes.ts), kept in step with each write. */
  private elementWriters: ElementWriter[] = [];
  private elementIndexList: readonly ElementIndex[] = [];
  private readonly updates = new Map<string, Statement>();
  private readonly selects = new Map<string, Statement>();
  /**
   * Rows by id as last read (null: no such document), valid while the collection is unchanged:
   * every write raises its data version, which empties this. The parties of a list page (its
   * customers and users) and a document read again then cost a map lookup, not a query, until
   * the collection's next write. After a rollback the store builds new Rows, so nothing read
   * inside a transaction that did not commit survives it. Bounded by the text it holds.
   */
  private readonly recent = new Map<SqlValue, StoredRow | null>();
  /** Rowid and version by id, read since the collection's last write (null: no such document). */
  private readonly recentHeads = new Map<SqlValue, { rid: number; v: number } | null>();
  private recentVersion = -1;
  private recentBytes = 0;

  constructor(
    private readonly db: Database,
    readonly schema: CollectionSchema,
    private readonly docs: DocCache,
  ) {}

  private prepare(): void {
    if (this.layout === this.schema.layoutVersion) return;
    const t = this.schema.table;
    const n = this.schema.fields.length;
    const keyCols = Array.from({ length: n }, (_, i) => `, k${i}`).join('');
    const keyParams = Array.from({ length: n }, () => ', ?').join('');
    this.byIdStmt = this.db.prepare(`SELECT ${ROW} FROM ${t} WHERE id = ?`);
    this.headByIdStmt = this.db.prepare(`SELECT rid, v FROM ${t} WHERE id = ?`);
    this.insertStmt = this.db.prepare(`INSERT INTO ${t} (id, v, dates${keyCols}, doc) VALUES (?, 1, ?${keyParams}, ?)`);
    this.deleteStmt = this.db.prepare(`DELETE FROM ${t} WHERE rid = ?`);
    this.deleteSideStmt = this.db.prepare(`DELETE FROM ${this.schema.sideTable} WHERE rid = ?`);
    this.deleteSideFieldStmt = this.db.prepare(`DELETE FROM ${this.schema.sideTable} WHERE rid = ? AND f = ?`);
    this.insertSideStmt = this.db.prepare(`INSERT OR IGNORE INTO ${this.schema.sideTable} (f, k, rid) VALUES (?, ?, ?)`);
    this.insertSideListStmt = this.db.prepare(`INSERT OR IGNORE INTO ${this.schema.sideTable} (f, k, rid) SELECT ?, value, ? FROM json_each(?)`);
    this.elementWriters = this.schema.elementIndexes().map((e) => new ElementWriter(this.db, t, this.schema.sideTable, e));
    this.elementIndexList = this.elementWriters.map((w) => w.index);
    this.updates.clear();
    this.selects.clear();
    this.sorting.clear();
    this.recentVersion = -1;
    this.layout = this.schema.layoutVersion;
  }

  /** The element indexes the collection has (element-indexes.ts). */
  get elementIndexes(): readonly ElementIndex[] {
    this.prepare();
    return this.elementIndexList;
  }

  byId(idKey: SqlValue): StoredRow | undefined {
    this.prepare();
    const recent = this.recentRows();
    const known = recent.get(idKey);
    if (known !== undefined) return known ?? undefined;
    const row = this.byIdStmt.get(idKey) as StoredRow | undefined;
    this.remember(idKey, row);
    return row;
  }

  /**
   * The document of `idKey` to read (shared: not to be changed), with its rowid. When neither the
   * rows read since the last write nor the parse cache at the row's version has it, the row is
   * read and parsed; when the parse cache has it, only the row's id and version are read, not
   * its text (a ticket with its comments is tens of KB, and the rows-by-id memory holds 4 MB),
   * and they are remembered until the collection's next write.
   */
  readById(idKey: SqlValue): { rid: number; doc: PlainObject } | undefined {
    this.prepare();
    const table = this.schema.table;
    let row = this.recentRows().get(idKey);
    if (row === undefined && this.docs.enabled) {
      let head = this.recentHeads.get(idKey);
      if (head === undefined) {
        head = (this.headByIdStmt.get(idKey) as { rid: number; v: number } | undefined) ?? null;
        if (this.recentHeads.size >= RECENT_MAX_HEADS) this.recentHeads.clear();
        this.recentHeads.set(idKey, head);
      }
      if (head === null) return undefined;
      const held = this.docs.held(table, head.rid, head.v);
      if (held !== undefined) return { rid: head.rid, doc: held };
    }
    if (row === undefined) {
      row = (this.byIdStmt.get(idKey) as StoredRow | undefined) ?? null;
      this.remember(idKey, row ?? undefined);
    }
    return row === null ? undefined : { rid: row.rid, doc: this.docs.docOf(table, row) };
  }

  /** The rows read by id since the collection's last write. */
  private recentRows(): Map<SqlValue, StoredRow | null> {
    if (this.recentVersion !== this.schema.dataVersion) {
      this.recent.clear();
      this.recentHeads.clear();
      this.recentBytes = 0;
      this.recentVersion = this.schema.dataVersion;
    }
    return this.recent;
  }

  private remember(idKey: SqlValue, row: StoredRow | undefined): void {
    const size = 64 + (row ? row.doc.length : 0);
    if (this.recentBytes + size > RECENT_MAX_BYTES) {
      this.recent.clear();
      this.recentBytes = 0;
    }
    this.recent.set(idKey, row ?? null);
    this.recentBytes += size;
  }

  private readonly sorting = new Map<string, boolean>();

  /** Whether SQLite sorts the result of `sql` itself (a temp B-tree) instead of reading it in
   * index order; asked once per statement text. */
  sorts(sql: string, params: readonly SqlValue[]): boolean {
    this.prepare();
    let known = this.sorting.get(sql);
    if (known === undefined) {
      const plan = this.statement(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
      known = plan.some((r) => r.detail.includes('TEMP B-TREE'));
      if (this.sorting.size > 500) this.sorting.clear();
      this.sorting.set(sql, known);
    }
    return known;
  }

  /** Rows by rowid, in the order given. */
  byRids(rids: readonly number[]): StoredRow[] {
    const out = new Map<number, StoredRow>();
    for (let i = 0; i < rids.length; i += 500) {
      const chunk = rids.slice(i, i + 500);
      for (const row of this.statement(`SELECT ${ROW} FROM {t} WHERE rid IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as StoredRow[]) out.set(row.rid, row);
    }
    return rids.map((r) => out.get(r)).filter((r): r is StoredRow => r !== undefined);
  }

  /** The rows of several distinct ids, by id (absent: no such document). */
  byIds(idKeys: readonly SqlValue[]): Map<SqlValue, StoredRow> {
    const out = new Map<SqlValue, StoredRow>();
    const recent = this.recentRows();
    const missing: SqlValue[] = [];
    for (const id of idKeys) {
      const known = recent.get(id);
      if (known === undefined) missing.push(id);
      else if (known !== null) out.set(id, known);
    }
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const found = this.statement(`SELECT id, ${ROW} FROM {t} WHERE id IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as Array<StoredRow & { id: SqlValue }>;
      for (const { id, ...row } of found) out.set(id, row);
    }
    for (const id of missing) this.remember(id, out.get(id));
    return out;
  }

  /** A statement over this table; `{t}` and `{side}` stand for the table names. */
  statement(sql: string): Statement {
    this.prepare();
    let s = this.selects.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql.replaceAll('{t}', this.schema.table).replaceAll('{side}', this.schema.sideTable));
      if (this.selects.size > 500) this.selects.clear();
      this.selects.set(sql, s);
    }
    return s;
  }

  /** The keys of `doc`, after teaching the schema the multikey and lossy fields it reveals. */
  keysFor(doc: PlainObject): DocKeys {
    let keys = keysOf(this.schema, doc);
    if (keys.arrays.length || keys.lossy.length) {
      this.learn(keys.arrays, keys.lossy);
      keys = keysOf(this.schema, doc);
    }
    return keys;
  }

  private learn(arrays: readonly string[], lossy: readonly string[]): void {
    this.db.transaction(() => {
      for (const path of lossy) this.schema.lossy.add(path);
      for (const path of arrays) {
        this.backfillElements(path);
        this.schema.becomeMultikey(path);
      }
      this.schema.save();
    })();
  }

  /** Fills the side table for a field that just became multikey, from every stored document. */
  private backfillElements(path: string): void {
    this.prepare();
    const f = this.schema.fields.indexOf(path);
    const parts = this.schema.fieldParts[f]!;
    const rows = this.db.prepare(`SELECT ${ROW} FROM ${this.schema.table}`).all() as StoredRow[];
    for (const row of rows) {
      for (const v of keyValues(decodeDoc(row.doc, row.dates), parts).values) {
        if (Array.isArray(v)) continue;
        const key = keyOf(v);
        if (key !== undefined) this.insertSideStmt.run(f, key, row.rid);
      }
    }
  }

  /** Fills new key columns from every stored document (after schema.addFields). */
  backfillColumns(paths: readonly string[]): void {
    this.prepare();
    // In chunks of rows, so a large table is not read into memory at once.
    const chunk = this.db.prepare(`SELECT ${ROW} FROM ${this.schema.table} WHERE rid > ? ORDER BY rid LIMIT 1000`);
    const indexes = paths.map((p) => this.schema.fields.indexOf(p));
    const set = this.db.prepare(`UPDATE ${this.schema.table} SET ${indexes.map((i) => `k${i} = ?`).join(', ')} WHERE rid = ?`);
    for (let rows = chunk.all(0) as StoredRow[]; rows.length > 0; rows = chunk.all(rows[rows.length - 1]!.rid) as StoredRow[]) {
      for (const row of rows) {
        const keys = this.keysFor(decodeDoc(row.doc, row.dates));
        set.run(...indexes.map((i) => keys.columns[i]!), row.rid);
        for (const i of indexes) for (const k of keys.elements[i] ?? []) this.insertSideStmt.run(i, k, row.rid);
      }
    }
  }

  insert(idKey: SqlValue, doc: PlainObject, keys: DocKeys): number {
    this.prepare();
    const { text, dates } = encodeDoc(doc);
    let rid: number;
    try {
      rid = Number(this.insertStmt.run(idKey, dates, ...keys.columns, text).lastInsertRowid);
    } catch (err) {
      throw this.duplicate(err, doc);
    }
    this.writeElements(rid, keys, null);
    for (const w of this.elementWriters) w.inserted(rid, keys);
    this.schema.dataVersion++;
    return rid;
  }

  update(rid: number, doc: PlainObject, keys: DocKeys, old: DocKeys | null): void {
    this.prepare();
    const changed: number[] = [];
    for (let i = 0; i < keys.columns.length; i++) if (!old || !sameKey(keys.columns[i], old.columns[i])) changed.push(i);
    const mask = changed.join(',');
    let stmt = this.updates.get(mask);
    if (stmt === undefined) {
      const sets = changed.map((i) => `, k${i} = ?`).join('');
      stmt = this.db.prepare(`UPDATE ${this.schema.table} SET v = v + 1, dates = ?, doc = ?${sets} WHERE rid = ?`);
      this.updates.set(mask, stmt);
    }
    const { text, dates } = encodeDoc(doc);
    // The element indexes need the stored keys: read from the row when not given or older than
    // the field's becoming multikey.
    const stored = this.elementWriters.some((w) => !old?.elements[w.index.field]) ? this.storedKeys(rid) : old;
    try {
      stmt.run(dates, text, ...changed.map((i) => keys.columns[i]!), rid);
    } catch (err) {
      throw this.duplicate(err, doc);
    }
    for (const w of this.elementWriters) w.updated(rid, keys, stored);
    this.writeElements(rid, keys, old);
    this.schema.dataVersion++;
  }

  /** The keys of a row as stored. */
  private storedKeys(rid: number): DocKeys | null {
    const row = this.statement(`SELECT ${ROW} FROM {t} WHERE rid = ?`).get(rid) as StoredRow | undefined;
    return row ? keysOf(this.schema, decodeDoc(row.doc, row.dates)) : null;
  }

  delete(rid: number): void {
    this.prepare();
    for (const w of this.elementWriters) w.deleting(rid);
    this.deleteStmt.run(rid);
    this.docs.forgetRow(this.schema.table, rid);
    if (this.schema.multikey.size) this.deleteSideStmt.run(rid);
    this.schema.dataVersion++;
  }

  private writeElements(rid: number, keys: DocKeys, old: DocKeys | null): void {
    if (this.schema.multikey.size === 0) return;
    for (let f = 0; f < keys.elements.length; f++) {
      const elements = keys.elements[f];
      if (!elements) continue;
      const before = old?.elements[f];
      if (before && before.length === elements.length && before.every((k, i) => sameKey(k, elements[i]))) continue;
      if (old) this.deleteSideFieldStmt.run(rid, f);
      const list = asJsonList(elements);
      if (list !== null) this.insertSideListStmt.run(f, rid, list);
      else for (const k of elements) this.insertSideStmt.run(f, k, rid);
    }
  }

  /** A unique constraint failure as the port's DuplicateKeyError; anything else as it is. */
  private duplicate(err: unknown, doc: PlainObject): unknown {
    const code = (err as { code?: string }).code;
    if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return err;
    const message = (err as Error).message;
    if (message.includes(`${this.schema.table}.id`) || message.includes(`${this.schema.table}_id`)) {
      return new DuplicateKeyError(this.schema.name, { _id: doc._id });
    }
    const violated = this.schema.indexes.find((ix) => ix.unique && message.includes(ix.name));
    const key: Record<string, unknown> = {};
    for (const [path] of violated?.keys ?? []) key[path] = keyValues(doc, this.schema.fieldParts[this.schema.fields.indexOf(path)] ?? [path]).values[0];
    return new DuplicateKeyError(this.schema.name, violated ? key : { index: 'unique' });
  }
}
