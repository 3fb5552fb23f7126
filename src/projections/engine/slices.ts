/**
 * Cutting long projection work (a rebuild, a catch-up) into transactions of about a target
 * duration, commit included, with a turn of the event loop between two, so that requests wait
 * at most about that long for it.
 */

/** Events between two looks at the clock within a slice. */
export const SLICE_CHECK = 25;

/**
 * How long a slice may spend applying events so that the whole transaction takes about the
 * target: the documents are written to the store at its commit, after the events are applied,
 * and writing and committing took twice as long as applying did (a slice applying for 100 ms
 * held the loop for about 300). So the applying time is the target times the share applying had
 * of the last transaction, between a tenth of the target and the whole of it.
 */
export class SliceBudget {
  applyMs: number;

  constructor(private readonly targetMs: number) {
    this.applyMs = targetMs;
  }

  /** After a transaction: how long applying its events took, and the whole transaction. */
  record(appliedMs: number, totalMs: number): void {
    const share = totalMs > 0 ? Math.min(1, appliedMs / totalMs) : 1;
    this.applyMs = Math.max(this.targetMs / 10, this.targetMs * share);
  }
}

/**
 * A turn of the event loop. An embedded store answers reads and writes without waiting on I/O:
 * without these turns a rebuild would hold the loop for its whole duration, and every request
 * (the live read models keep serving) would wait for the rebuild to end.
 */
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
