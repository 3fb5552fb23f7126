import type { ReadStore } from './read-store';

/**
 * Writes with a time bound: an optional capability of a read store whose writes can otherwise
 * outlive the caller's patience (MongoDB: a retryable write waits up to serverSelectionTimeoutMS
 * for a new primary before its retry, and a `w: majority` write without a wtimeout waits for
 * replication as long as it takes). The projection lease needs every fenced write to be over,
 * one way or the other, before the lease can pass to another instance (lease.ts).
 *
 * A store that has it returns, from `withWriteTimeout(ms)`, a view of itself (same data, same
 * client) whose document writes (insert, update, replace, delete) give up after `ms`: the
 * client stops waiting and retrying, and the server is told to stop working on the write after
 * that long. Such a write that was not confirmed in time fails with WriteNotConfirmedError. Index
 * builds, drops and renames are not bounded (an index build may rightly take long).
 *
 * Stores whose writes finish with the call (in memory) leave the capability out.
 */
export interface BoundedWriteStore {
  withWriteTimeout(timeoutMs: number): ReadStore;
}

/** The view of `store` whose writes give up after `timeoutMs`, or the store itself when it has no such bound. */
export function withWriteTimeout(store: ReadStore, timeoutMs: number): ReadStore {
  if (!(timeoutMs > 0)) throw new RangeError('The write timeout must be positive');
  const bounded = (store as Partial<BoundedWriteStore>).withWriteTimeout;
  return typeof bounded === 'function' ? bounded.call(store, timeoutMs) : store;
}

/**
 * The store could not confirm a write within its bound (timeout, primary election, lost
 * connection, replication not acknowledged in time): it may or may not have been applied, and
 * may still be applied later if it was already on its way.
 */
export class WriteNotConfirmedError extends Error {
  constructor(
    readonly collection: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`A write to ${collection} was not confirmed in time (${reason}); it may or may not have been applied`, options);
    this.name = 'WriteNotConfirmedError';
  }
}
