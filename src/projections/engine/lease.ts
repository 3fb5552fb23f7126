/**
 * A lease on the read store port: one document per lease in `_leases`, held by one owner until
 * `expires_at`. It works wherever the read store is shared: across instances on MongoDB, and
 * between the runners of one process on the in-memory store.
 *
 * Acquire and renew are one conditional upsert:
 *
 *   updateOne({ _id: name, $or: [{ expires_at: { $lt: now } }, { owner: me }] },
 *             { $set: { owner: me, expires_at: now + ttl, ... } }, { upsert: true })
 *
 * It matches when the lease is free (expired) or already ours, and inserts when there is no
 * lease document yet. When someone else holds a live lease the filter matches nothing, the
 * upsert tries to insert a second document with the same _id, and the store answers
 * DuplicateKeyError: not acquired. A unique _id makes that atomic on MongoDB and in memory.
 *
 * Every acquisition starts a new term: the upsert also increments `term` in the lease document,
 * and the holder reads it back (with the random `acquisition` it set, to be sure the document it
 * reads is its own acquisition). A renewal changes nothing but the times, and only while the
 * document still names this owner and this term. Terms only grow, so a term is a fencing token.
 *
 * The holder stops trusting its lease a safety margin before `expires_at` (by its own clock),
 * so a paused or partitioned holder stops writing before anyone else can take over, as long as
 * the instances' clocks disagree by less than that margin (keep them NTP-synchronised). That
 * check is made when a write starts; what keeps a write that started in time from landing after
 * the lease passed on is the fence below (fenceReadStore): writes bounded in time below the
 * margin, and the term in every document write's filter.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock';
import { WriteNotConfirmedError } from '../../ports/bounded-writes';
import { DuplicateKeyError, type Collection, type Doc, type Filter, type ReadStore, type Update } from '../../ports/read-store';

export const LEASES = '_leases';

export interface LeaseDoc extends Doc {
  owner: string;
  expires_at: Date;
  acquired_at: Date;
  renewed_at: Date;
  /** Free-form progress the holder publishes with each renewal (e.g. the projection position). */
  position?: number;
  /** The current term: incremented by every acquisition. */
  term?: number;
  /** A random id of the acquisition that started the term. */
  acquisition?: string;
}

export interface LeaseHolder {
  owner: string;
  expiresAt: Date;
  position: number | null;
}

export interface LeaseOptions {
  readStore: ReadStore;
  /** The lease's name (its _id), e.g. `projections:main`. */
  name: string;
  /** This instance's id; unique per process. */
  owner: string;
  ttlMs: number;
  clock: Clock;
  /** How long before expires_at the holder stops trusting the lease. Default: a fifth of the TTL. */
  safetyMarginMs?: number;
}

export class Lease {
  readonly name: string;
  readonly owner: string;
  readonly ttlMs: number;
  readonly safetyMarginMs: number;
  private readonly clock: Clock;
  private readonly leases: Collection<LeaseDoc>;
  /** Local deadline (ms since epoch) until which this owner may act as the holder; 0 when not held. */
  private heldUntil = 0;
  /** The term this owner holds, 0 when it holds none. */
  private heldTerm = 0;

  constructor(options: LeaseOptions) {
    if (!(options.ttlMs > 0)) throw new RangeError('The lease TTL must be positive');
    this.name = options.name;
    this.owner = options.owner;
    this.ttlMs = options.ttlMs;
    this.clock = options.clock;
    this.safetyMarginMs = options.safetyMarginMs ?? Math.floor(options.ttlMs / 5);
    if (this.safetyMarginMs < 0 || this.safetyMarginMs >= this.ttlMs) throw new RangeError('The safety margin must be between 0 and the TTL');
    this.leases = options.readStore.collection<LeaseDoc>(LEASES);
  }

  /**
   * Acquires the lease, or renews it when this owner holds it. Resolves false when another owner
   * holds a lease that has not expired. Other failures (the store is unreachable) reject; the
   * lease then stays held locally only until its local deadline.
   */
  async tryAcquire(publish: { position?: number } = {}): Promise<boolean> {
    const now = this.clock.now();
    const set: Record<string, unknown> = {
      owner: this.owner,
      expires_at: new Date(now.getTime() + this.ttlMs),
      renewed_at: now,
    };
    if (publish.position !== undefined) set.position = publish.position;
    if (this.isHeld()) {
      // A renewal: only of this owner's own term.
      const renewed = await this.leases.updateOne({ _id: this.name, owner: this.owner, term: this.heldTerm }, { $set: set });
      if (renewed.matchedCount === 0) {
        this.forget();
        return false;
      }
      this.heldUntil = now.getTime() + this.ttlMs - this.safetyMarginMs;
      return true;
    }
    // Not held (as far as this owner knows): an acquisition, which starts a new term.
    const acquisition = randomUUID();
    set.acquired_at = now;
    set.acquisition = acquisition;
    try {
      await this.leases.updateOne(
        { _id: this.name, $or: [{ expires_at: { $lt: now } }, { owner: this.owner }] },
        { $set: set, $inc: { term: 1 } },
        { upsert: true },
      );
    } catch (err) {
      if (err instanceof DuplicateKeyError) {
        this.forget();
        return false;
      }
      throw err;
    }
    const doc = await this.leases.findOne({ _id: this.name });
    if (!doc || doc.acquisition !== acquisition || typeof doc.term !== 'number') {
      // Someone else acquired it since (it expired in between).
      this.forget();
      return false;
    }
    this.heldTerm = doc.term;
    this.heldUntil = now.getTime() + this.ttlMs - this.safetyMarginMs;
    return true;
  }

  /** Whether this owner may act as the holder now (acquired, and before the local deadline). */
  isHeld(): boolean {
    return this.heldUntil > 0 && this.clock.now().getTime() < this.heldUntil;
  }

  /** The term this owner holds (acquired and not forgotten; check isHeld() for the deadline), 0 when none. */
  get term(): number {
    return this.heldUntil > 0 ? this.heldTerm : 0;
  }

  /**
   * Moves this owner's term up to `atLeast` (when it is lower). For a lease document that lost
   * its history (deleted, restored from an older backup) while the read store kept documents
   * of later terms: a term lower than theirs would have every fenced write refused. Resolves
   * false when the lease is no longer this owner's.
   */
  async advanceTerm(atLeast: number): Promise<boolean> {
    if (!this.isHeld()) return false;
    if (atLeast <= this.heldTerm) return true;
    const moved = await this.leases.updateOne({ _id: this.name, owner: this.owner, term: this.heldTerm }, { $set: { term: atLeast } });
    if (moved.matchedCount === 0) {
      this.forget();
      return false;
    }
    this.heldTerm = atLeast;
    return true;
  }

  /** Stops trusting the lease locally (after a failed renewal found someone else holding it). */
  forget(): void {
    this.heldUntil = 0;
    this.heldTerm = 0;
  }

  /** Gives the lease up at once so a standby can take over without waiting for it to expire. */
  async release(): Promise<void> {
    const held = this.heldUntil > 0;
    const term = this.heldTerm;
    this.forget();
    if (!held) return;
    await this.leases.updateOne({ _id: this.name, owner: this.owner, term }, { $set: { expires_at: new Date(0), released_at: this.clock.now() } });
  }

  /** The current holder as stored (null when nobody holds a live lease). */
  async holder(): Promise<LeaseHolder | null> {
    const doc = await this.leases.findOne({ _id: this.name });
    if (!doc || !(doc.expires_at instanceof Date) || doc.expires_at.getTime() <= this.clock.now().getTime()) return null;
    return { owner: doc.owner, expiresAt: doc.expires_at, position: typeof doc.position === 'number' ? doc.position : null };
  }

  /** The position the holder last published (also after it expired), or null. */
  async publishedPosition(): Promise<number | null> {
    const doc = await this.leases.findOne({ _id: this.name }, { projection: { position: 1 } });
    return doc && typeof doc.position === 'number' ? doc.position : null;
  }
}

/** A write reached the read store fence while this instance does not hold the projection lease. */
export class LeaseLostError extends Error {
  constructor(
    readonly lease: string,
    message = `This instance does not hold the projection lease "${lease}"; read-model writes are fenced off here`,
  ) {
    super(message);
    this.name = 'LeaseLostError';
  }
}

/** A fenced write was refused by its filter: a document holds a write of a later term (another holder's). */
export class StaleTermError extends LeaseLostError {
  constructor(
    lease: string,
    readonly collection: string,
    readonly term: number,
  ) {
    super(lease, `A write of term ${term} of the projection lease "${lease}" to ${collection} was refused: a later term has written there`);
    this.name = 'StaleTermError';
  }
}

/** A fenced write could not be confirmed within its time bound: this term cannot tell what it wrote, so it ends. */
export class FencedWriteUnconfirmedError extends LeaseLostError {
  constructor(lease: string, cause: WriteNotConfirmedError) {
    super(lease, `${cause.message}; the term of the projection lease "${lease}" ends here`);
    this.name = 'FencedWriteUnconfirmedError';
    this.cause = cause;
  }
}

/** The field in which every fenced document write records the lease term it was written in. */
export const TERM_FIELD = '_term';

export interface FenceOptions {
  /**
   * The holder's lease term. Every document write then carries it in its filter
   * (`_term` not above it) and records it (`$set: { _term }`, or in the inserted document), so a
   * write of an older term that reaches the store after a newer term has written a document
   * matches nothing there; an upsert refused that way fails with StaleTermError.
   */
  term?: () => number;
  /** Called when a write could not be confirmed in time (or was refused as stale): the term must end. */
  onTermEnded?: (error: LeaseLostError) => void;
}

/** `filter` restricted to documents no later term has written (or that no term has written). */
export function termFilter(filter: Filter, term: number): Filter {
  const guard = { $not: { $gt: term } };
  if (!(TERM_FIELD in filter)) return { ...filter, [TERM_FIELD]: guard };
  return { $and: [filter, { [TERM_FIELD]: guard }] };
}

/** `update` also recording the term. */
export function termUpdate(update: Update, term: number): Update {
  return { ...update, $set: { ...update.$set, [TERM_FIELD]: term } };
}

/**
 * The read store as the projections of one instance see it: reads pass; every write first
 * checks `writable()` and otherwise throws LeaseLostError, so an instance that has lost its
 * lease (or whose lease ran past its local deadline before a renewal) stops changing the read
 * models at its next write, before anyone else can take over.
 *
 * That check is made when a write starts. Two things keep a write that started in time from
 * landing after the lease passed on (a MongoDB write can be retried after an election, up to
 * serverSelectionTimeoutMS later, or wait for replication without end):
 * - the store behind the fence bounds its writes' time below the lease's safety margin
 *   (ports/bounded-writes.ts; LeasedProjections gives it such a view). A write not confirmed
 *   within the bound ends the term (`onTermEnded`, FencedWriteUnconfirmedError): this instance
 *   cannot tell what it wrote, so it restarts from the stored checkpoints when it holds the
 *   lease again;
 * - with `term`, every document write carries the term in its filter and records it, so an
 *   older term's write that still arrives late matches nothing a newer term has written (the
 *   next holder writes every projector's checkpoint first, so a stale checkpoint write is always
 *   refused). Index builds, drops and renames carry no term (rebuilds use them; they are settled
 *   before a new term starts).
 */
export function fenceReadStore(store: ReadStore, writable: () => boolean, leaseName: string, fencing: FenceOptions = {}): ReadStore {
  const guard = (): void => {
    if (!writable()) throw new LeaseLostError(leaseName);
  };
  const ended = (error: LeaseLostError): never => {
    fencing.onTermEnded?.(error);
    throw error;
  };
  /** Runs a write; an unconfirmed one ends the term. */
  const write = async <R>(run: () => Promise<R>): Promise<R> => {
    guard();
    try {
      return await run();
    } catch (err) {
      if (err instanceof WriteNotConfirmedError) return ended(new FencedWriteUnconfirmedError(leaseName, err));
      throw err;
    }
  };
  const fencedCollection = <T extends Doc>(name: string): Collection<T> => {
    const inner = store.collection<T>(name);
    const term = fencing.term;
    /** An upsert refused by the term filter tries to insert an _id that exists: tell that from a real collision. */
    const upsert = async <R>(t: number, run: () => Promise<R>): Promise<R> => {
      try {
        return await run();
      } catch (err) {
        if (!(err instanceof DuplicateKeyError) || err.key._id === undefined) throw err;
        const newer = await inner.findOne({ _id: err.key._id, [TERM_FIELD]: { $gt: t } } as Filter, { projection: { _id: 1 } });
        if (newer !== null) return ended(new StaleTermError(leaseName, name, t));
        throw err;
      }
    };
    if (!term) {
      return {
        name: inner.name,
        createIndexes: (specs) => write(() => inner.createIndexes(specs)),
        dropIndexes: (names) => write(() => inner.dropIndexes(names)),
        insertOne: (doc) => write(() => inner.insertOne(doc)),
        insertMany: (docs) => write(() => inner.insertMany(docs)),
        findOne: (filter, options) => inner.findOne(filter, options),
        find: (filter, options) => inner.find(filter, options),
        countDocuments: (filter) => inner.countDocuments(filter),
        updateOne: (filter, update, options) => write(() => inner.updateOne(filter, update, options)),
        updateMany: (filter, update) => write(() => inner.updateMany(filter, update)),
        replaceOne: (filter, doc, options) => write(() => inner.replaceOne(filter, doc, options)),
        deleteOne: (filter) => write(() => inner.deleteOne(filter)),
        deleteMany: (filter) => write(() => inner.deleteMany(filter)),
        aggregate: (pipeline) => inner.aggregate(pipeline),
        distinct: (field, filter) => inner.distinct(field, filter),
      };
    }
    return {
      name: inner.name,
      createIndexes: (specs) => write(() => inner.createIndexes(specs)),
      dropIndexes: (names) => write(() => inner.dropIndexes(names)),
      insertOne: (doc) => write(() => inner.insertOne({ ...doc, [TERM_FIELD]: term() })),
      insertMany: (docs) =>
        write(() => {
          const t = term();
          return inner.insertMany(docs.map((d) => ({ ...d, [TERM_FIELD]: t })));
        }),
      findOne: (filter, options) => inner.findOne(filter, options),
      find: (filter, options) => inner.find(filter, options),
      countDocuments: (filter) => inner.countDocuments(filter),
      updateOne: (filter, update, options) =>
        write(() => {
          const t = term();
          const run = () => inner.updateOne(termFilter(filter, t), termUpdate(update, t), options);
          return options?.upsert ? upsert(t, run) : run();
        }),
      updateMany: (filter, update) =>
        write(() => {
          const t = term();
          return inner.updateMany(termFilter(filter, t), termUpdate(update, t));
        }),
      replaceOne: (filter, doc, options) =>
        write(() => {
          const t = term();
          const run = () => inner.replaceOne(termFilter(filter, t), { ...doc, [TERM_FIELD]: t }, options);
          return options?.upsert ? upsert(t, run) : run();
        }),
      deleteOne: (filter) => write(() => inner.deleteOne(termFilter(filter, term()))),
      deleteMany: (filter) => write(() => inner.deleteMany(termFilter(filter ?? {}, term()))),
      aggregate: (pipeline) => inner.aggregate(pipeline),
      distinct: (field, filter) => inner.distinct(field, filter),
    };
  };
  return {
    collection: fencedCollection,
    listCollections: () => store.listCollections(),
    dropCollection: (name) => write(() => store.dropCollection(name)),
    renameCollection: (from, to) => write(() => store.renameCollection(from, to)),
    // The composition root closes the real store; the fence owns nothing.
    close: async () => undefined,
  };
}
