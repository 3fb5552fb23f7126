/**
 * In-memory read store: the test double of the read store port (src/ports/read-store.ts), built
 * on mingo. Each collection is a Map of documents by _id, deep-copied on the way in and out;
 * every query scans it. mingo matches filters, applies update operators, projects and runs
 * pipelines; the shared document engine (../document) does what mingo does differently from
 * MongoDB: sorting (arrays by their smallest/largest element), upsert seeds, index keys of
 * unique indexes, distinct, and copies (Dates stay Dates of this realm).
 */
import { Aggregator, Query } from 'mingo';
import { update as mingoUpdate, type Modifier } from 'mingo/updater';
import { DuplicateKeyError, type Collection, type Doc, type Filter, type FindOptions, type IndexSpec, type ReadStore, type Update, type UpdateResult } from '../../../ports/read-store';
import { cloneStored, cloneValue } from '../document/clone';
import { createIdGenerator, type IdGenerator } from '../document/ids';
import { collectDistinct, keyValues, splitPath } from '../document/paths';
import { compileSort, sortItems } from '../document/sort';
import { upsertSeed } from '../document/update';
import { isPlainObject, valuesEqual } from '../document/values';

export interface MemoryCollection<T extends Doc = Doc> extends Collection<T> {
  /** The collection's indexes, `_id_` first (listed by the MongoDB wire fake). */
  indexSpecs(): IndexSpec[];
}

export interface MemoryReadStore extends ReadStore {
  collection<T extends Doc = Doc>(name: string): MemoryCollection<T>;
}

interface Index {
  name: string;
  keys: Record<string, 1 | -1>;
  unique: boolean;
}

interface State {
  docs: Map<string, Doc>;
  indexes: Index[];
}

const NO_MATCH: UpdateResult = { matchedCount: 0, modifiedCount: 0, upsertedId: null };
const ID_CHANGE = "Performing an update on the path '_id' would modify the immutable field '_id'";

export function createMemoryReadStore(options: { newId?: IdGenerator } = {}): MemoryReadStore {
  const states = new Map<string, State>();
  const newId = options.newId ?? createIdGenerator();
  let closed = false;
  const open = (): void => {
    if (closed) throw new Error('The read store is closed');
  };
  const stored = (name: string): Doc[] => {
    open();
    return [...(states.get(name)?.docs.values() ?? [])];
  };
  const stateForWrite = (name: string): State => {
    open();
    let st = states.get(name);
    if (st === undefined) {
      st = { docs: new Map(), indexes: [] };
      states.set(name, st);
    }
    return st;
  };

  const collection = <T extends Doc>(name: string): MemoryCollection<T> => {
    const matching = (filter: Filter | undefined): Doc[] => {
      const query = new Query(filter ?? {});
      return stored(name).filter((d) => query.test(d));
    };
    /** Stores `doc` (a fresh copy), in place of `old` if given, unless it takes a unique key. */
    const put = (doc: Doc, old?: Doc): void => {
      const st = stateForWrite(name);
      const id = String(doc._id);
      if (old === undefined && st.docs.has(id)) throw new DuplicateKeyError(name, { _id: doc._id });
      for (const ix of st.indexes) {
        if (!ix.unique) continue;
        for (const other of st.docs.values()) if (other !== old && sameKey(other, doc, ix)) throw new DuplicateKeyError(name, keyOf(doc, ix));
      }
      st.docs.set(id, doc);
    };
    const insert = (doc: T): void => {
      if (!isPlainObject(doc)) throw new TypeError('A document must be an object');
      const { _id, ...rest } = cloneValue(doc);
      put({ _id: _id ?? newId(), ...rest });
    };
    /** The updated copy of `doc`, or null when the update changes nothing. */
    const applyUpdate = (doc: Doc, update: Update, isInsert: boolean): Doc | null => {
      if (!isPlainObject(update) || Object.keys(update).some((k) => !k.startsWith('$'))) throw new TypeError('An update must hold only update operators');
      const { $setOnInsert, ...ops } = cloneValue(update);
      // mingo has no $setOnInsert: on insert it is one more $set.
      const steps = isInsert && $setOnInsert !== undefined ? [ops, { $set: $setOnInsert }] : [ops];
      const { _id: oldId, ...next } = cloneStored(doc);
      let id = oldId;
      let changed = false;
      for (const step of steps) {
        // mingo refuses any write to _id; MongoDB accepts $set to its own value, and any value
        // for the document an upsert inserts without one.
        if (isPlainObject(step.$set) && '_id' in step.$set) {
          const { _id, ...others } = step.$set;
          if (oldId !== undefined && !valuesEqual(_id, oldId)) throw new Error(ID_CHANGE);
          id = _id as string;
          if (Object.keys(others).length > 0) step.$set = others;
          else delete step.$set;
        }
        if (Object.keys(step).length > 0) changed = mingoUpdate(next as Doc, step as Modifier<Doc>).length > 0 || changed;
      }
      return changed || isInsert ? ({ _id: id, ...next } as Doc) : null;
    };
    const find = (filter: Filter, options: FindOptions = {}): T[] => {
      let docs = matching(filter);
      if (options.sort !== undefined) docs = sortItems(docs, compileSort(options.sort), (d) => d);
      const skip = options.skip ?? 0;
      docs = docs.slice(skip, options.limit ? skip + options.limit : undefined);
      if (options.projection !== undefined) docs = new Query({}).find<Doc>(docs, options.projection).all();
      return docs.map((d) => cloneStored(d) as T);
    };

    return {
      name,
      async createIndexes(specs: readonly IndexSpec[]): Promise<void> {
        const st = stateForWrite(name);
        for (const spec of specs) {
          const ix: Index = { name: spec.name ?? Object.entries(spec.keys).map(([k, d]) => `${k}_${d}`).join('_'), keys: spec.keys, unique: spec.unique === true };
          const same = st.indexes.find((i) => i.name === ix.name);
          if (same !== undefined) {
            if (!valuesEqual(same.keys, ix.keys) || same.unique !== ix.unique) throw new Error(`An index named ${ix.name} exists with different keys or options`);
            continue;
          }
          if (ix.unique) {
            const docs = [...st.docs.values()];
            docs.forEach((d, i) => {
              if (docs.slice(i + 1).some((e) => sameKey(d, e, ix))) throw new DuplicateKeyError(name, keyOf(d, ix));
            });
          }
          st.indexes.push(ix);
        }
      },
      async dropIndexes(names: readonly string[]): Promise<void> {
        open();
        const st = states.get(name);
        if (st) st.indexes = st.indexes.filter((i) => !names.includes(i.name));
      },
      async insertOne(doc: T): Promise<void> {
        insert(doc);
      },
      async insertMany(docs: readonly T[]): Promise<void> {
        // Ordered, as MongoDB's default: documents before a failing one stay inserted.
        for (const doc of docs) insert(doc);
      },
      async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
        return find(filter, { ...options, limit: 1 })[0] ?? null;
      },
      async find(filter: Filter, options?: FindOptions): Promise<T[]> {
        return find(filter, options);
      },
      async countDocuments(filter?: Filter): Promise<number> {
        return matching(filter).length;
      },
      async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
        const [doc] = matching(filter);
        if (doc !== undefined) {
          const next = applyUpdate(doc, update, false);
          if (next !== null) put(next, doc);
          return { matchedCount: 1, modifiedCount: next === null ? 0 : 1, upsertedId: null };
        }
        if (!options.upsert) return NO_MATCH;
        // The update may give the _id ($set / $setOnInsert) when the filter does not.
        const { _id, ...rest } = applyUpdate(upsertSeed(filter) as Doc, update, true)!;
        const id = _id ?? newId();
        put({ _id: id, ...rest });
        return { matchedCount: 0, modifiedCount: 0, upsertedId: id };
      },
      async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
        const docs = matching(filter);
        let modified = 0;
        for (const doc of docs) {
          const next = applyUpdate(doc, update, false);
          if (next === null) continue;
          put(next, doc);
          modified++;
        }
        return { matchedCount: docs.length, modifiedCount: modified, upsertedId: null };
      },
      async replaceOne(filter: Filter, doc: T, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
        if (!isPlainObject(doc) || Object.keys(doc).some((k) => k.startsWith('$'))) throw new TypeError('A replacement must be a document without update operators');
        const { _id: givenId, ...rest } = cloneValue(doc) as Doc;
        const [old] = matching(filter);
        if (old !== undefined) {
          if (givenId !== undefined && !valuesEqual(givenId, old._id)) throw new Error(ID_CHANGE);
          const next = { _id: old._id, ...rest };
          if (valuesEqual(next, old)) return { matchedCount: 1, modifiedCount: 0, upsertedId: null };
          put(next, old);
          return { matchedCount: 1, modifiedCount: 1, upsertedId: null };
        }
        if (!options.upsert) return NO_MATCH;
        const filterId = upsertSeed(filter)._id;
        if (filterId !== undefined && givenId !== undefined && !valuesEqual(filterId, givenId)) throw new Error("The _id of the replacement differs from the filter's _id");
        const id = (filterId ?? givenId ?? newId()) as string;
        put({ _id: id, ...rest });
        return { matchedCount: 0, modifiedCount: 0, upsertedId: id };
      },
      async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
        const [doc] = matching(filter);
        if (doc !== undefined) stateForWrite(name).docs.delete(String(doc._id));
        return { deletedCount: doc === undefined ? 0 : 1 };
      },
      async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
        const docs = matching(filter);
        for (const doc of docs) stateForWrite(name).docs.delete(String(doc._id));
        return { deletedCount: docs.length };
      },
      async aggregate<R = Doc>(pipeline: readonly Record<string, unknown>[]): Promise<R[]> {
        // The pipeline works on copies, so no stage can write into stored documents.
        const copies = (of: string): Doc[] => stored(of).map((d) => cloneStored(d));
        return new Aggregator(pipeline as Record<string, unknown>[], { collectionResolver: copies }).run(copies(name)) as R[];
      },
      async distinct(field: string, filter?: Filter): Promise<unknown[]> {
        const values: unknown[] = [];
        for (const d of matching(filter)) collectDistinct(d, splitPath(field), 0, values);
        return values.filter((v, i) => values.findIndex((w) => valuesEqual(v, w)) === i).map((v) => cloneStored(v));
      },
      indexSpecs(): IndexSpec[] {
        open();
        const specs = (states.get(name)?.indexes ?? []).map((ix) => (ix.unique ? { keys: ix.keys, name: ix.name, unique: true } : { keys: ix.keys, name: ix.name }));
        return [{ keys: { _id: 1 }, name: '_id_' }, ...specs];
      },
    };
  };

  return {
    collection<T extends Doc = Doc>(name: string): MemoryCollection<T> {
      open();
      if (typeof name !== 'string' || name === '' || name.includes('$') || name.includes('\0')) throw new TypeError(`Invalid collection name: ${String(name)}`);
      return collection<T>(name);
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
      if (from === to) throw new Error('Cannot rename a collection to itself');
      const st = states.get(from);
      if (st === undefined) throw new Error(`Source collection ${from} does not exist`);
      states.delete(from);
      states.set(to, st);
    },
    async close(): Promise<void> {
      closed = true;
      states.clear();
    },
  };
}

/**
 * Whether two documents share a key of a unique index: MongoDB indexes a missing field as null
 * and each element of an array, so (for every field of the index) some key value of one equals
 * some key value of the other.
 */
function sameKey(a: Doc, b: Doc, ix: Index): boolean {
  return Object.keys(ix.keys).every((path) => {
    const theirs = keyValues(b, splitPath(path)).values;
    return keyValues(a, splitPath(path)).values.some((v) => theirs.some((w) => valuesEqual(v, w)));
  });
}

function keyOf(doc: Doc, ix: Index): Record<string, unknown> {
  return Object.fromEntries(Object.keys(ix.keys).map((path) => [path, keyValues(doc, splitPath(path)).values[0]]));
}
