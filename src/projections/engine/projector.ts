import type { EventMetadata } from '../../ports/event-store';
import { DuplicateKeyError, type Collection, type Doc, type IndexSpec, type Update } from '../../ports/read-store';

/** An event as projectors see it: data already upcast to the current schema version. */
export interface ProjectedEvent<Data = Record<string, unknown>> {
  id: string;
  type: string;
  streamName: string;
  revision: number;
  position: number;
  data: Data;
  metadata: EventMetadata;
}

export interface ProjectorContext {
  /** A collection by its logical name; during a rebuild this is the shadow collection. */
  collection<T extends Doc = Doc>(name: string): Collection<T>;
}

/**
 * A projector turns events into read-model documents. It declares the event types it handles
 * and the collections (with their indexes) it owns; the runner feeds it in log order from its
 * checkpoint. `apply` must be idempotent: use `applyOnce`, which records in each document the
 * position of the last event applied to it, so a redelivered event changes nothing.
 */
export interface Projector {
  name: string;
  /**
   * The version of what `apply` builds (default 1). Raise it when a change to the projector
   * changes its documents: at the next start the read models of the stored version keep serving
   * while the new version is rebuilt beside them, then swapped in (rebuild.ts).
   */
  version?: number;
  handles: readonly string[];
  collections: Record<string, readonly IndexSpec[]>;
  /**
   * Names of indexes an earlier version of this code declared on its collections and no longer
   * does, by collection: dropped at start, after the declared ones are made, so a replaced index
   * stops costing every write. The documents do not change, so no rebuild is needed.
   */
  retiredIndexes?: Record<string, readonly string[]>;
  apply(event: ProjectedEvent, ctx: ProjectorContext): Promise<void>;
}

/** Field holding the position of the last event applied to a document. */
export const APPLIED_POSITION = '_pos';

/**
 * Applies `update` to document `_id` unless an event at or after `position` was already applied
 * to it. With `upsert`, a missing document is created. Returns whether anything was applied.
 */
export async function applyOnce<T extends Doc>(
  collection: Collection<T>,
  id: string,
  position: number,
  update: Update,
  options: { upsert?: boolean } = {},
): Promise<boolean> {
  // $max rather than $set: the guard below makes it a plain set, and the caller's $set (often
  // many fields) is passed on as it is instead of being copied for every event.
  const withPosition: Update = { ...update, $max: { ...update.$max, [APPLIED_POSITION]: position } };
  try {
    const result = await collection.updateOne(
      { _id: id, $or: [{ [APPLIED_POSITION]: { $lt: position } }, { [APPLIED_POSITION]: { $exists: false } }] },
      withPosition,
      { upsert: options.upsert ?? false },
    );
    return result.matchedCount > 0 || result.upsertedId !== null;
  } catch (err) {
    // The upsert tried to insert because the guard did not match: the document exists and
    // already has this event (or a later one) applied.
    if (err instanceof DuplicateKeyError) return false;
    throw err;
  }
}

/** Inserts a document that an event creates, unless it was already inserted by that event. */
export async function insertOnce<T extends Doc>(collection: Collection<T>, doc: T, position: number): Promise<boolean> {
  try {
    await collection.insertOne({ ...doc, [APPLIED_POSITION]: position });
    return true;
  } catch (err) {
    if (err instanceof DuplicateKeyError) return false;
    throw err;
  }
}

/** Removes the bookkeeping field before a document leaves the read side. */
export function withoutBookkeeping<T extends Doc>(doc: T): Omit<T, typeof APPLIED_POSITION> {
  const { [APPLIED_POSITION]: _ignored, ...rest } = doc;
  return rest as Omit<T, typeof APPLIED_POSITION>;
}
