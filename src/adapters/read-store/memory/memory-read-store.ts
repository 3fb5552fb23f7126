/**
 * In-memory read store with MongoDB query, update and aggregation semantics and real ordered
 * indexes (see ../../../ports/read-store.ts for the port and its contract suite).
 *
 * Documents are deep-copied on the way in and out. Collection handles are looked up by name
 * on every call, so a handle keeps working across renameCollection and dropCollection, as a
 * MongoDB collection handle does.
 */
import type { Collection, Doc, Filter, FindOptions, IndexSpec, ReadStore, Update, UpdateResult } from '../../../ports/read-store';
import { createAggregationEngine, type AggregationEngine, type Pipeline } from '../document/aggregate';
import { cloneStored, cloneValue } from '../document/clone';
import { CollectionState, emptyStats, type QueryStats } from './collection-state';
import { createIdGenerator, type IdGenerator } from '../document/ids';
import type { DocRecord } from './indexes';
import { compileFilter, UnsupportedOperatorError } from '../document/filter';
import { compileProjection } from '../document/projection';
import { compileUpdate, UpdateError, upsertSeed, type CompiledUpdate } from '../document/update';
import { isPlainObject, valuesEqual, type PlainObject } from '../document/values';

/** How a query ran: see {@link MemoryCollection.explain}. */
export type ExplainResult = QueryStats;

export interface MemoryCollection<T extends Doc = Doc> extends Collection<T> {
  /** Runs a find and reports its plan: the index used (null for a full scan) and the number
   * of documents examined. */
  explain(filter: Filter, options?: FindOptions): ExplainResult;
  /** Runs a countDocuments and reports its plan (`covered`: counted from index bounds only). */
  explainCount(filter?: Filter): ExplainResult;
  /** The collection's indexes, `_id_` first. */
  indexSpecs(): IndexSpec[];
}

export interface MemoryReadStore extends ReadStore {
  collection<T extends Doc = Doc>(name: string): MemoryCollection<T>;
}

interface StoreInternals {
  states: Map<string, CollectionState>;
  engine: AggregationEngine;
  newId: IdGenerator;
  closed: boolean;
}

export function createMemoryReadStore(options: { newId?: IdGenerator } = {}): MemoryReadStore {
  const states = new Map<string, CollectionState>();
  const internals: StoreInternals = {
    states,
    newId: options.newId ?? createIdGenerator(),
    closed: false,
    engine: createAggregationEngine((name) => {
      const st = states.get(name);
      return st ? [...st.records.values()].map((r) => r.doc) : [];
    }),
  };
  const handles = new Map<string, MemoryCollection<Doc>>();
  const open = (): void => {
    if (internals.closed) throw new Error('The read store is closed');
  };

  return {
    deferQueryIndexes: true,
    collection<T extends Doc = Doc>(name: string): MemoryCollection<T> {
      open();
      checkName(name);
      let h = handles.get(name);
      if (h === undefined) {
        h = new MemoryCollectionHandle<Doc>(internals, name);
        handles.set(name, h);
      }
      return h as unknown as MemoryCollection<T>;
    },
    async listCollections(): Promise<string[]> {
      open();
      return [...states.keys()].sort();
    },
    async dropCollection(name: string): Promise<void> {
      open();
      states.delete(name);
    },
    async renameCollection(from: string, to: string): Promise<void> {
      open();
      checkName(to);
      if (from === to) throw new Error('Cannot rename a collection to itself');
      const st = states.get(from);
      if (st === undefined) throw new Error(`Source collection ${from} does not exist`);
      states.delete(from);
      states.delete(to);
      st.name = to;
      states.set(to, st);
    },
    async close(): Promise<void> {
      internals.closed = true;
      states.clear();
      handles.clear();
    },
  };
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('$') || name.includes('\0')) {
    throw new TypeError(`Invalid collection name: ${String(name)}`);
  }
}

const NO_MATCH: UpdateResult = { matchedCount: 0, modifiedCount: 0, upsertedId: null };

class MemoryCollectionHandle<T extends Doc> implements MemoryCollection<T> {
  constructor(
    private readonly store: StoreInternals,
    readonly name: string,
  ) {}

  private state(): CollectionState | undefined {
    if (this.store.closed) throw new Error('The read store is closed');
    return this.store.states.get(this.name);
  }

  private stateForWrite(): CollectionState {
    let st = this.state();
    if (st === undefined) {
      st = new CollectionState(this.name);
      this.store.states.set(this.name, st);
    }
    return st;
  }

  async createIndexes(specs: readonly IndexSpec[]): Promise<void> {
    this.stateForWrite().createIndexes(specs);
  }

  async insertOne(doc: T): Promise<void> {
    this.insertSync(doc);
  }

  async insertMany(docs: readonly T[]): Promise<void> {
    // Ordered, like MongoDB's default: documents before a failing one stay inserted.
    for (const doc of docs) this.insertSync(doc);
  }

  private insertSync(doc: T): void {
    if (!isPlainObject(doc)) throw new TypeError('A document must be an object');
    const copy = cloneValue(doc) as PlainObject;
    const stored = copy._id === undefined ? { _id: this.store.newId(), ...copy } : copy;
    this.stateForWrite().insert(stored as Doc);
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    const st = this.state();
    if (st === undefined) return null;
    const project = compileProjection(options.projection);
    const rec =
      options.sort === undefined && options.skip === undefined
        ? st.first(filter)
        : st.select(filter, { sort: options.sort, skip: options.skip, limit: 1 })[0];
    return rec !== undefined ? (project(rec.doc) as T) : null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const project = compileProjection(options.projection);
    const st = this.state();
    if (st === undefined) return [];
    return st.select(filter, options).map((r) => project(r.doc) as T);
  }

  async countDocuments(filter?: Filter): Promise<number> {
    const st = this.state();
    if (st === undefined) return 0;
    return st.count(filter);
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const compiled = compileUpdate(update);
    const st = this.state();
    const rec = st?.first(filter);
    if (st !== undefined && rec !== undefined) {
      const next = compiled.apply(rec.doc, false, true);
      if (next === null) return { matchedCount: 1, modifiedCount: 0, upsertedId: null };
      replaceApplied(st, rec, next, compiled);
      return { matchedCount: 1, modifiedCount: 1, upsertedId: null };
    }
    if (!options.upsert) return NO_MATCH;
    const seed = upsertSeed(filter);
    const built = (compiled.apply(seed as Doc, true, true) ?? seed) as PlainObject;
    const doc = built._id === undefined ? { _id: this.store.newId(), ...built } : built;
    this.stateForWrite().insert(doc as Doc);
    return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id as string };
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    const compiled = compileUpdate(update);
    const st = this.state();
    if (st === undefined) return NO_MATCH;
    const recs = st.select(filter);
    let modified = 0;
    for (const rec of recs) {
      const next = compiled.apply(rec.doc, false, true);
      if (next === null) continue;
      replaceApplied(st, rec, next, compiled);
      modified++;
    }
    return { matchedCount: recs.length, modifiedCount: modified, upsertedId: null };
  }

  async replaceOne(filter: Filter, doc: T, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    if (!isPlainObject(doc)) throw new TypeError('A replacement must be an object');
    for (const k of Object.keys(doc)) {
      if (k.charCodeAt(0) === 36) throw new UpdateError('A replacement document may not contain update operators');
    }
    const { _id: givenId, ...rest } = cloneValue(doc) as PlainObject;
    const st = this.state();
    const rec = st?.first(filter);
    if (st !== undefined && rec !== undefined) {
      if (givenId !== undefined && givenId !== rec.id) {
        throw new UpdateError("Performing an update on the path '_id' would modify the immutable field '_id'");
      }
      const next = { _id: rec.id, ...rest } as Doc;
      if (valuesEqual(next, rec.doc)) return { matchedCount: 1, modifiedCount: 0, upsertedId: null };
      st.replace(rec, next);
      return { matchedCount: 1, modifiedCount: 1, upsertedId: null };
    }
    if (!options.upsert) return NO_MATCH;
    const filterId = upsertSeed(filter)._id;
    if (filterId !== undefined && givenId !== undefined && !valuesEqual(filterId, givenId)) {
      throw new UpdateError("The _id of the replacement differs from the filter's _id");
    }
    const id = filterId ?? givenId ?? this.store.newId();
    this.stateForWrite().insert({ _id: id, ...rest } as Doc);
    return { matchedCount: 0, modifiedCount: 0, upsertedId: id as string };
  }

  async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    const st = this.state();
    const rec = st?.first(filter);
    if (st === undefined || rec === undefined) return { deletedCount: 0 };
    st.remove(rec);
    return { deletedCount: 1 };
  }

  async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    const st = this.state();
    if (st === undefined) return { deletedCount: 0 };
    if (filter === undefined || Object.keys(filter).length === 0) {
      const n = st.size;
      st.clear();
      return { deletedCount: n };
    }
    const recs = st.select(filter);
    for (const rec of recs) st.remove(rec);
    return { deletedCount: recs.length };
  }

  async aggregate<R = Doc>(pipeline: readonly Record<string, unknown>[]): Promise<R[]> {
    const st = this.state();
    const { input, rest } = st === undefined ? { input: [], rest: pipeline } : pushDown(st, pipeline);
    return this.store.engine.run(input, rest) as R[];
  }

  async distinct(field: string, filter?: Filter): Promise<unknown[]> {
    const st = this.state();
    if (st === undefined) return [];
    return st.distinct(field, filter).map((v) => cloneStored(v));
  }

  explain(filter: Filter, options: FindOptions = {}): ExplainResult {
    const stats = emptyStats();
    this.state()?.select(filter, options, stats);
    return stats;
  }

  explainCount(filter?: Filter): ExplainResult {
    const stats = emptyStats();
    this.state()?.count(filter, stats);
    return stats;
  }

  indexSpecs(): IndexSpec[] {
    return this.state()?.indexSpecs() ?? [];
  }
}

/** Stores the result of an update; when that fails (a unique index violation), the update,
 * which may have changed the stored document in place, is undone. */
function replaceApplied(st: CollectionState, rec: DocRecord, next: Doc, compiled: CompiledUpdate): void {
  try {
    st.replace(rec, next, compiled.paths);
  } catch (e) {
    compiled.undo();
    throw e;
  }
}

/**
 * Runs a pipeline's leading $match / $sort / $skip / $limit (in that order, each optional) as
 * an indexed find, so the pipeline starts from the few documents it needs.
 */
function pushDown(st: CollectionState, pipeline: Pipeline): { input: Iterable<unknown>; rest: Pipeline } {
  let i = 0;
  let filter: Filter | undefined;
  let sort: Record<string, 1 | -1> | undefined;
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
  if (isPlainObject(s) && Object.values(s).every((d) => d === 1 || d === -1) && Object.keys(s).length > 0) {
    sort = s as Record<string, 1 | -1>;
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
  if (i === 0) return { input: mapValues(st), rest: pipeline };
  const docs = st.select(filter, { sort, skip, limit }).map((r) => r.doc);
  return { input: docs, rest: pipeline.slice(i) };
}

function* mapValues(st: CollectionState): Iterable<unknown> {
  for (const rec of st.records.values()) yield rec.doc;
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
