import type { AllStreamResolvedEvent, AllStreamSubscription, Position, ReadPosition } from '@eventstore/db-client';
import type { RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../../ports/event-store';
import { checkpointToNumber, eventAcceptor, fromEsdbEvent, numberToReadPosition, resolvedAllPosition } from './eventstoredb-mapping';

/**
 * A port subscription on an EventStoreDB catch-up subscription to `$all`.
 *
 * Filtering: on the server (eventstoredb-mapping.ts `subscriptionFilter`): exactly the handler's
 * event types when it names some, otherwise every non-system event; so events no subscriber
 * handles never cross the network. The same rule is applied again here (`eventAcceptor`), which
 * costs nothing and keeps a server that ignores the filter from reaching a handler.
 *
 * Skipped events: the server reports them only through its checkpoints (`checkpointReached`),
 * every `checkpointInterval` × search window considered events, at positions that stop short of
 * a trailing run of skipped events. The store therefore declares
 * `skippedEventCheckpoints: 'periodic'`, and a subscriber that waits for a position past such a
 * run finds out with a filtered read whether only skipped events lie in between
 * (projections/engine/filtered-progress.ts) instead of waiting for the next checkpoint.
 *
 * Order: the client emits `caughtUp` and calls `checkpointReached` while it transforms the
 * server's messages, which can be ahead of the events it has buffered for us. Each such signal is
 * therefore queued behind the events pushed before it (those already received plus
 * `readableLength`), so a checkpoint is never reported before an event it covers.
 *
 * Back-pressure: events go to `onEvents` in batches of at most `batchSize`; the next call waits for
 * the previous one. When the local queue is full the client stream is paused, which stops it
 * reading from gRPC, and HTTP/2 flow control holds the server.
 *
 * The store does not resubscribe: a dropped subscription calls `onError` once and ends (the
 * projection runner resubscribes from its checkpoint). The client itself reconnects its channel
 * on the next call after UNAVAILABLE or NOT_LEADER errors.
 */

/** Opens the client subscription from `fromPosition`; `onCheckpoint` is the filter's checkpointReached. */
export type OpenSubscription = (fromPosition: ReadPosition, onCheckpoint: (position: Position) => void) => AllStreamSubscription;

export const DEFAULT_BATCH_SIZE = 500;

type Entry =
  | { kind: 'event'; resolved: AllStreamResolvedEvent; position: number }
  | { kind: 'checkpoint'; position: number }
  | { kind: 'caughtUp' }
  | { kind: 'end'; error: Error };

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class EventStoreDbSubscription implements Subscription {
  private readonly batchSize: number;
  private readonly accepts: (type: string, streamName: string) => boolean;
  private readonly queue: Entry[] = [];
  /** Signals that arrived ahead of buffered events: released once `received` reaches `after`. */
  private readonly held: Array<{ after: number; entry: Entry }> = [];
  private readonly highWater: number;
  private readonly source: AllStreamSubscription;
  private readonly running: Promise<void>;
  private received = 0;
  private lastQueued: number;
  private paused = false;
  private stopped = false;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    open: OpenSubscription,
    options: SubscribeOptions,
    private readonly handler: SubscriptionHandler,
    private readonly onFinished: (subscription: EventStoreDbSubscription) => void = () => undefined,
  ) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    this.batchSize = batchSize;
    this.highWater = Math.max(2 * batchSize, 64);
    this.accepts = eventAcceptor(options.eventTypes);
    const from = options.fromPosition ?? 0;
    this.lastQueued = from;
    this.source = open(numberToReadPosition(from), (position) => this.onServerCheckpoint(position));
    this.source.on('data', (resolved: AllStreamResolvedEvent) => this.onData(resolved));
    this.source.on('caughtUp', () => this.signal({ kind: 'caughtUp' }));
    this.source.on('error', (error: Error) => this.finish(error));
    this.source.on('end', () => this.finish(new Error('EventStoreDB ended the subscription')));
    this.source.on('close', () => this.finish(new Error('EventStoreDB subscription closed')));
    this.running = this.run(from);
  }

  /** Stops delivering, unsubscribes, and waits for the handler call in flight. */
  async stop(): Promise<void> {
    this.halt();
    await this.running;
  }

  /** Stops without waiting for the handler (used when the store closes). */
  halt(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.notify();
    this.source.unsubscribe().catch(() => undefined);
  }

  private onData(resolved: AllStreamResolvedEvent): void {
    this.received++;
    if (!this.stopped && !this.ended) {
      const position = resolvedAllPosition(resolved);
      // Never deliver an event twice or one at/before the start (positions are exclusive).
      if (position !== undefined && position > this.lastQueued) {
        this.lastQueued = position;
        this.queue.push({ kind: 'event', resolved, position });
      }
    }
    this.release();
    if (this.queue.length >= this.highWater && !this.paused) {
      this.paused = true;
      this.source.pause();
    }
    this.notify();
  }

  private onServerCheckpoint(position: Position): void {
    let n: number;
    try {
      n = checkpointToNumber(position);
    } catch (error) {
      this.finish(toError(error));
      return;
    }
    this.signal({ kind: 'checkpoint', position: n });
  }

  /** Queues a signal behind every event the client has already pushed. */
  private signal(entry: Entry): void {
    if (this.stopped || this.ended) return;
    this.held.push({ after: this.received + this.source.readableLength, entry });
    this.release();
    this.notify();
  }

  /** Moves held signals whose preceding events have all been received into the queue, in order. */
  private release(): void {
    while (this.held.length > 0 && this.held[0]!.after <= this.received) this.queue.push(this.held.shift()!.entry);
  }

  /** The source failed or ended: deliver what is queued, then report. */
  private finish(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.held.length = 0;
    this.queue.push({ kind: 'end', error });
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async next(): Promise<Entry | undefined> {
    while (!this.stopped && this.queue.length === 0) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return this.stopped ? undefined : this.queue[0];
  }

  private resumeIfDrained(): void {
    if (this.paused && this.queue.length <= this.batchSize && !this.stopped) {
      this.paused = false;
      this.source.resume();
    }
  }

  private async run(fromPosition: number): Promise<void> {
    // Deliver nothing before subscribeToAll has returned.
    await Promise.resolve();
    let reached = fromPosition;
    let caughtUp = false;
    try {
      for (;;) {
        const head = await this.next();
        if (!head) break;
        if (head.kind === 'event') {
          const batch: RecordedEvent[] = [];
          let scanned = reached;
          while (batch.length < this.batchSize && this.queue[0]?.kind === 'event') {
            const entry = this.queue.shift() as Extract<Entry, { kind: 'event' }>;
            const event = entry.resolved.event;
            if (event && this.accepts(event.type, event.streamId)) batch.push(fromEsdbEvent(event));
            scanned = entry.position;
          }
          this.resumeIfDrained();
          if (batch.length > 0) {
            await this.handler.onEvents(batch);
            reached = batch[batch.length - 1]!.position;
          }
          if (this.stopped) break;
          if (scanned > reached) {
            await this.handler.onCheckpoint?.(scanned);
            reached = scanned;
          }
          continue;
        }
        this.queue.shift();
        this.resumeIfDrained();
        if (head.kind === 'checkpoint') {
          if (head.position > reached) {
            await this.handler.onCheckpoint?.(head.position);
            reached = head.position;
          }
        } else if (head.kind === 'caughtUp') {
          if (!caughtUp) {
            caughtUp = true;
            this.handler.onCaughtUp?.(reached);
          }
        } else {
          throw head.error;
        }
      }
    } catch (error) {
      if (!this.stopped) {
        this.halt();
        try {
          this.handler.onError?.(toError(error));
        } catch {
          // The error callback failing must not turn into an unhandled rejection.
        }
      }
    } finally {
      this.stopped = true;
      this.queue.length = 0;
      this.held.length = 0;
      this.wake = undefined;
      this.onFinished(this);
    }
  }
}
