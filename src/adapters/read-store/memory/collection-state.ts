/**
 * One collection's data: documents by _id, their ordered indexes, and the query executor that
 * runs a plan. Every method is synchronous, so each store operation is atomic.
 *
 * Stored documents never leave the store (they are copied on the way in and out by the caller,
 * memory-read-store.ts). Below their top level they are immutable (updates copy nested
 * containers on write, so index entries may hold them); an update writes the top level in
 * place and undoes that if the new version cannot be stored (see update.ts).
 */
import { DuplicateKeyError, type Doc, type Filter, type IndexSpec, type SortSpec } from '../../../ports/read-store';
import { compileFilter } from '../document/filter';
import { defaultIndexName, OrderedIndex, type DocKeys, type DocRecord } from './indexes';
import { collectDistinct, splitPath } from '../document/paths';
import { isSimpleFilter, matchesSimple, pinnedIds } from '../document/pinned';
import { analyzeFilter, indexCandidates, mayUseIdIndex, planQuery, type CandidateStream, type FilterAnalysis, type Plan } from './planner';
import { compileSort, createSorter } from '../document/sort';
import { compareValues, isPlainObject, type PlainObject } from '../document/values';

export interface SelectOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
}

/** What a query did: the plan it ran and how many documents it looked at. */
export interface QueryStats {
  /** Name of the index walked ('_id_' for direct _id lookups); null for a collection scan. */
  index: string | null;
  plan: 'ids' | 'index' | 'scan';
  /** Documents fetched and checked against the filter. */
  examined: number;
  returned: number;
  /** The index order gave the sort order (no in-memory sort). */
  sortedByIndex: boolean;
  /** The index bounds alone answered a count (no document examined). */
  covered: boolean;
}

export class CollectionState {
  readonly records = new Map<string, DocRecord>();
  readonly indexes: OrderedIndex[] = [idIndex()];
  /**
   * Whether the ordered `_id_` index (indexes[0]) holds entries. _id uniqueness and _id lookups
   * use `records`; the ordered index only serves _id ranges and sorts on _id, so it is built
   * (in one sort) the first time a query could use it and maintained from then on. Until then
   * writes skip it, and records have no entry in slot 0.
   */
  private idIndexLive = false;

  constructor(public name: string) {}

  get size(): number {
    return this.records.size;
  }

  // ------------------------------------------------------------ indexes

  createIndexes(specs: readonly IndexSpec[]): void {
    for (const spec of specs) {
      if (!isPlainObject(spec) || !isPlainObject(spec.keys)) throw new TypeError('An index spec needs keys');
      const name = spec.name ?? defaultIndexName(spec.keys);
      const sameName = this.indexes.find((ix) => ix.name === name);
      if (sameName) {
        if (sameName.sameSpec(spec)) continue;
        throw new Error(`An index named ${name} exists with different keys or options`);
      }
      const sameKeys = this.indexes.find((ix) => ix.sameKeys(spec));
      if (sameKeys) throw new Error(`An index with the keys of ${name} exists as ${sameKeys.name}`);
      this.addIndex(spec);
    }
  }

  private addIndex(spec: IndexSpec): void {
    const slot = this.indexes.length;
    const index = new OrderedIndex(spec, slot);
    index.build(this.records.values());
    if (index.unique) {
      const all = index.entries.toArray();
      for (let i = 1; i < all.length; i++) {
        if (index.compareKeys(all[i - 1], all[i]) === 0 && index.idOf(all[i - 1]) !== index.idOf(all[i])) {
          for (const rec of this.records.values()) rec.keys.length = slot;
          throw new DuplicateKeyError(this.name, index.describeKey(all[i]));
        }
      }
    }
    this.indexes.push(index);
  }

  indexSpecs(): IndexSpec[] {
    return this.indexes.map((ix) => {
      const keys: Record<string, 1 | -1> = {};
      ix.fields.forEach((f, i) => (keys[f] = ix.dirs[i]));
      return ix.unique && ix.name !== '_id_' ? { keys, name: ix.name, unique: true } : { keys, name: ix.name };
    });
  }

  // ------------------------------------------------------------ writes

  /** Stores a document the caller has already copied. */
  insert(doc: Doc): void {
    const id = doc._id;
    if (typeof id !== 'string') throw new TypeError('_id must be a string');
    if (this.records.has(id)) throw new DuplicateKeyError(this.name, { _id: id });
    const indexes = this.indexes;
    const n = indexes.length;
    const from = this.idIndexLive ? 0 : 1;
    const keys: DocKeys[] = new Array<DocKeys>(n);
    const rec: DocRecord = { id, doc, keys };
    for (let i = from; i < n; i++) keys[i] = indexes[i].keysOf(doc, rec);
    for (let i = 1; i < n; i++) {
      const clash = indexes[i].conflict(keys[i], id);
      if (clash !== null) throw new DuplicateKeyError(this.name, indexes[i].describeKey(clash));
    }
    this.records.set(id, rec);
    for (let i = from; i < n; i++) indexes[i].add(keys[i]);
  }

  /** Swaps in a new version of a stored document (same _id), maintaining indexes. `touched`:
   * the paths the change wrote, when known (indexes on other fields are left alone). */
  replace(rec: DocRecord, doc: Doc, touched?: readonly string[]): void {
    const indexes = this.indexes;
    let changed: (DocKeys | null)[] | null = null;
    for (let i = 1; i < indexes.length; i++) {
      if (touched !== undefined && !indexes[i].touchedBy(touched)) continue;
      const k = indexes[i].keysOf(doc, rec);
      if (indexes[i].sameKeysOf(rec.keys[i], k)) continue;
      const clash = indexes[i].conflict(k, rec.id);
      if (clash !== null) throw new DuplicateKeyError(this.name, indexes[i].describeKey(clash));
      changed ??= new Array<DocKeys | null>(indexes.length).fill(null);
      changed[i] = k;
    }
    if (changed !== null) {
      for (let i = 1; i < indexes.length; i++) {
        const k = changed[i];
        if (k === null) continue;
        indexes[i].remove(rec.keys[i]);
        rec.keys[i] = k;
        indexes[i].add(k);
      }
    }
    rec.doc = doc;
  }

  remove(rec: DocRecord): void {
    if (this.records.get(rec.id) !== rec) return;
    this.records.delete(rec.id);
    for (let i = this.idIndexLive ? 0 : 1; i < this.indexes.length; i++) this.indexes[i].remove(rec.keys[i]);
  }

  clear(): void {
    const specs = this.indexSpecs().slice(1);
    this.records.clear();
    this.indexes.length = 0;
    this.indexes.push(idIndex());
    this.idIndexLive = false;
    for (const spec of specs) this.addIndex(spec);
  }

  /** Builds the ordered `_id_` index if a query with this analysis and sort could walk it
   * (a condition on _id, or a sort that starts with _id); see {@link idIndexLive}. */
  private idIndexFor(analysis: FilterAnalysis, sort: SortSpec | undefined): void {
    if (this.idIndexLive || !mayUseIdIndex(analysis, sort)) return;
    this.indexes[0].build(this.records.values());
    this.idIndexLive = true;
  }

  // ------------------------------------------------------------ reads

  /** Matching records in order, after skip and limit. */
  select(filter: Filter | undefined, options: SelectOptions = {}, stats?: QueryStats): DocRecord[] {
    const id = stats === undefined ? idOnly(filter) : undefined;
    if (id !== undefined) {
      // Fast path for { _id: '...' }: the primary map, nothing to plan.
      const rec = this.records.get(id);
      return rec === undefined || (options.skip ?? 0) > 0 ? [] : [rec];
    }
    const skip = Math.max(0, Math.floor(options.skip ?? 0));
    const limit = options.limit ? Math.abs(Math.floor(options.limit)) : undefined;
    if (stats === undefined && (options.sort === undefined || isEmpty(options.sort))) {
      const pinned = this.selectPinned(filter, skip, limit);
      if (pinned !== null) return pinned;
    }
    const pred = compileFilter(filter);
    const sort = options.sort !== undefined && Object.keys(options.sort).length > 0 ? options.sort : undefined;
    const analysis = analyzeFilter(filter);
    this.idIndexFor(analysis, sort);
    const plan = planQuery(this.indexes, this.records.size, { analysis, sort, skip, limit });
    const stream = this.candidates(plan);
    const sortedByPlan = sort === undefined || (plan.kind === 'index' && plan.sortMode !== 'none');
    let examined = 0;
    let out: DocRecord[] = [];
    if (sortedByPlan) {
      let skipped = 0;
      for (let rec = stream.next(); rec !== undefined; rec = stream.next()) {
        examined++;
        if (!pred(rec.doc)) continue;
        if (skipped < skip) {
          skipped++;
          continue;
        }
        out.push(rec);
        if (limit !== undefined && out.length >= limit) break;
      }
    } else {
      const sorter = createSorter(compileSort(sort), (r: DocRecord) => r.doc, limit !== undefined ? skip + limit : undefined);
      for (let rec = stream.next(); rec !== undefined; rec = stream.next()) {
        examined++;
        if (pred(rec.doc)) sorter.add(rec);
      }
      out = sorter.finish().slice(skip);
    }
    if (stats) fillStats(stats, plan, examined, out.length, sort !== undefined && sortedByPlan, false);
    return out;
  }

  /**
   * The records matching a filter that pins _id with simple other conditions (see pinned.ts),
   * in the order of the ids, as the 'ids' plan would give them; null for other filters.
   */
  private selectPinned(filter: Filter | undefined, skip: number, limit: number | undefined): DocRecord[] | null {
    const ids = pinnedIds(filter);
    if (ids === undefined || !isSimpleFilter(filter as PlainObject, true)) return null;
    const f = filter as PlainObject;
    if (typeof ids === 'string') {
      const rec = this.records.get(ids);
      return rec === undefined || skip > 0 || !matchesSimple(rec.doc, f, true) ? [] : [rec];
    }
    const out: DocRecord[] = [];
    let skipped = 0;
    // Each id once, at its first occurrence (a Set for long lists, a scan back for short ones).
    const unique = ids.length > 16 ? [...new Set(ids)] : ids;
    for (let i = 0; i < unique.length; i++) {
      const id = unique[i];
      if (unique === ids && i > 0 && ids.lastIndexOf(id, i - 1) !== -1) continue;
      const rec = this.records.get(id);
      if (rec === undefined || !matchesSimple(rec.doc, f, true)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push(rec);
      if (limit !== undefined && out.length >= limit) break;
    }
    return out;
  }

  /** The first record that matches, in no particular order (for updateOne/deleteOne). */
  first(filter: Filter | undefined): DocRecord | undefined {
    const id = pinnedIds(filter);
    if (typeof id === 'string' && isSimpleFilter(filter as PlainObject, true)) {
      // selectPinned for one id, without the arrays.
      const rec = this.records.get(id);
      return rec !== undefined && matchesSimple(rec.doc, filter as PlainObject, true) ? rec : undefined;
    }
    return this.select(filter, { limit: 1 })[0];
  }

  count(filter: Filter | undefined, stats?: QueryStats): number {
    if (stats === undefined) {
      const pinned = this.selectPinned(filter, 0, undefined);
      if (pinned !== null) return pinned.length;
    }
    const analysis = analyzeFilter(filter);
    this.idIndexFor(analysis, undefined);
    const plan = planQuery(this.indexes, this.records.size, { analysis, countOnly: true });
    if (plan.exact && (plan.kind !== 'index' || !plan.dedupe)) {
      let n: number;
      if (plan.kind === 'ids') n = plan.ids.filter((id) => this.records.has(id)).length;
      else n = plan.size;
      if (stats) fillStats(stats, plan, 0, n, false, true);
      return n;
    }
    const pred = compileFilter(filter);
    const stream = this.candidates(plan);
    let examined = 0;
    let n = 0;
    for (let rec = stream.next(); rec !== undefined; rec = stream.next()) {
      examined++;
      if (pred(rec.doc)) n++;
    }
    if (stats) fillStats(stats, plan, examined, n, false, false);
    return n;
  }

  distinct(field: string, filter: Filter | undefined): unknown[] {
    const parts = splitPath(field);
    const values: unknown[] = [];
    for (const rec of this.select(filter)) collectDistinct(rec.doc, parts, 0, values);
    values.sort(compareValues);
    return values.filter((v, i) => i === 0 || compareValues(values[i - 1], v) !== 0);
  }

  private candidates(plan: Plan): CandidateStream {
    if (plan.kind === 'index') return indexCandidates(plan);
    if (plan.kind === 'ids') {
      let i = 0;
      const { ids } = plan;
      return {
        next: () => {
          while (i < ids.length) {
            const rec = this.records.get(ids[i++]);
            if (rec !== undefined) return rec;
          }
          return undefined;
        },
      };
    }
    const it = this.records.values();
    return { next: () => it.next().value };
  }
}

/** The _id of a filter that is exactly { _id: '<string>' }. */
function idOnly(filter: Filter | undefined): string | undefined {
  if (filter === undefined) return undefined;
  let id: unknown;
  let n = 0;
  for (const k in filter) {
    if (++n > 1 || k !== '_id') return undefined;
    id = filter[k];
  }
  return typeof id === 'string' ? id : undefined;
}

function fillStats(stats: QueryStats, plan: Plan, examined: number, returned: number, sortedByIndex: boolean, covered: boolean): void {
  stats.plan = plan.kind;
  stats.index = plan.kind === 'index' ? plan.index.name : plan.kind === 'ids' ? '_id_' : null;
  stats.examined = examined;
  stats.returned = returned;
  stats.sortedByIndex = sortedByIndex;
  stats.covered = covered;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

function idIndex(): OrderedIndex {
  return new OrderedIndex({ keys: { _id: 1 }, name: '_id_', unique: true }, 0);
}

export function emptyStats(): QueryStats {
  return { index: null, plan: 'scan', examined: 0, returned: 0, sortedByIndex: false, covered: false };
}
