import type { Collection, Doc, Filter, FindOptions, IndexSpec, SortSpec, Update, UpdateResult } from '../../../ports/read-store';
import { DuplicateKeyError } from '../../../ports/read-store';
import type { Pipeline } from '../document/aggregate';
import { deepFreeze } from '../../../domain/shared/deep-freeze';
import { cloneStored, cloneValue } from '../document/clone';
import { compileFilter, UnsupportedOperatorError, type Predicate } from '../document/filter';
import { collectDistinct, splitPath } from '../document/paths';
import { isSimpleFilter, matchesSimple, pinnedIds } from '../document/pinned';
import { compileProjection } from '../document/projection';
import { compileSort, sortItems } from '../document/sort';
import { compileUpdate, UpdateError, upsertSeed } from '../document/update';
import { compareValues, isPlainObject, valuesEqual, type PlainObject } from '../document/values';
import { decodeDoc, keyOf } from './codec';
import { planElementPage, type ElementPlan } from './element-pages';
import { filterKey } from './filter-key';
import { ROW, type Rows, type StoredRow } from './rows';
import { indexName, type StoredIndex } from './schema';
import type { PageHead, StoreInternals } from './sqlite-read-store';
import { ELEMENTS_EXISTS, ELEMENTS_IN, orderTerms, translateFilter, translateSort, type Translated } from './translate';
import type { Entry } from './unit-of-work';

const NO_MATCH: UpdateResult = { matchedCount: 0, modifiedCount: 0, upsertedId: null };

interface Candidate {
  /** null for a document held only by the transaction's unit of work. */
  rid: number | null;
  id: string | null;
  doc: PlainObject;
  /** The unit of work's entry, when the document came from it (a live object: copy on the way out). */
  entry: Entry | null;
  /** The document is the parse cache's (shared): copied on the way out, never changed. */
  shared: boolean;
}

/**
 * How candidates are read: from the parse cache, shared with other readers (and kept there), or
 * parsed for the caller alone (to be written, or read once: FindOptions.once).
 */
type Purpose = 'shared' | 'own';

/**
 * A predicate over documents for a filter; simple filters are interpreted without compiling.
 * `pinned`: the documents were picked by the filter's top-level `_id`, which then holds.
 */
function matcherOf(filter: Filter | undefined, pinned = false): Predicate {
  if (filter === undefined || filter === null) return () => true;
  if (isSimpleFilter(filter, pinned)) return (d) => matchesSimple(d, filter, pinned);
  return compileFilter(filter);
}

/**
 * A collection of the SQLite read store (sqlite-read-store.ts): documents as JSON text in their
 * table, queries translated to SQL over the key columns (translate.ts) and checked in code where
 * SQL could not settle them, updates with the shared document engine (../document/update.ts).
 * The handle looks its table up by name on every call, so it keeps working across
 * renameCollection and dropCollection, as a MongoDB handle does.
 */
export class SqliteCollection<T extends Doc = Doc> implements Collection<T> {
  constructor(
    private readonly store: StoreInternals,
    readonly name: string,
  ) {}

  async createIndexes(specs: readonly IndexSpec[]): Promise<void> {
    this.store.atomically(() => {
      const rows = this.store.rowsForWrite(this.name);
      const schema = rows.schema;
      const wanted: StoredIndex[] = specs.map((s) => ({ name: indexName(s), keys: Object.entries(s.keys), unique: s.unique === true }));
      const fresh = wanted.filter((w) => !schema.indexes.some((ix) => ix.name === w.name));
      if (fresh.length === 0) return;
      this.store.uow?.flush(rows);
      const added = schema.addFields([...new Set(fresh.flatMap((ix) => ix.keys.map(([p]) => p)).filter((p) => p !== '_id'))]);
      if (added.length) rows.backfillColumns(added);
      for (const ix of fresh) {
        if (!ix.unique && this.store.defersIndexes) {
          // Created when the first build is over, or before a query (sqlite-read-store.ts).
          schema.deferred.push(ix);
          schema.indexes.push(ix);
          continue;
        }
        try {
          schema.createSqlIndex(ix);
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateKeyError(this.name, { index: ix.name });
          throw err;
        }
        schema.indexes.push(ix);
      }
      schema.save();
    });
  }

  async dropIndexes(names: readonly string[]): Promise<void> {
    this.store.atomically(() => {
      const rows = this.store.rowsFor(this.name);
      const gone = rows?.schema.indexes.filter((ix) => names.includes(ix.name)) ?? [];
      if (rows === undefined || gone.length === 0) return;
      this.store.uow?.flush(rows);
      for (const ix of gone) rows.schema.dropSqlIndex(ix);
      rows.schema.save();
    });
  }

  async insertOne(doc: T): Promise<void> {
    this.store.write(() => this.insertSync(doc));
  }

  async insertMany(docs: readonly T[]): Promise<void> {
    // Ordered, like MongoDB's default: documents before a failing one stay inserted.
    for (const doc of docs) this.store.write(() => this.insertSync(doc));
  }

  private insertSync(doc: T): void {
    if (!isPlainObject(doc)) throw new TypeError('A document must be an object');
    const copy = cloneValue(doc) as PlainObject;
    const stored = copy._id === undefined ? { _id: this.store.newId(), ...copy } : copy;
    const rows = this.store.rowsForWrite(this.name);
    const uow = this.store.uow;
    if (uow && typeof stored._id === 'string') {
      const e = uow.entry(rows, stored._id);
      if (e.doc !== null) throw new DuplicateKeyError(this.name, { _id: stored._id });
      e.doc = stored;
      e.dirty = true;
      if (rows.schema.hasUniqueIndex) this.writeThrough(e, stored._id, () => (e.doc = null));
      return;
    }
    if (uow) uow.flush(rows);
    const idKey = keyOf(stored._id);
    if (idKey === undefined || idKey === null) throw new TypeError('A document _id must be a string, number, Date, boolean or object');
    rows.insert(idKey, stored, rows.keysFor(stored));
  }

  /** Writes an entry now (unique indexes); on failure restores it with `undo` and rethrows. */
  private writeThrough(e: Entry, id: string, undo: () => void): void {
    try {
      this.store.uow!.write(this.store.rowsForWrite(this.name), id, e);
    } catch (err) {
      undo();
      e.dirty = false;
      throw err;
    }
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    return (this.select(filter, { ...options, limit: 1 })[0] as T | undefined) ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return this.select(filter, options) as T[];
  }

  async countDocuments(filter?: Filter): Promise<number> {
    const rows = this.store.rowsFor(this.name);
    if (rows === undefined) return 0;
    const pinned = this.pinned(filter);
    if (pinned) return this.pinnedCandidates(pinned, filter!, 'shared').length;
    this.store.uow?.flush(rows);
    this.store.indexed(rows);
    return this.count(rows, filter);
  }

  /** A filter's count, from the count cache when the collection has not changed since. */
  private count(rows: Rows, filter: Filter | undefined): number {
    const schema = rows.schema;
    const key = filterKey(filter);
    const cached = this.store.counts.get(schema, key);
    if (cached !== undefined) return cached;
    const t = this.driveBySmallestLookup(rows, translateFilter(schema, filter));
    let count: number;
    if (t.exact) {
      count = (rows.statement(`SELECT count(*) AS n FROM {t}${where(t)}`).get(...t.params) as { n: number }).n;
    } else {
      const match = matcherOf(filter);
      count = 0;
      for (const row of rows.statement(`SELECT ${ROW} FROM {t}${where(t)}`).iterate(...t.params) as Iterable<StoredRow>) {
        if (match(this.store.docs.docOf(rows.schema.table, row))) count++;
      }
    }
    this.store.counts.set(schema, key, count);
    return count;
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    return this.store.write(() => this.updateOneSync(filter, update, options.upsert === true));
  }

  private updateOneSync(filter: Filter, update: Update, upsert: boolean): UpdateResult {
    const compiled = compileUpdate(update);
    const found = this.oneByIdInTransaction(filter) ?? this.candidates(filter, { limit: 1 }, 'own')[0];
    if (found !== undefined) {
      const { entry } = found;
      if (entry) {
        // The unit of work's own document: updated in place.
        const next = compiled.apply(entry.doc as Doc, false, true);
        if (next === null) return { matchedCount: 1, modifiedCount: 0, upsertedId: null };
        const before = entry.doc;
        entry.doc = next;
        entry.dirty = true;
        if (this.store.rowsForWrite(this.name).schema.hasUniqueIndex) {
          this.writeThrough(entry, found.id!, () => {
            compiled.undo();
            entry.doc = before;
          });
        }
        return { matchedCount: 1, modifiedCount: 1, upsertedId: null };
      }
      const rows = this.store.rowsForWrite(this.name);
      const old = rows.keysFor(found.doc);
      const next = compiled.apply(found.doc as Doc, false, true);
      if (next === null) return { matchedCount: 1, modifiedCount: 0, upsertedId: null };
      rows.update(found.rid!, next, rows.keysFor(next), old);
      return { matchedCount: 1, modifiedCount: 1, upsertedId: null };
    }
    if (!upsert) return NO_MATCH;
    const seed = upsertSeed(filter);
    const built = (compiled.apply(seed as Doc, true, true) ?? seed) as PlainObject;
    const doc = built._id === undefined ? { _id: this.store.newId(), ...built } : built;
    this.insertSync(doc as T);
    return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id as string };
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    return this.store.write(() => {
      const compiled = compileUpdate(update);
      const found = this.candidates(filter, {}, 'own');
      let modified = 0;
      const rows = this.store.rowsForWrite(this.name);
      for (const c of found) {
        const old = c.entry ? null : rows.keysFor(c.doc);
        const next = compiled.apply(c.doc as Doc, false, true);
        if (next === null) continue;
        if (c.entry) {
          c.entry.doc = next;
          c.entry.dirty = true;
          if (this.store.rowsForWrite(this.name).schema.hasUniqueIndex) this.writeThrough(c.entry, c.id!, () => compiled.undo());
        } else {
          rows.update(c.rid!, next, rows.keysFor(next), old);
        }
        modified++;
      }
      return { matchedCount: found.length, modifiedCount: modified, upsertedId: null };
    });
  }

  async replaceOne(filter: Filter, doc: T, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    if (!isPlainObject(doc)) throw new TypeError('A replacement must be an object');
    for (const k of Object.keys(doc)) {
      if (k.charCodeAt(0) === 36) throw new UpdateError('A replacement document may not contain update operators');
    }
    return this.store.write(() => {
      const { _id: givenId, ...rest } = cloneValue(doc) as PlainObject;
      const found = this.candidates(filter, { limit: 1 }, 'own')[0];
      if (found !== undefined) {
        const currentId = found.doc._id;
        if (givenId !== undefined && !valuesEqual(givenId, currentId)) {
          throw new UpdateError("Performing an update on the path '_id' would modify the immutable field '_id'");
        }
        const next = { _id: currentId, ...rest };
        if (valuesEqual(next, found.doc)) return { matchedCount: 1, modifiedCount: 0, upsertedId: null };
        if (found.entry) {
          const before = found.entry.doc;
          found.entry.doc = next;
          found.entry.dirty = true;
          if (this.store.rowsForWrite(this.name).schema.hasUniqueIndex) this.writeThrough(found.entry, found.id!, () => (found.entry!.doc = before));
        } else {
          const rows = this.store.rowsForWrite(this.name);
          rows.update(found.rid!, next, rows.keysFor(next), rows.keysFor(found.doc));
        }
        return { matchedCount: 1, modifiedCount: 1, upsertedId: null };
      }
      if (!options.upsert) return NO_MATCH;
      const filterId = upsertSeed(filter)._id;
      if (filterId !== undefined && givenId !== undefined && !valuesEqual(filterId, givenId)) {
        throw new UpdateError("The _id of the replacement differs from the filter's _id");
      }
      const id = filterId ?? givenId ?? this.store.newId();
      this.insertSync({ _id: id, ...rest } as T);
      return { matchedCount: 0, modifiedCount: 0, upsertedId: id as string };
    });
  }

  async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    return this.store.write(() => ({ deletedCount: this.remove(this.candidates(filter, { limit: 1 }, 'own')) }));
  }

  async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    return this.store.write(() => {
      const rows = this.store.rowsFor(this.name);
      if (rows === undefined) return { deletedCount: 0 };
      if (!this.pinned(filter)) {
        this.store.uow?.flush(rows);
        this.store.indexed(rows);
        const t = translateFilter(rows.schema, filter);
        if (t.exact && rows.schema.multikey.size === 0) {
          const n = rows.statement(`DELETE FROM {t}${where(t)}`).run(...t.params).changes;
          if (n > 0) {
            rows.schema.dataVersion++;
            this.store.docs.forgetTable(rows.schema.table);
          }
          return { deletedCount: n };
        }
      }
      return { deletedCount: this.remove(this.candidates(filter, {}, 'own')) };
    });
  }

  private remove(found: readonly Candidate[]): number {
    const rows = this.store.rowsForWrite(this.name);
    for (const c of found) {
      if (c.entry) {
        c.entry.doc = null;
        c.entry.dirty = true;
        if (rows.schema.hasUniqueIndex) this.store.uow!.write(rows, c.id!, c.entry);
      } else rows.delete(c.rid!);
    }
    return found.length;
  }

  async aggregate<R = Doc>(pipeline: readonly Record<string, unknown>[]): Promise<R[]> {
    const { input, rest } = this.pushDown(pipeline);
    return this.store.engine.run(input, rest) as R[];
  }

  async distinct(field: string, filter?: Filter): Promise<unknown[]> {
    const parts = splitPath(field);
    const values: unknown[] = [];
    for (const c of this.candidates(filter ?? {}, {}, 'shared')) collectDistinct(c.doc, parts, 0, values);
    values.sort(compareValues);
    return values.filter((v, i) => i === 0 || compareValues(values[i - 1], v) !== 0).map((v) => cloneStored(v));
  }

  /** The SQL a find would run, and SQLite's plan for it (EXPLAIN QUERY PLAN), for tests and
   * operators. `exact`: no check in code is needed. */
  explain(filter: Filter, options: FindOptions = {}): { sql: string; exact: boolean; sortedBySql: boolean; plan: string[] } {
    const rows = this.store.rowsFor(this.name);
    if (rows === undefined) return { sql: '', exact: true, sortedBySql: true, plan: [] };
    this.store.indexed(rows);
    const order = translateSort(rows.schema, options.sort);
    const base = translateFilter(rows.schema, filter);
    const byElements = base.exact && order && options.limit ? this.elementPlan(rows, filter, base, order, options.skip ?? 0, options.limit) : null;
    if (byElements) {
      const plan = (rows.statement(`EXPLAIN QUERY PLAN ${byElements.sql}`).all(...byElements.params) as Array<{ detail: string }>).map((r) => r.detail);
      return { sql: byElements.sql, exact: true, sortedBySql: true, plan };
    }
    const t = this.planElements(rows, filter, base, order, (options.skip ?? 0) + (options.limit ?? 0));
    const sql = `SELECT ${ROW} FROM {t}${where(t)}${order ? ` ORDER BY ${order}` : ''}`;
    const plan = (rows.statement(`EXPLAIN QUERY PLAN ${sql}`).all(...t.params) as Array<{ detail: string }>).map((r) => r.detail);
    return { sql, exact: t.exact, sortedBySql: order !== null, plan };
  }

  /** Explains the count of a filter, as {@link explain} does. */
  explainCount(filter?: Filter): { sql: string; exact: boolean; plan: string[] } {
    const rows = this.store.rowsFor(this.name);
    if (rows === undefined) return { sql: '', exact: true, plan: [] };
    this.store.indexed(rows);
    const t = this.driveBySmallestLookup(rows, translateFilter(rows.schema, filter));
    const sql = t.exact ? `SELECT count(*) FROM {t}${where(t)}` : `SELECT ${ROW} FROM {t}${where(t)}`;
    const plan = (rows.statement(`EXPLAIN QUERY PLAN ${sql}`).all(...t.params) as Array<{ detail: string }>).map((r) => r.detail);
    return { sql, exact: t.exact, plan };
  }

  private pinned(filter: Filter | undefined): readonly string[] | null {
    const ids = pinnedIds(filter);
    if (ids === undefined) return null;
    return typeof ids === 'string' ? [ids] : ids;
  }

  /** Documents of a filter that pins `_id`: from the unit of work in a transaction, else by id,
   * in the order of the ids (first occurrences). */
  private pinnedCandidates(ids: readonly string[], filter: Filter, purpose: Purpose): Candidate[] {
    const rows = this.store.rowsFor(this.name);
    if (rows === undefined) return [];
    const match = matcherOf(filter, true);
    const out: Candidate[] = [];
    const uow = this.store.uow;
    if (uow) {
      for (const id of new Set(ids)) {
        const e = uow.entry(rows, id);
        if (e.doc !== null && match(e.doc)) out.push({ rid: e.rid, id, doc: e.doc, entry: e, shared: false });
      }
      return out;
    }
    const table = rows.schema.table;
    const docOf = (row: StoredRow) => (purpose === 'shared' ? this.store.docs.docOf(table, row) : decodeDoc(row.doc, row.dates));
    if (ids.length === 1 && purpose === 'shared') {
      // One document to read: its parse, found by its rowid and version (Rows.readById).
      const found = rows.readById(ids[0]!);
      if (found !== undefined && match(found.doc)) out.push({ rid: found.rid, id: ids[0]!, doc: found.doc, entry: null, shared: true });
      return out;
    }
    const unique = [...new Set(ids)];
    const byId = rows.byIds(unique);
    for (const id of unique) {
      const row = byId.get(id);
      if (row === undefined) continue;
      const doc = docOf(row);
      if (match(doc)) out.push({ rid: row.rid, id, doc, entry: null, shared: purpose === 'shared' });
    }
    return out;
  }

  /**
   * The common case of a projector's write: one document by its string `_id` in a transaction
   * (the idempotency guard of applyOnce), straight from the unit of work. Undefined when the
   * filter is not of that shape (the general path answers it); null when nothing matches.
   */
  private oneByIdInTransaction(filter: Filter): Candidate | undefined {
    const uow = this.store.uow;
    const id = filter._id;
    if (uow === null || typeof id !== 'string') return undefined;
    const rows = this.store.rowsFor(this.name);
    if (rows === undefined) return undefined;
    const e = uow.entry(rows, id);
    if (e.doc === null || !matcherOf(filter, true)(e.doc)) return undefined;
    return { rid: e.rid, id, doc: e.doc, entry: e, shared: false };
  }

  /** What a find gives the caller: projected copies, in order. */
  private select(filter: Filter, options: FindOptions): PlainObject[] {
    // Shared documents (the parse cache's, the unit of work's) are copied; a projection copies.
    // A reader that only reads gets the parse cache's documents themselves, frozen (or their
    // projections' values): copying a page's documents was about a tenth of a list request.
    // The unit of work's are always copied (the transaction's later writes change them in place).
    const project = options.projection ? compileProjection(options.projection) : null;
    const copy = project ?? cloneStored;
    const give = options.readonly === true ? (options.projection ? compileProjection(options.projection, true) : deepFreeze) : copy;
    // Documents read once (options.once) are parsed for the caller and not kept.
    return this.candidates(filter, options, options.once ? 'own' : 'shared').map((c) => (c.entry ? copy(c.doc) : c.shared ? give(c.doc) : project ? project(c.doc) : c.doc));
  }

  /** The documents a find selects, in order: shared parses to read, or own parses to update in place. */
  private candidates(filter: Filter, options: FindOptions, purpose: Purpose): Candidate[] {
    const rows = this.store.rowsFor(this.name);
    if (rows === undefined) return [];
    const skip = options.skip ?? 0;
    const limit = options.limit ?? 0;
    const pinned = this.pinned(filter);
    if (pinned) {
      let found = this.pinnedCandidates(pinned, filter, purpose);
      if (options.sort) found = sortItems(found, compileSort(options.sort), (c) => c.doc);
      return found.slice(skip, limit ? skip + limit : undefined);
    }
    this.store.uow?.flush(rows);
    this.store.indexed(rows);
    return this.query(filter, options.sort, skip, limit, purpose);
  }

  /**
   * A page to read, from its rows' ids and versions: the documents the parse cache holds at that
   * version are taken from it, and only the others' text is read from the table. A page polled
   * again, or of long documents (tickets with many comments, which a list leaves out), no longer
   * copies every document's text out of SQLite for each request.
   */
  private readPage(rows: Rows, heads: readonly PageHead[]): Candidate[] {
    const docs = this.store.docs;
    const table = rows.schema.table;
    const found: Array<PlainObject | undefined> = heads.map((h) => docs.held(table, h.rid, h.v));
    const missing = heads.filter((_, i) => found[i] === undefined).map((h) => h.rid);
    if (missing.length > 0) {
      const read = new Map(rows.byRids(missing).map((row) => [row.rid, row]));
      heads.forEach((h, i) => {
        const row = read.get(h.rid);
        if (found[i] === undefined && row !== undefined) found[i] = docs.docOf(table, row);
      });
    }
    const out: Candidate[] = [];
    heads.forEach((h, i) => {
      const doc = found[i];
      if (doc !== undefined) out.push({ rid: h.rid, id: null, doc, entry: null, shared: true });
    });
    return out;
  }

  private query(filter: Filter, sort: SortSpec | undefined, skip: number, limit: number, purpose: Purpose): Candidate[] {
    const rows = this.store.rowsFor(this.name)!;
    const order = translateSort(rows.schema, sort);
    const base = translateFilter(rows.schema, filter);
    const t = this.planElements(rows, filter, base, order, skip + limit);
    const table = rows.schema.table;
    const toCandidate =
      purpose === 'shared'
        ? (row: StoredRow): Candidate => ({ rid: row.rid, id: null, doc: this.store.docs.docOf(table, row), entry: null, shared: true })
        : (row: StoredRow): Candidate => ({ rid: row.rid, id: null, doc: decodeDoc(row.doc, row.dates), entry: null, shared: false });
    if (t.exact && order !== null) {
      const page = limit ? ` LIMIT ${limit} OFFSET ${skip}` : skip ? ` LIMIT -1 OFFSET ${skip}` : '';
      if (purpose === 'shared' && limit <= HEADS_MAX && this.store.docs.enabled) {
        // A page asked again before the collection changes: its rows are known.
        const key = `${filterKey(filter)}\u0000${JSON.stringify(sort ?? null)}\u0000${skip}\u0000${limit}`;
        const known = this.store.pages.get(rows.schema, key);
        if (known) return this.readPage(rows, known);
        const sorted = order ? ` ORDER BY ${order}` : '';
        if (limit) {
          const heads =
            (order ? this.elementPage(rows, filter, base, order, skip, limit) : null) ??
            (order && t.walk ? this.boundedWalk(rows, base, t.walk, order, skip, limit) : null) ??
            (rows.statement(`SELECT rid, v FROM {t}${where(t)}${sorted} LIMIT ${limit} OFFSET ${skip}`).all(...t.params) as PageHead[]);
          if (limit <= PAGE_CACHE_LIMIT) this.store.pages.set(rows.schema, key, heads);
          return this.readPage(rows, heads);
        }
        // A read without a limit (all of a customer's invoices) reads one head more than
        // HEADS_MAX to learn whether it is small; a large one is read in one pass below.
        const heads = rows.statement(`SELECT rid, v FROM {t}${where(t)}${sorted} LIMIT ${HEADS_MAX + 1} OFFSET ${skip}`).all(...t.params) as PageHead[];
        if (heads.length <= PAGE_CACHE_LIMIT) this.store.pages.set(rows.schema, key, heads);
        if (heads.length <= HEADS_MAX) return this.readPage(rows, heads);
      }
      const sql = `SELECT ${ROW} FROM {t}${where(t)}${order ? ` ORDER BY ${order}` : ''}${page}`;
      if (order && limit && rows.sorts(sql, t.params)) {
        // SQLite sorts the matches: sort their rowids only, then read the page's documents.
        const rids = rows.statement(`SELECT rid FROM {t}${where(t)} ORDER BY ${order}${page}`).pluck().all(...t.params) as number[];
        return rows.byRids(rids).map(toCandidate);
      }
      return (rows.statement(sql).all(...t.params) as StoredRow[]).map(toCandidate);
    }
    const match = matcherOf(filter);
    const sql = `SELECT ${ROW} FROM {t}${where(t)}${order ? ` ORDER BY ${order}` : ''}`;
    const out: Candidate[] = [];
    if (order !== null) {
      // In order: stop after skip + limit matches.
      let skipped = 0;
      for (const row of rows.statement(sql).iterate(...t.params) as Iterable<StoredRow>) {
        const c = toCandidate(row);
        if (!match(c.doc)) continue;
        if (skipped < skip) {
          skipped++;
          continue;
        }
        out.push(c);
        if (limit && out.length >= limit) break;
      }
      return out;
    }
    for (const row of rows.statement(sql).iterate(...t.params) as Iterable<StoredRow>) {
      const c = toCandidate(row);
      if (match(c.doc)) out.push(c);
    }
    const sorted = sortItems(out, compileSort(sort!), (c) => c.doc, limit ? skip + limit : undefined);
    return sorted.slice(skip, limit ? skip + limit : undefined);
  }

  /**
   * How conditions on array fields (side-table lookups) take part in a sorted page. By default a
   * lookup drives: SQLite reads the rowids it names, then sorts them, a cost that grows with the
   * matches. When the matches are many, walking the rows in the sort's index order and checking
   * each against the side table fills the page first: about `wanted × rows / matches` checks.
   * The lookup becomes a correlated EXISTS (which cannot drive) when that is the cheaper walk,
   * judged from the cached counts of the filter and of the collection.
   */
  private planElements(rows: Rows, filter: Filter, t: Translated, order: string | null | undefined, wanted: number): Planned {
    if (!t.sql?.includes('{side}')) return t;
    if (!order || wanted === 0) return this.driveBySmallestLookup(rows, t);
    const matches = this.count(rows, filter);
    const total = this.count(rows, undefined);
    if (matches * matches <= wanted * total) return this.driveBySmallestLookup(rows, t);
    return { ...t, sql: t.sql.replaceAll(ELEMENTS_IN, ELEMENTS_EXISTS), walk: { matches, total } };
  }

  /**
   * The page of a walk (planElements), bounded: the walk assumes the matches are spread over the
   * sort order, and crosses every row before the first ones when they are not (the newest
   * devices all of another vendor, the newest customers all of another street). It walks at most
   * about what reading the lookups' rows in full would cost (twice the matches, and at least
   * four times the walk expected), as a subquery of that many rows in the sort's index order;
   * when that does not fill the page, the page is read from the lookups instead. Either way the
   * page is exact: rows the walk did not reach come after it in the sort order. Null when the
   * filter is not of the form this handles (lookups at its top level, joined by AND).
   */
  private boundedWalk(rows: Rows, base: Translated, { matches, total }: Walk, order: string, skip: number, limit: number): PageHead[] | null {
    const parts = base.lookup ? [base] : (base.parts ?? []);
    const lookups = parts.filter((p) => p.lookup);
    const rest = parts.filter((p) => !p.lookup);
    if (lookups.length === 0 || rest.some((p) => p.sql === null || p.sql.includes('{side}'))) return null;
    const wanted = skip + limit;
    const bound = Math.max(2 * matches, 4 * Math.ceil((wanted * total) / Math.max(matches, 1)), wanted);
    const cols = [...new Set(orderTerms(order).map((t) => t.col))];
    // Rowids and sort keys only, so an index can cover the walk; the page's versions are read after.
    const inner = `SELECT rid${cols.map((c) => `, ${c}`).join('')} FROM {t}${rest.length ? ` WHERE ${rest.map((p) => `(${p.sql})`).join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
    const checks = lookups.map((p) => `(${p.sql!.replace(ELEMENTS_IN, WALKED_EXISTS)})`).join(' AND ');
    const params = [...rest.flatMap((p) => p.params), bound, ...lookups.flatMap((p) => p.params)];
    const page = ` ORDER BY ${order} LIMIT ${limit} OFFSET ${skip}`;
    const walked = rows.statement(`SELECT rid FROM (${inner}) AS w WHERE ${checks}${page}`).pluck().all(...params) as number[];
    if (walked.length === limit) {
      const versions = new Map(
        (rows.statement(`SELECT rid, v FROM {t} WHERE rid IN (${walked.map(() => '?').join(', ')})`).all(...walked) as PageHead[]).map((h) => [h.rid, h.v]),
      );
      return walked.filter((rid) => versions.has(rid)).map((rid) => ({ rid, v: versions.get(rid)! }));
    }
    const read = this.driveBySmallestLookup(rows, base);
    return rows.statement(`SELECT rid, v FROM {t}${where(read)}${page}`).all(...read.params) as PageHead[];
  }

  /** A sorted page read from an element index (element-pages.ts), or null when none serves. */
  private elementPage(rows: Rows, filter: Filter, base: Translated, order: string, skip: number, limit: number): PageHead[] | null {
    const plan = this.elementPlan(rows, filter, base, order, skip, limit);
    if (plan === null) return null;
    return plan.none ? [] : (rows.statement(plan.sql).all(...plan.params) as PageHead[]);
  }

  private elementPlan(rows: Rows, filter: Filter, base: Translated, order: string, skip: number, limit: number): ElementPlan | null {
    return planElementPage(
      rows,
      { counts: this.store.counts, matches: () => this.count(rows, filter), lookupSize: (part) => this.lookupSize(rows, part) },
      base,
      order,
      skip,
      limit,
    );
  }

  /**
   * Several side-table lookups joined by AND (a search of several words): SQLite reads every
   * one of them in full into a list of rowids, however many elements each matches, so a search
   * for one customer by a common first name, a common surname and a number read two fifths of
   * the collection. The lookup with the fewest matching elements (counted up to LOOKUP_PROBE,
   * remembered until the collection's next write) goes first, where SQLite drives by it; a
   * lookup that matches many times more becomes a check of each row the driver names (a probe
   * of the side table by rowid), which costs less than reading it in full. Lookups of about the
   * same size stay lists (checking a list is cheaper than a probe).
   */
  private driveBySmallestLookup(rows: Rows, t: Translated): Translated {
    const parts = t.parts;
    if (parts === undefined || parts.filter((p) => p.lookup).length < 2) return t;
    const sized = parts.map((p) => ({ p, size: p.lookup ? this.lookupSize(rows, p) : Infinity }));
    const driver = sized.reduce((a, b) => (b.size < a.size ? b : a));
    const ordered = [driver, ...sized.filter((x) => x !== driver)];
    const sqlOf = ({ p, size }: { p: Translated; size: number }) =>
      p.lookup && p !== driver.p && size >= driver.size * PROBE_RATIO ? p.sql!.replace(ELEMENTS_IN, ELEMENTS_EXISTS) : p.sql!;
    return { ...t, sql: ordered.map((x) => `(${sqlOf(x)})`).join(' AND '), params: ordered.flatMap((x) => x.p.params), parts: ordered.map((x) => x.p) };
  }

  /** How many side-table elements a lookup matches, up to LOOKUP_PROBE. */
  private lookupSize(rows: Rows, lookup: Translated): number {
    const inner = lookup.sql!.slice(ELEMENTS_IN.length, -1);
    const key = `elements ${inner} ${JSON.stringify(lookup.params)}`;
    const cached = this.store.counts.get(rows.schema, key);
    if (cached !== undefined) return cached;
    const n = (rows.statement(`SELECT count(*) AS n FROM (SELECT 1 FROM {side} WHERE ${inner} LIMIT ${LOOKUP_PROBE})`).get(...lookup.params) as { n: number }).n;
    this.store.counts.set(rows.schema, key, n);
    return n;
  }

  /** A pipeline's leading $match / $sort / $skip / $limit run as a find. */
  private pushDown(pipeline: Pipeline): { input: Iterable<unknown>; rest: Pipeline } {
    let i = 0;
    let filter: Filter = {};
    let sort: SortSpec | undefined;
    let skip: number | undefined;
    let limit: number | undefined;
    const stageOf = (name: string): unknown => {
      const stage = pipeline[i];
      return isPlainObject(stage) && Object.keys(stage).length === 1 && name in stage ? stage[name] : undefined;
    };
    const m = stageOf('$match');
    if (isPlainObject(m) && !usesUnsupported(m)) {
      filter = m;
      i++;
    }
    const s = stageOf('$sort');
    if (isPlainObject(s) && Object.keys(s).length > 0 && Object.values(s).every((d) => d === 1 || d === -1)) {
      sort = s as SortSpec;
      i++;
    }
    const k = stageOf('$skip');
    if (typeof k === 'number' && k >= 0) {
      skip = k;
      i++;
    }
    const l = stageOf('$limit');
    if (typeof l === 'number' && l > 0) {
      limit = l;
      i++;
    }
    const docs = this.candidates(filter, { sort, skip, limit }, 'shared').map((c) => c.doc);
    return { input: docs, rest: pipeline.slice(i) };
  }
}

/** The counts planElements chose a walk by: the filter's matches and the collection's rows. */
interface Walk {
  matches: number;
  total: number;
}
/** A translation as planElements leaves it; `walk` when its lookups became checks of a walk. */
type Planned = Translated & { walk?: Walk };

/** The most rows read as rowids and versions first (readPage); more are read with their text in one pass. */
const HEADS_MAX = 1000;
/** Pages up to this many rows (asked for, or found when no limit was given) are remembered until
 * the collection's next write (versioned-cache.ts). */
const PAGE_CACHE_LIMIT = 100;
/** Elements counted at most to choose which lookup drives (driveBySmallestLookup). */
const LOOKUP_PROBE = 1000;
/** A lookup this many times the driver's size is checked row by row instead of read in full. */
const PROBE_RATIO = 4;

/** The same check of a row of a bounded walk's subquery (boundedWalk). */
const WALKED_EXISTS = 'EXISTS (SELECT 1 FROM {side} WHERE {side}.rid = w.rid AND ';

function where(t: Translated): string {
  return t.sql === null ? '' : ` WHERE ${t.sql}`;
}

/** Filters with operators the matcher leaves to mingo ($expr, $type, ...) are not pushed down. */
function usesUnsupported(filter: PlainObject): boolean {
  try {
    compileFilter(filter);
    return false;
  } catch (e) {
    if (e instanceof UnsupportedOperatorError) return true;
    throw e;
  }
}
