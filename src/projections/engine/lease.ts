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
 * The holder stops trusting its lease a safety margin before `expires_at` (by its own clock),
 * so a paused or partitioned holder stops writing before anyone else can take over, as long as
 * the instances' clocks disagree by less than that margin (keep them NTP-synchronised).
 */
import type { Clock } from '../../ports/clock';
import { DuplicateKeyError, type Collection, type Doc, type ReadStore } from '../../ports/read-store';

export const LEASES = '_leases';

export interface LeaseDoc extends Doc {
  owner: string;
  expires_at: Date;
  acquired_at: Date;
  renewed_at: Date;
  /** Free-form progress the holder publishes with each renewal (e.g. the projection position). */
  position?: number;
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
    // Not held (as far as this owner knows): this is an acquisition, not a renewal.
    if (!this.isHeld()) set.acquired_at = now;
    try {
      await this.leases.updateOne({ _id: this.name, $or: [{ expires_at: { $lt: now } }, { owner: this.owner }] }, { $set: set }, { upsert: true });
    } catch (err) {
      if (err instanceof DuplicateKeyError) {
        this.heldUntil = 0;
        return false;
      }
      throw err;
    }
    this.heldUntil = now.getTime() + this.ttlMs - this.safetyMarginMs;
    return true;
  }

  /** Whether this owner may act as the holder now (acquired, and before the local deadline). */
  isHeld(): boolean {
    return this.heldUntil > 0 && this.clock.now().getTime() < this.heldUntil;
  }

  /** Stops trusting the lease locally (after a failed renewal found someone else holding it). */
  forget(): void {
    this.heldUntil = 0;
  }

  /** Gives the lease up at once so a standby can take over without waiting for it to expire. */
  async release(): Promise<void> {
    const held = this.heldUntil > 0;
    this.heldUntil = 0;
    if (!held) return;
    await this.leases.updateOne({ _id: this.name, owner: this.owner }, { $set: { expires_at: new Date(0), released_at: this.clock.now() } });
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
  constructor(readonly lease: string) {
    super(`This instance does not hold the projection lease "${lease}"; read-model writes are fenced off here`);
    this.name = 'LeaseLostError';
  }
}

/**
 * The read store as the projections of one instance see it: reads pass, every write first
 * checks `writable()` and otherwise throws LeaseLostError, so an instance that has lost its
 * lease (or whose lease ran past its local deadline before a renewal) stops changing the read
 * models at its next write, before anyone else can take over.
 */
export function fenceReadStore(store: ReadStore, writable: () => boolean, leaseName: string): ReadStore {
  const guard = (): void => {
    if (!writable()) throw new LeaseLostError(leaseName);
  };
  const fencedCollection = <T extends Doc>(name: string): Collection<T> => {
    const inner = store.collection<T>(name);
    return {
      name: inner.name,
      createIndexes: async (specs) => (guard(), inner.createIndexes(specs)),
      insertOne: async (doc) => (guard(), inner.insertOne(doc)),
      insertMany: async (docs) => (guard(), inner.insertMany(docs)),
      findOne: (filter, options) => inner.findOne(filter, options),
      find: (filter, options) => inner.find(filter, options),
      countDocuments: (filter) => inner.countDocuments(filter),
      updateOne: async (filter, update, options) => (guard(), inner.updateOne(filter, update, options)),
      updateMany: async (filter, update) => (guard(), inner.updateMany(filter, update)),
      replaceOne: async (filter, doc, options) => (guard(), inner.replaceOne(filter, doc, options)),
      deleteOne: async (filter) => (guard(), inner.deleteOne(filter)),
      deleteMany: async (filter) => (guard(), inner.deleteMany(filter)),
      aggregate: (pipeline) => inner.aggregate(pipeline),
      distinct: (field, filter) => inner.distinct(field, filter),
    };
  };
  return {
    collection: fencedCollection,
    listCollections: () => store.listCollections(),
    dropCollection: async (name) => (guard(), store.dropCollection(name)),
    renameCollection: async (from, to) => (guard(), store.renameCollection(from, to)),
    // The composition root closes the real store; the fence owns nothing.
    close: async () => undefined,
  };
}
