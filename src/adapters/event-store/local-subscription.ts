import type { RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../../ports/event-store';

/**
 * Catch-up-then-live subscriptions for the local event stores (in-memory and SQLite).
 *
 * The subscription never receives events pushed by the writer: it always reads them from
 * the log by position. The store only signals "something was committed"; the subscription
 * then reads everything after the last position it handled. That gives no gaps, no
 * duplicates and strict log order, whether appends happen during catch-up or while a
 * handler is busy, and the same code path serves catch-up and live delivery.
 */

/** What a local store exposes to its subscriptions. Positions are integers (1, 2, 3, …). */
export interface LocalLog {
  /** Committed events with `after < position <= upTo`, in log order, at most `maxCount`,
   * only of `eventTypes` when given. Synchronous, so nothing is committed halfway through. */
  readRange(after: number, upTo: number, maxCount: number, eventTypes: readonly string[] | undefined): RecordedEvent[];
  /** Position of the last committed event (0 when empty). */
  headPosition(): number;
}

export const DEFAULT_BATCH_SIZE = 500;
/** With a type filter, a page scans at most this many positions, so a filtered subscriber
 * reading through a long run of other events still gets checkpoints along the way. */
export const FILTERED_SCAN_WINDOW = 10_000;

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A running subscription; the store keeps the set of them to signal commits and to halt them on close. */
export class LocalSubscription implements Subscription {
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly running: Promise<void>;
  private readonly batchSize: number;
  private readonly eventTypes: readonly string[] | undefined;

  constructor(
    private readonly log: LocalLog,
    options: SubscribeOptions,
    private readonly handler: SubscriptionHandler,
    private readonly onFinished: (subscription: LocalSubscription) => void,
  ) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    this.batchSize = batchSize;
    this.eventTypes = options.eventTypes && options.eventTypes.length > 0 ? [...options.eventTypes] : undefined;
    this.running = this.run(options.fromPosition ?? 0);
  }

  /** Called by the store after each commit. */
  notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Stops delivering without waiting for an in-flight handler call (used when the store closes). */
  halt(): void {
    this.stopped = true;
    this.notify();
  }

  async stop(): Promise<void> {
    this.halt();
    await this.running;
  }

  private async run(fromPosition: number): Promise<void> {
    // Deliver nothing before subscribeToAll has returned.
    await Promise.resolve();
    let position = fromPosition;
    let caughtUp = false;
    try {
      while (!this.stopped) {
        const head = this.log.headPosition();
        if (head > position) {
          position = await this.deliverPage(position, head);
          if (this.stopped) break;
          if (!caughtUp) {
            // Catch-up: let other work run between pages even when the handler is synchronous.
            await nextTurn();
            continue;
          }
        }
        if (this.log.headPosition() > position) continue;
        if (!caughtUp) {
          caughtUp = true;
          this.handler.onCaughtUp?.(position);
          continue;
        }
        // Live and up to date: sleep until the store signals a commit (checked and armed in one turn).
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } catch (error) {
      this.stopped = true;
      try {
        this.handler.onError?.(toError(error));
      } catch {
        // The error callback failing must not turn into an unhandled rejection.
      }
    } finally {
      this.wake = undefined;
      this.onFinished(this);
    }
  }

  /** Reads and delivers one page after `position` (up to `head`); returns the new position. */
  private async deliverPage(position: number, head: number): Promise<number> {
    const upTo = this.eventTypes ? Math.min(head, position + FILTERED_SCAN_WINDOW) : head;
    const events = this.log.readRange(position, upTo, this.batchSize, this.eventTypes);
    const full = events.length === this.batchSize;
    const scannedTo = full ? events[events.length - 1]!.position : upTo;
    let reached = position;
    if (events.length > 0) {
      if (this.stopped) return reached;
      await this.handler.onEvents(events);
      reached = events[events.length - 1]!.position;
    }
    if (scannedTo > reached) {
      if (this.stopped) return reached;
      await this.handler.onCheckpoint?.(scannedTo);
      reached = scannedTo;
    }
    return reached;
  }
}
