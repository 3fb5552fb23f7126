import type { EventRegistry } from '../../domain/shared/events';
import type { EventStore, RecordedEvent, Subscription } from '../../ports/event-store';
import type { Logger } from '../../ports/logger';
import type { ProjectedEvent } from '../../projections/engine/projector';

/**
 * The live feed of domain events for real-time gateways (socket.io for document 000, plain
 * WebSocket for document 002): one subscription to the event log per instance, from the head
 * at start, so each instance feeds its own clients whether there is one instance or many.
 *
 * For every event, the feed first waits until the read models have applied it, then hands it
 * to each consumer that asked for its type, in log order, one at a time; so a consumer can
 * build its payload from the read models (the ticket as the tickets list shows it, the
 * notifications the event caused). A consumer failing is logged and does not stop the others.
 */
export interface LiveFeedConsumer {
  name: string;
  eventTypes: readonly string[];
  handle(event: ProjectedEvent): Promise<void> | void;
}

export interface LiveFeedOptions {
  eventStore: Pick<EventStore, 'subscribeToAll' | 'headPosition'>;
  registry: Pick<EventRegistry, 'upcast'>;
  /** Read-your-writes for the feed: resolves once the read models include `position`. */
  sync: { waitFor(position: number, timeoutMs: number): Promise<boolean> };
  logger: Logger;
  /** How long to wait for the read models before delivering anyway. Default 5000. */
  waitTimeoutMs?: number;
  /** Delay before resubscribing after the n-th consecutive drop. */
  resubscribeDelayMs?: (attempt: number) => number;
}

export class LiveFeed {
  private readonly consumers = new Set<LiveFeedConsumer>();
  private subscription: Subscription | null = null;
  private running = false;
  private drops = 0;
  private resubscribeTimer: NodeJS.Timeout | null = null;
  private restarting: Promise<void> = Promise.resolve();
  /** Position of the last event delivered (or skipped). */
  position = 0;

  constructor(private readonly options: LiveFeedOptions) {}

  /**
   * Adds a consumer; returns the function that removes it. Consumers may be added before or
   * after start (after start the subscription is renewed from the current position with the
   * new set of event types; do not add from inside a consumer's handler).
   */
  add(consumer: LiveFeedConsumer): () => void {
    this.consumers.add(consumer);
    if (this.running) this.renew();
    return () => {
      if (!this.consumers.delete(consumer)) return;
      if (this.running) this.renew();
    };
  }

  get eventTypes(): string[] {
    return [...new Set([...this.consumers].flatMap((c) => c.eventTypes))];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.position = await this.options.eventStore.headPosition();
    this.running = true;
    this.subscribe();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.resubscribeTimer) clearTimeout(this.resubscribeTimer);
    this.resubscribeTimer = null;
    await this.restarting;
    const s = this.subscription;
    this.subscription = null;
    await s?.stop();
  }

  private renew(): void {
    this.restarting = this.restarting.then(async () => {
      const s = this.subscription;
      this.subscription = null;
      await s?.stop();
      if (this.running) this.subscribe();
    });
  }

  private subscribe(): void {
    const types = this.eventTypes;
    // No consumer: nothing to follow (an empty filter would mean every event).
    if (types.length === 0) return;
    const { eventStore, logger } = this.options;
    const subscription = eventStore.subscribeToAll(
      { fromPosition: this.position, eventTypes: types, batchSize: 100 },
      {
        onEvents: (events) => this.deliver(events),
        onCheckpoint: (position) => {
          if (position > this.position) this.position = position;
        },
        onCaughtUp: () => {
          this.drops = 0;
        },
        onError: (error) => {
          if (!this.running || this.subscription !== subscription) return;
          this.drops++;
          const delay = this.options.resubscribeDelayMs?.(this.drops) ?? Math.min(30_000, 100 * 2 ** this.drops);
          logger.warn({ err: error.message, delayMs: delay, from: this.position }, 'live feed subscription dropped');
          this.subscription = null;
          this.resubscribeTimer = setTimeout(() => {
            this.resubscribeTimer = null;
            if (this.running && this.subscription === null) this.subscribe();
          }, delay);
        },
      },
    );
    this.subscription = subscription;
  }

  private async deliver(events: RecordedEvent[]): Promise<void> {
    const { sync, registry, logger } = this.options;
    for (const raw of events) {
      if (raw.position <= this.position) continue;
      if (!this.running) return;
      const reached = await sync.waitFor(raw.position, this.options.waitTimeoutMs ?? 5000);
      if (!reached) logger.warn({ position: raw.position, type: raw.type }, 'live feed: read models behind; delivering anyway');
      const event: ProjectedEvent = {
        id: raw.id,
        type: raw.type,
        streamName: raw.streamName,
        revision: raw.revision,
        position: raw.position,
        data: registry.upcast(raw.type, raw.metadata.schemaVersion, raw.data),
        metadata: raw.metadata,
      };
      for (const consumer of this.consumers) {
        if (!consumer.eventTypes.includes(event.type)) continue;
        try {
          await consumer.handle(event);
        } catch (err) {
          logger.error(
            { consumer: consumer.name, position: event.position, type: event.type, err: err instanceof Error ? err.message : String(err) },
            'live feed consumer failed',
          );
        }
      }
      this.position = raw.position;
    }
  }
}
