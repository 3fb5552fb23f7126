/**
 * Read store on MongoDB (the `mongodb` driver). The port's query and update language is
 * MongoDB's, so filters, updates and pipelines go to the server as they are; this adapter only
 * maps what differs: string ids for documents inserted without one, the update result, index
 * specs, and the duplicate-key error (see mapping.ts). It passes the port's contract suite
 * (mongo-read-store.int.test.ts, where a Docker engine is reachable).
 *
 * Bounded writes (`withWriteTimeout(ms)`, ports/bounded-writes.ts): a view of the same store
 * whose document writes carry `maxTimeMS` (the server stops working on them), a `wtimeoutMS` in
 * their write concern (the server stops waiting for replication) and an AbortSignal that fires
 * after `ms` (the driver stops waiting: for a server to select, also before the retry of a
 * retryable write, which would otherwise wait up to serverSelectionTimeoutMS, 30 s by default).
 * A bounded write whose outcome the driver cannot confirm in time fails with
 * WriteNotConfirmedError. The projection lease fences its writes through such a view.
 *
 * Nothing connects on import: `connectMongo` / `createMongoReadStore` are called by the
 * composition root.
 */
import {
  MongoClient,
  ObjectId,
  type Db,
  type Document,
  type Filter as MongoFilter,
  type UpdateFilter,
  type Collection as MongoCollection,
} from 'mongodb';
import { WriteNotConfirmedError, type BoundedWriteStore } from '../../../ports/bounded-writes';
import type { Collection, Doc, Filter, FindOptions, IndexSpec, ReadStore, Update, UpdateResult } from '../../../ports/read-store';
import {
  checkCollectionName,
  DEFAULT_WRITE_CONCERN,
  filterPinsId,
  isNamespaceNotFound,
  mongoClientOptions,
  resolveDbName,
  serverTimeLimit,
  toFindOptions,
  toIndexDescriptions,
  toReadStoreError,
  toUpdateResult,
  unconfirmedWriteReason,
  withGeneratedUpsertId,
  withId,
  type MongoSettings,
  type MongoWriteConcern,
} from './mapping';

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** Connects (and checks the server answers) with the adapter's driver options. */
export async function connectMongo(settings: MongoSettings): Promise<MongoConnection> {
  const client = new MongoClient(settings.url, mongoClientOptions(settings));
  await client.connect();
  const db = client.db(settings.dbName);
  await db.command({ ping: 1 });
  return { client, db, close: () => client.close() };
}

export interface MongoReadStoreOptions {
  url: string;
  /** Default: the connection string's path, else `isp_ops`. */
  dbName?: string;
  /** Default `{ w: 'majority', journal: true }`. */
  writeConcern?: MongoWriteConcern;
  appName?: string;
}

export interface MongoReadStore extends ReadStore, BoundedWriteStore {
  readonly db: Db;
  /** A view of this store (same client) whose document writes give up after `timeoutMs`; closing it closes nothing. */
  withWriteTimeout(timeoutMs: number): MongoReadStore;
}

/** Connects and returns a read store that owns the client (close() closes it). */
export async function createMongoReadStore(options: MongoReadStoreOptions): Promise<MongoReadStore> {
  const connection = await connectMongo({
    url: options.url,
    dbName: resolveDbName(options.url, options.dbName),
    writeConcern: options.writeConcern ?? DEFAULT_WRITE_CONCERN,
    appName: options.appName,
  });
  return mongoReadStore(connection.db, { onClose: connection.close });
}

/**
 * A read store on an open database handle. `onClose` runs on close() (pass the client's close
 * when the store owns it; the composition root shares one client with the GridFS file store and
 * closes it itself).
 */
export function mongoReadStore(
  db: Db,
  options: { onClose?: () => Promise<void>; newId?: () => string; writeTimeoutMs?: number; state?: { closed: boolean } } = {},
): MongoReadStore {
  const state = options.state ?? { closed: false };
  const writeTimeoutMs = options.writeTimeoutMs;
  const newId = options.newId ?? (() => new ObjectId().toHexString());
  const open = (): void => {
    if (state.closed) throw new Error('The read store is closed');
  };
  const handles = new Map<string, MongoCollectionHandle<Doc>>();
  // Operations the driver does not inherit client options for (renameCollection) get them here.
  const writeConcern = db.writeConcern;

  return {
    db,
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      open();
      checkCollectionName(name);
      let h = handles.get(name);
      if (h === undefined) {
        h = new MongoCollectionHandle<Doc>(db.collection<Doc>(name), name, state, newId, writeTimeoutMs);
        handles.set(name, h);
      }
      return h as unknown as Collection<T>;
    },
    async listCollections(): Promise<string[]> {
      open();
      const infos = await db.listCollections({ type: 'collection' }, { nameOnly: true }).toArray();
      return infos
        .map((i) => i.name)
        .filter((n) => !n.startsWith('system.'))
        .sort();
    },
    async dropCollection(name: string): Promise<void> {
      open();
      checkCollectionName(name);
      try {
        await db.dropCollection(name);
      } catch (err) {
        if (!isNamespaceNotFound(err)) throw err;
      }
    },
    async renameCollection(from: string, to: string): Promise<void> {
      open();
      checkCollectionName(from);
      checkCollectionName(to);
      if (from === to) throw new Error('Cannot rename a collection to itself');
      try {
        await db.renameCollection(from, to, { dropTarget: true, ...(writeConcern ? { writeConcern } : {}) });
      } catch (err) {
        if (isNamespaceNotFound(err)) throw new Error(`Source collection ${from} does not exist`);
        throw err;
      }
    },
    withWriteTimeout(timeoutMs: number): MongoReadStore {
      if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError('The write timeout must be a positive number of milliseconds');
      const view = mongoReadStore(db, { newId, writeTimeoutMs: Math.ceil(timeoutMs), state });
      // The view shares the client and the open/closed state; closing it closes nothing.
      return { ...view, close: async () => undefined };
    },
    async close(): Promise<void> {
      if (state.closed) return;
      state.closed = true;
      handles.clear();
      await options.onClose?.();
    },
  };
}

type Raw = MongoCollection<Doc>;

class MongoCollectionHandle<T extends Doc> implements Collection<T> {
  constructor(
    private readonly raw: Raw,
    readonly name: string,
    private readonly state: { closed: boolean },
    private readonly newId: () => string,
    /** Set on a bounded view: every document write gives up after this many ms. */
    private readonly writeTimeoutMs?: number,
  ) {}

  /**
   * Driver options bounding one write (none on an unbounded store); fresh for every call. The
   * server is told to give up a fifth earlier than the driver does, so that it normally answers
   * with a definite error (MaxTimeMSExpired, a wtimeout) before the driver has to cut the
   * connection.
   */
  private bound(): Record<string, unknown> {
    const ms = this.writeTimeoutMs;
    if (ms === undefined) return {};
    const serverMs = serverTimeLimit(ms);
    const inherited = this.raw.writeConcern;
    return {
      maxTimeMS: serverMs,
      writeConcern: { w: inherited?.w ?? 'majority', journal: inherited?.journal, wtimeoutMS: serverMs },
      signal: AbortSignal.timeout(ms),
    };
  }

  /** A document write: bounded on a bounded view, with an unconfirmed outcome reported as such. */
  private async write<R>(op: (c: Raw, bound: Record<string, unknown>) => Promise<R>): Promise<R> {
    const c = this.check();
    const bound = this.bound();
    try {
      return await op(c, bound);
    } catch (err) {
      if (this.writeTimeoutMs !== undefined) {
        const reason = unconfirmedWriteReason(err);
        if (reason !== null) throw new WriteNotConfirmedError(this.name, reason, { cause: err });
      }
      throw toReadStoreError(err, this.name);
    }
  }

  private check(): Raw {
    if (this.state.closed) throw new Error('The read store is closed');
    return this.raw;
  }

  private async run<R>(op: (c: Raw) => Promise<R>): Promise<R> {
    const c = this.check();
    try {
      return await op(c);
    } catch (err) {
      throw toReadStoreError(err, this.name);
    }
  }

  async createIndexes(specs: readonly IndexSpec[]): Promise<void> {
    if (specs.length === 0) return;
    const descriptions = toIndexDescriptions(specs);
    await this.run((c) => c.createIndexes(descriptions));
  }

  async dropIndexes(names: readonly string[]): Promise<void> {
    for (const name of names) {
      await this.run(async (c) => {
        try {
          await c.dropIndex(name);
        } catch (err) {
          // IndexNotFound (27) or NamespaceNotFound (26): nothing to drop.
          const code = (err as { code?: unknown }).code;
          if (code !== 27 && code !== 26) throw err;
        }
      });
    }
  }

  async insertOne(doc: T): Promise<void> {
    const copy = withId(doc, this.newId);
    await this.write((c, bound) => c.insertOne(copy, bound));
  }

  async insertMany(docs: readonly T[]): Promise<void> {
    if (docs.length === 0) return;
    const copies = docs.map((d) => withId(d, this.newId));
    // Ordered (the default): the server stops at the first failure and keeps the ones before it.
    await this.write((c, bound) => c.insertMany(copies, { ...bound, ordered: true }));
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    const found = await this.run((c) => c.findOne(filter as MongoFilter<Doc>, toFindOptions(options)));
    return (found as unknown as T | null) ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const found = await this.run((c) => c.find(filter as MongoFilter<Doc>, toFindOptions(options)).toArray());
    return found as unknown as T[];
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    return this.run((c) => c.countDocuments(filter as MongoFilter<Doc>));
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const upsert = options.upsert === true;
    const effective = upsert ? withGeneratedUpsertId(filter, update, this.newId) : update;
    const result = await this.write((c, bound) => c.updateOne(filter as MongoFilter<Doc>, effective as UpdateFilter<Doc>, { ...bound, upsert }));
    return toUpdateResult(result);
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    const result = await this.write((c, bound) => c.updateMany(filter as MongoFilter<Doc>, update as UpdateFilter<Doc>, bound));
    return toUpdateResult(result);
  }

  async replaceOne(filter: Filter, doc: T, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const replacement: Document = { ...doc };
    if (options.upsert && replacement._id === undefined && !filterPinsId(filter)) {
      // The server would give an inserted replacement an ObjectId; try to replace first, then
      // insert with a generated string id (adding _id to a replacement that matches would fail).
      const replaced = await this.write((c, bound) => c.replaceOne(filter as MongoFilter<Doc>, replacement, bound));
      if (replaced.matchedCount > 0) return toUpdateResult(replaced);
      const inserted = await this.write((c, bound) =>
        c.replaceOne(filter as MongoFilter<Doc>, { _id: this.newId(), ...replacement }, { ...bound, upsert: true }),
      );
      return toUpdateResult(inserted);
    }
    const result = await this.write((c, bound) => c.replaceOne(filter as MongoFilter<Doc>, replacement, { ...bound, upsert: options.upsert === true }));
    return toUpdateResult(result);
  }

  async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    const result = await this.write((c, bound) => c.deleteOne(filter as MongoFilter<Doc>, bound));
    return { deletedCount: result.deletedCount };
  }

  async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    const result = await this.write((c, bound) => c.deleteMany((filter ?? {}) as MongoFilter<Doc>, bound));
    return { deletedCount: result.deletedCount };
  }

  async aggregate<R = Doc>(pipeline: readonly Record<string, unknown>[]): Promise<R[]> {
    const out = await this.run((c) => c.aggregate([...pipeline]).toArray());
    return out as R[];
  }

  async distinct(field: string, filter: Filter = {}): Promise<unknown[]> {
    return this.run((c) => c.distinct(field, filter as MongoFilter<Doc>));
  }
}
