import { z } from 'zod';
import { toNewEvents, type CommandDeps } from '../commands/context';
import { defineEvent } from '../domain/shared/events';
import { WrongExpectedRevisionError, type RecordedEvent, type Subscription } from '../ports/event-store';
import type { Logger } from '../ports/logger';
import type { ProjectedEvent } from '../projections/engine/projector';

/**
 * A reactor: something that must happen in the outside world because of an event (provision a
 * router when a subscription is suspended, ...). It is fed from the event log, never from inside
 * a request: one filtered subscription from its checkpoint, events handled one at a time in log
 * order, the checkpoint stored after each handled event. The checkpoint lives in the event store
 * (stream `reactor_checkpoint-<name>`, appended with its expected revision), so it survives
 * restarts on every store, and two instances running the same reactor find out: the one whose
 * append conflicts re-reads where the other got to.
 *
 * Delivery is at least once: an event handled just before a crash, and not yet checkpointed, is
 * handled again after the restart, so handlers are idempotent (the Mikrotik one skips a trigger
 * whose outcome is already recorded). Before handling, the reactor waits until the read models
 * include the event, so a handler reads state at least as new as its trigger. A handler that
 * throws, or an instance that is not the leader, stops the subscription; it resumes from the
 * stored checkpoint after a back-off.
 */

export const ReactorCheckpointStored = defineEvent(
  'ReactorCheckpointStored',
  z.object({ reactor: z.string(), position: z.number().int().nonnegative() }),
);
export const reactorEvents = [ReactorCheckpointStored];

export const reactorCheckpointStream = (name: string): string => `reactor_checkpoint-${name}`;

export interface ReactorHandler {
  name: string;
  eventTypes: readonly string[];
  handle(event: ProjectedEvent): Promise<void>;
}

export interface CheckpointedReactorOptions {
  deps: CommandDeps;
  handler: ReactorHandler;
  logger: Logger;
  /** Read-your-writes for the reactor: resolves once the read models include `position`. */
  sync?: { waitFor(position: number, timeoutMs: number): Promise<boolean> };
  /** Whether this instance runs reactors now (it holds the projection lease). Default: always. */
  isLeader?: () => boolean;
  /** Delay before resubscribing after the n-th consecutive stop. Default 100 ms × 2ⁿ, at most 30 s. */
  resubscribeDelayMs?: (attempt: number) => number;
}

class NotLeader extends Error {}

export class CheckpointedReactor {
  private subscription: Subscription | null = null;
  private running = false;
  private revision = -1;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private handling: Promise<void> = Promise.resolve();
  private readonly waiters: Array<{ position: number; resolve(): void }> = [];
  /** Everything up to here is handled (or needs no handling). */
  position = 0;

  constructor(private readonly options: CheckpointedReactorOptions) {}

  get name(): string {
    return this.options.handler.name;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.loadCheckpoint();
    this.subscribe();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.subscription;
    this.subscription = null;
    await s?.stop();
    await this.handling.catch(() => undefined);
  }

  /** Resolves once everything up to `position` is handled (for tests and operations). */
  reached(position: number): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  private async loadCheckpoint(): Promise<void> {
    const [last] = await this.options.deps.eventStore.readStream(reactorCheckpointStream(this.name), { direction: 'backwards', maxCount: 1 });
    this.revision = last ? last.revision : -1;
    if (last) this.advance(Number(last.data.position));
  }

  private advance(position: number): void {
    if (position <= this.position) return;
    this.position = position;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.position <= position) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  private subscribe(): void {
    if (!this.running) return;
    const { deps, handler, logger } = this.options;
    const subscription = deps.eventStore.subscribeToAll(
      { fromPosition: this.position, eventTypes: handler.eventTypes, batchSize: 50 },
      {
        onEvents: (events) => {
          const run = this.deliver(events);
          this.handling = run.catch(() => undefined);
          return run;
        },
        onCheckpoint: (position) => {
          // Events skipped by the filter need no handling; not stored (the next handled event stores past them).
          if (this.subscription === subscription) this.advance(position);
        },
        onCaughtUp: (position) => {
          if (this.subscription === subscription) this.advance(position);
        },
        onError: (error) => {
          if (!this.running || this.subscription !== subscription) return;
          this.subscription = null;
          this.failures++;
          const delay = this.options.resubscribeDelayMs?.(this.failures) ?? Math.min(30_000, 100 * 2 ** this.failures);
          if (!(error instanceof NotLeader)) logger.warn({ reactor: this.name, err: error.message, delayMs: delay, from: this.position }, 'reactor stopped; resuming from its checkpoint');
          this.timer = setTimeout(() => {
            this.timer = null;
            void this.loadCheckpoint().then(
              () => this.subscribe(),
              (err: unknown) => this.options.logger.error({ reactor: this.name, err: String(err) }, 'reactor could not read its checkpoint'),
            );
          }, delay);
        },
      },
    );
    this.subscription = subscription;
  }

  private async deliver(events: RecordedEvent[]): Promise<void> {
    const { deps, handler, sync } = this.options;
    for (const raw of events) {
      if (!this.running) return;
      if (raw.position <= this.position) continue;
      if (this.options.isLeader && !this.options.isLeader()) throw new NotLeader('not the leader');
      if (sync && !(await sync.waitFor(raw.position, 10_000))) throw new Error(`read models did not reach position ${raw.position}`);
      await handler.handle({
        id: raw.id,
        type: raw.type,
        streamName: raw.streamName,
        revision: raw.revision,
        position: raw.position,
        data: deps.registry.upcast(raw.type, raw.metadata.schemaVersion, raw.data),
        metadata: raw.metadata,
      });
      await this.storeCheckpoint(raw.position);
      this.failures = 0;
      this.advance(raw.position);
    }
  }

  private async storeCheckpoint(position: number): Promise<void> {
    const { deps } = this.options;
    const stream = reactorCheckpointStream(this.name);
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = `reactor:${this.name}:${deps.ids.uuid()}`;
      const meta = { actor: { userId: 'system', role: 'system' }, requestId: id, correlationId: id, causationId: id };
      try {
        const r = await deps.eventStore.appendToStream(stream, toNewEvents(deps, meta, [{ type: 'ReactorCheckpointStored', data: { reactor: this.name, position } }]), {
          expectedRevision: this.revision === -1 ? 'no_stream' : this.revision,
        });
        this.revision = r.nextExpectedRevision;
        return;
      } catch (err) {
        if (!(err instanceof WrongExpectedRevisionError)) throw err;
        // Another instance stored one meanwhile: keep the further of the two.
        const [last] = await deps.eventStore.readStream(stream, { direction: 'backwards', maxCount: 1 });
        this.revision = last ? last.revision : -1;
        if (last && Number(last.data.position) >= position) return;
      }
    }
    throw new Error(`reactor ${this.name}: could not store its checkpoint`);
  }
}
