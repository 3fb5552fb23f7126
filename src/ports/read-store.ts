/**
 * Read store port: document collections with MongoDB query and update semantics, so the
 * same projector and query code runs on the in-memory store and on MongoDB. Every adapter
 * passes the same contract suite (src/ports/read-store.contract.ts).
 *
 * Supported query language (the contract suite covers each):
 *  - filters: equality (including on array elements and dotted paths), $eq $ne $gt $gte $lt $lte
 *    $in $nin $exists $regex (+$options) $and $or $nor $not $elemMatch $all $size
 *  - updates: $set $unset $inc $min $max $push (+$each, $slice) $pull $addToSet (+$each)
 *    $setOnInsert, and upsert
 *  - find options: sort (multi-key), skip, limit, projection (inclusion or exclusion)
 *  - aggregate: $match $group ($sum $avg $min $max $push $addToSet $first $last $count)
 *    $sort $skip $limit $project $addFields $set $unwind $count $facet $replaceRoot, with
 *    MongoDB expressions ($cond $dateToString $ifNull $eq ... ) in stages that take them.
 */

export interface Doc {
  _id: string;
  [key: string]: unknown;
}

export type Filter = Record<string, unknown>;
export type Update = Record<string, Record<string, unknown>>;
export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
  /** { field: 1, ... } to include only these (plus _id), or { field: 0, ... } to exclude. */
  projection?: Record<string, 0 | 1>;
  /** The caller only reads the documents (a page it presents): the store may answer with
   * documents it shares, deeply frozen, instead of copies. Changing one throws a TypeError
   * (Dates excepted: freezing does not hold their time; do not set it). Stores that copy
   * anyway ignore it. */
  readonly?: boolean;
  /** The documents are read once (to make an answer that is then kept, as a ticket's comments
   * are): a store that keeps parsed documents for later reads need not keep these, which would
   * push out documents read again and again. Stores without such a cache ignore it. */
  once?: boolean;
}

export interface IndexSpec {
  /** Fields in order, 1 ascending / -1 descending. Compound indexes serve equality on a
   * prefix followed by a range or a sort on the next field. */
  keys: Record<string, 1 | -1>;
  name?: string;
  unique?: boolean;
}

export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  /** _id of the inserted document when an upsert inserted one. */
  upsertedId: string | null;
}

export interface Collection<T extends Doc = Doc> {
  readonly name: string;
  /** Idempotent: creating an index that exists is a no-op. */
  createIndexes(specs: readonly IndexSpec[]): Promise<void>;
  /** Drops the indexes of these names (as created: given, or the keys joined); a name that
   * names no index is skipped. For indexes an earlier version of the code declared. */
  dropIndexes(names: readonly string[]): Promise<void>;
  /** Throws DuplicateKeyError when _id or a unique index key is taken. */
  insertOne(doc: T): Promise<void>;
  insertMany(docs: readonly T[]): Promise<void>;
  findOne(filter: Filter, options?: FindOptions): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  countDocuments(filter?: Filter): Promise<number>;
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update): Promise<UpdateResult>;
  replaceOne(filter: Filter, doc: T, options?: { upsert?: boolean }): Promise<UpdateResult>;
  deleteOne(filter: Filter): Promise<{ deletedCount: number }>;
  deleteMany(filter: Filter): Promise<{ deletedCount: number }>;
  aggregate<R = Doc>(pipeline: readonly Record<string, unknown>[]): Promise<R[]>;
  distinct(field: string, filter?: Filter): Promise<unknown[]>;
}

/** What {@link ReadStore.watchReads} noted: the collections a read used, as they stood. Opaque. */
declare const readMark: unique symbol;
export type ReadMark = { readonly [readMark]: true };

export interface ReadStore {
  collection<T extends Doc = Doc>(name: string): Collection<T>;
  listCollections(): Promise<string[]>;
  dropCollection(name: string): Promise<void>;
  /** Replaces `to` with `from` (dropping `to`), keeping `from`'s documents and indexes.
   * Used to swap a rebuilt read model in while the live one keeps serving until then. */
  renameCollection(from: string, to: string): Promise<void>;
  /**
   * Runs `fn` so that its writes commit together, or after a crash not at all: a projector's
   * checkpoint is written in the same transaction as the documents it covers (the embedded
   * SQLite store). Stores without it (MongoDB, memory) leave it out; their projectors rely on
   * each document's applied position instead (src/projections/engine/projector.ts).
   * `bulk`: part of a catch-up or a rebuild, where the store may trade the durability of each
   * commit for speed, as long as a crash never leaves documents and checkpoints apart.
   */
  transaction?<R>(fn: () => Promise<R>, options?: { bulk?: boolean }): Promise<R>;
  /**
   * Told once, when the projections' first catch-up is over (before the service reports itself
   * ready): a store that put work off during it does that work now (the embedded SQLite store
   * creates the indexes it deferred while building a new file). Stores without such work leave
   * it out.
   */
  caughtUp?(): Promise<void>;
  /**
   * Runs `read`, noting each collection it reads as the collection stood when first read (reads
   * by others meanwhile may be noted too: a mark can only say too much). `unchanged(mark)` then
   * says whether none of those collections has been written since (a rolled-back write, a drop
   * or a swap count as writes): an answer made from those reads alone can be sent again while it
   * holds (src/api/http/kept-answers.ts). Stores that cannot tell leave both out: MongoDB, which
   * other processes write, and the memory test double.
   */
  watchReads?<R>(read: () => Promise<R>): Promise<{ value: R; mark: ReadMark }>;
  unchanged?(mark: ReadMark): boolean;
  close(): Promise<void>;
}

export class DuplicateKeyError extends Error {
  constructor(
    readonly collection: string,
    readonly key: Record<string, unknown>,
  ) {
    super(`Duplicate key in ${collection}: ${JSON.stringify(key)}`);
    this.name = 'DuplicateKeyError';
  }
}
