import type { EventStore, RecordedEvent, Subscription } from '../../ports/event-store';
import type { Doc, IndexSpec, ReadStore, Update } from '../../ports/read-store';
import type { Logger } from '../../ports/logger';
import type { EventRegistry } from '../../domain/shared/events';
import { FilteredProgress } from './filtered-progress';
import { LagWindow, type LagSummary } from './lag';
import { SLICE_CHECK, SliceBudget, turn } from './slices';
import type { ProjectedEvent, Projector, ProjectorContext } from './projector';

export const CHECKPOINTS = '_projection_checkpoints';

/** Creates the projectors' declared indexes that `which` selects (idempotent). */
export async function createIndexes(
  readStore: ReadStore,
  projectors: readonly Projector[],
  which: (spec: IndexSpec) => boolean,
  rename: (collection: string) => string = (c) => c,
): Promise<void> {
  for (const p of projectors) {
    for (const [name, indexes] of Object.entries(p.collections)) {
      const selected = indexes.filter(which);
      if (selected.length) await readStore.collection(rename(name)).createIndexes(selected);
    }
  }
}

interface CheckpointDoc extends Doc {
  position: number;
  updatedAt: string;
  /** The projector version the documents were built by (absent: 1). */
  version?: number;
}

export const versionOf = (p: Projector): number => p.version ?? 1;

export interface ProjectorStatus {
  name: string;
  checkpoint: number;
  /** The version whose documents are served (the stored one), and the version of the code.
   * (A standby instance, which applies nothing, reports neither.) */
  version?: number;
  codeVersion?: number;
  /** Events this projector applied since the process started (a resumed start applies only
   * what came after its checkpoint). */
  appliedSinceStart?: number;
  faulted: { position: number; eventType: string; error: string } | null;
}

export interface RunnerStatus {
  running: boolean;
  caughtUp: boolean;
  position: number;
  /** Event timestamp to applied, over the recent live events. */
  lag: LagSummary;
  projectors: ProjectorStatus[];
}

export interface ProjectionRunnerOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  registry: EventRegistry;
  projectors: readonly Projector[];
  logger: Logger;
  batchSize?: number;
  /** About how long one transaction of a batch takes, commit included (default 100 ms): a
   * longer batch is applied in several, with a turn of the event loop between two. */
  sliceMs?: number;
  /** Delay before resubscribing after the n-th consecutive drop. */
  resubscribeDelayMs?: (attempt: number) => number;
  /** Attempts per event and projector before the projector is marked faulted. */
  maxApplyAttempts?: number;
  /** Wall-clock milliseconds, for the projection lag and the length of transactions (default Date.now). */
  now?: () => number;
  /** With a store whose filtered subscriptions checkpoint only periodically (EventStoreDB): how
   * long a read-your-writes wait gives the subscription before the runner looks for itself
   * whether only skipped events lie in between (filtered-progress.ts). Default 20 ms. */
  skippedRunProbeDelayMs?: number;
}

interface Waiter {
  position: number;
  resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout;
  /** Not yet looked at by a probe of skipped runs. */
  fresh: boolean;
}

/**
 * Runs a group of projectors from one subscription to the log. Each projector keeps its own
 * checkpoint in the read store (collection _projection_checkpoints); the subscription starts
 * at the lowest one and each projector skips what it already has. A dropped subscription
 * resubscribes from the checkpoint by itself. A projector that keeps failing on an event is
 * marked faulted (reported by status and /health) and skipped, so the others keep going.
 */
export class ProjectionRunner {
  private readonly projectors: readonly Projector[];
  private readonly byType = new Map<string, Projector[]>();
  private readonly checkpoints = new Map<string, number>();
  /** Version of the documents each projector's collections hold. */
  private readonly versions = new Map<string, number>();
  private readonly applied = new Map<string, number>();
  private readonly faults = new Map<string, ProjectorStatus['faulted']>();
  private readonly dirty = new Set<string>();
  private subscription: Subscription | null = null;
  private waiters: Waiter[] = [];
  private running = false;
  private caughtUpOnce = false;
  /** Caught up once, waiting for the read store's deferred work before saying so. */
  private finishingCatchUp = false;
  private drops = 0;
  private readonly lag = new LagWindow();
  private readonly slices: SliceBudget;
  private lastFullPersist = 0;
  private resubscribeTimer: NodeJS.Timeout | null = null;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  private inBatch: Promise<void> = Promise.resolve();
  private readonly caughtUpListeners: Array<() => void> = [];
  /** Only for stores whose filtered subscriptions checkpoint periodically. */
  private readonly skipped: FilteredProgress | null;
  private live = false;
  private probing = false;
  private probeTimer: NodeJS.Timeout | null = null;
  /** Position at which the last probe failed: not retried before the read models move on. */
  private probeFailedAt = -1;
  position = 0;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.slices = new SliceBudget(options.sliceMs ?? 100);
    this.projectors = options.projectors;
    for (const p of this.projectors) {
      for (const t of p.handles) {
        const list = this.byType.get(t) ?? [];
        list.push(p);
        this.byType.set(t, list);
      }
    }
    this.skipped = options.eventStore.skippedEventCheckpoints === 'periodic' ? new FilteredProgress(options.eventStore, this.eventTypes) : null;
  }

  get eventTypes(): string[] {
    return [...this.byType.keys()];
  }

  projector(name: string): Projector | undefined {
    return this.projectors.find((p) => p.name === name);
  }

  async start(): Promise<void> {
    const { readStore } = this.options;
    const stored = await readStore.collection<CheckpointDoc>(CHECKPOINTS).find({});
    const byName = new Map(stored.map((d) => [d._id, d]));
    for (const p of this.projectors) {
      const checkpoint = byName.get(p.name);
      this.checkpoints.set(p.name, checkpoint?.position ?? 0);
      // A projector that never ran builds its documents with the code's version from the start.
      this.versions.set(p.name, checkpoint ? (checkpoint.version ?? 1) : versionOf(p));
      this.applied.set(p.name, 0);
    }
    // Every declared index exists from the start (on SQLite, adding key columns later would
    // rewrite the table; MongoDB maintains them through a replay at little cost), and retired
    // ones are dropped. Not on the collections of a version that is about to be replaced: its
    // rebuild makes the new version's tables with their indexes beside it, and changing the
    // old ones first (a new key column rewrites a SQLite table) would only delay the start.
    const current = this.projectors.filter((p) => this.versions.get(p.name) === versionOf(p));
    await createIndexes(readStore, current, () => true);
    for (const p of current) {
      for (const [name, retired] of Object.entries(p.retiredIndexes ?? {})) await readStore.collection(name).dropIndexes(retired);
    }
    this.position = Math.min(...this.projectors.map((p) => this.checkpoints.get(p.name)!), Infinity);
    if (!Number.isFinite(this.position)) this.position = 0;
    this.skipped?.reset();
    this.running = true;
    this.subscribe();
  }

  /** Resolves once every event up to the head at start has been applied. */
  whenCaughtUp(): Promise<void> {
    if (this.caughtUpOnce) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpListeners.push(resolve));
  }

  get caughtUp(): boolean {
    return this.caughtUpOnce;
  }

  /** Read-your-writes: resolves true once everything up to `position` is applied (or known to
   * hold only events no projector handles), false on timeout. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.reflects(position)) return Promise.resolve(true);
    if (!this.running) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        resolve,
        fresh: true,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      this.scheduleProbe();
    });
  }

  status(): RunnerStatus {
    return {
      running: this.running,
      caughtUp: this.caughtUpOnce,
      position: this.position,
      lag: this.lag.summary(),
      projectors: this.projectors.map((p) => ({
        name: p.name,
        checkpoint: this.checkpoints.get(p.name) ?? 0,
        version: this.versions.get(p.name) ?? versionOf(p),
        codeVersion: versionOf(p),
        appliedSinceStart: this.applied.get(p.name) ?? 0,
        faulted: this.faults.get(p.name) ?? null,
      })),
    };
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.live = false;
    if (this.resubscribeTimer) clearTimeout(this.resubscribeTimer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    this.resume();
    await this.subscription?.stop();
    this.subscription = null;
    await this.inBatch;
    await this.inTransaction(() => this.persistCheckpoints(true));
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
  }

  /** Holds event processing after the batch in flight; used to swap a rebuilt read model in. */
  async pause(): Promise<void> {
    if (!this.gate) this.gate = new Promise((r) => (this.openGate = r));
    await this.inBatch;
  }

  resume(): void {
    this.openGate?.();
    this.gate = null;
    this.openGate = null;
  }

  /** Projectors whose stored documents were built by another version than the code's. */
  staleVersions(): Projector[] {
    return this.projectors.filter((p) => (this.versions.get(p.name) ?? versionOf(p)) !== versionOf(p));
  }

  /**
   * After a rebuild: the projector's documents now reflect everything up to `position`, built by
   * the code's version. Call it in the transaction that swaps the rebuilt collections in.
   */
  async resetProjector(name: string, position: number): Promise<void> {
    const p = this.projector(name);
    this.faults.delete(name);
    this.checkpoints.set(name, position);
    if (p) this.versions.set(name, versionOf(p));
    this.dirty.add(name);
    await this.persistCheckpoints(false, true);
  }

  /** Runs `fn` in one read-store transaction where the store has them (`bulk`: a catch-up or a
   * rebuild, see ReadStore.transaction). */
  inTransaction<R>(fn: () => Promise<R>, options: { bulk?: boolean } = {}): Promise<R> {
    const { readStore } = this.options;
    return readStore.transaction ? readStore.transaction(fn, options) : fn();
  }

  upcast(e: RecordedEvent): ProjectedEvent {
    return {
      id: e.id,
      type: e.type,
      streamName: e.streamName,
      revision: e.revision,
      position: e.position,
      data: this.options.registry.upcast(e.type, e.metadata.schemaVersion, e.data),
      metadata: e.metadata,
    };
  }

  /** Applies one event to one projector with retries; used by the live runner and by rebuilds. */
  async applyWithRetry(p: Projector, event: ProjectedEvent, ctx: ProjectorContext): Promise<Error | null> {
    const attempts = this.options.maxApplyAttempts ?? 3;
    let last: Error | null = null;
    for (let i = 0; i < attempts; i++) {
      try {
        await p.apply(event, ctx);
        return null;
      } catch (err) {
        last = err instanceof Error ? err : new Error(String(err));
      }
    }
    return last;
  }

  private subscribe(): void {
    const { eventStore, logger } = this.options;
    this.live = false;
    this.subscription = eventStore.subscribeToAll(
      { fromPosition: this.position, eventTypes: this.eventTypes, batchSize: this.options.batchSize ?? 20000 },
      {
        onEvents: (events) => {
          const run = this.handleBatch(events);
          this.inBatch = run.catch(() => undefined);
          return run;
        },
        onCheckpoint: (position) => this.advance(position),
        onCaughtUp: (position) => {
          this.live = true;
          this.advance(position);
          this.drops = 0;
          if (!this.caughtUpOnce && !this.finishingCatchUp) {
            this.finishingCatchUp = true;
            const applied = Object.fromEntries(this.projectors.map((p) => [p.name, this.applied.get(p.name) ?? 0]));
            const at = this.position;
            void this.storeCaughtUp().then((storeWorkMs) => {
              this.caughtUpOnce = true;
              for (const l of this.caughtUpListeners.splice(0)) l();
              logger.info({ position: at, applied, storeWorkMs }, 'projections caught up (events applied per projector since start)');
            });
          }
        },
        onError: (error) => {
          if (!this.running) return;
          this.live = false;
          this.drops++;
          const delay = this.options.resubscribeDelayMs?.(this.drops) ?? Math.min(30_000, 100 * 2 ** this.drops);
          logger.warn({ err: error.message, delayMs: delay, from: this.position }, 'projection subscription dropped');
          this.subscription = null;
          this.resubscribeTimer = setTimeout(() => {
            this.resubscribeTimer = null;
            if (this.running) this.subscribe();
          }, delay);
        },
      },
    );
  }

  /**
   * Tells the read store the first catch-up is over (ReadStore.caughtUp) and waits for the work
   * it put off (the runner counts as caught up after it); how long that took. A failure is
   * logged: what the store put off is then done by the queries that need it.
   */
  private async storeCaughtUp(): Promise<number> {
    const { readStore, logger } = this.options;
    const t0 = performance.now();
    try {
      await readStore.caughtUp?.();
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'read store: the work put off until the catch-up was over failed');
    }
    return Math.round(performance.now() - t0);
  }

  /**
   * Applies a batch read from the log in transactions of about `sliceMs` each, commit included
   * (slices.ts), with a turn of the event loop between two: a catch-up batch of thousands of
   * events would otherwise hold every request (and /health) for seconds. The documents of a
   * slice and the checkpoints that cover them commit together.
   */
  private async handleBatch(events: RecordedEvent[]): Promise<void> {
    // A pause (a rebuild's swap) waits for the whole batch: the gate is looked at before it only.
    if (this.gate) await this.gate;
    const now = this.options.now ?? Date.now;
    for (let from = 0; from < events.length; ) {
      const started = now();
      let appliedMs = 0;
      const slice = await this.inTransaction(
        async () => {
          const done = await this.applyBatch(events, from, started + this.slices.applyMs);
          appliedMs = now() - started;
          return done;
        },
        { bulk: !this.live },
      );
      this.slices.record(appliedMs, now() - started);
      from = slice.next;
      this.release();
      if (this.caughtUpOnce) {
        const at = now();
        for (const timestamp of slice.applied) this.lag.record(at - Date.parse(timestamp));
      }
      if (from < events.length) await turn();
    }
  }

  /** Applies events[from…] until `deadline` (looked at every SLICE_CHECK events); the index of
   * the first event left, and the timestamps of those applied. */
  private async applyBatch(events: RecordedEvent[], from: number, deadline: number): Promise<{ next: number; applied: string[] }> {
    const ctx: ProjectorContext = { collection: (name) => this.options.readStore.collection(name) };
    const applied: string[] = [];
    let next = from;
    while (next < events.length) {
      const raw = events[next++]!;
      if (raw.position > this.position) await this.applyEvent(raw, ctx, applied);
      if ((next - from) % SLICE_CHECK === 0 && (this.options.now ?? Date.now)() >= deadline) break;
    }
    await this.persistCheckpoints(false);
    return { next, applied };
  }

  private async applyEvent(raw: RecordedEvent, ctx: ProjectorContext, applied: string[]): Promise<void> {
    const interested = this.byType.get(raw.type);
    if (interested) {
      const event = this.upcast(raw);
      applied.push(event.metadata.timestamp);
      for (const p of interested) {
        if ((this.checkpoints.get(p.name) ?? 0) >= event.position || this.faults.get(p.name)) continue;
        const error = await this.applyWithRetry(p, event, ctx);
        if (error) {
          this.faults.set(p.name, { position: event.position, eventType: event.type, error: error.message });
          this.options.logger.error(
            { projector: p.name, position: event.position, eventType: event.type, err: error.message },
            'projector faulted; it is skipped until rebuilt',
          );
          continue;
        }
        this.checkpoints.set(p.name, event.position);
        this.applied.set(p.name, (this.applied.get(p.name) ?? 0) + 1);
        this.dirty.add(p.name);
      }
    }
    this.position = raw.position;
  }

  private advance(position: number): void {
    if (position <= this.position) return;
    this.position = position;
    this.release();
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const remaining: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.reflects(w.position)) {
        clearTimeout(w.timer);
        w.resolve(true);
      } else remaining.push(w);
    }
    this.waiters = remaining;
    this.scheduleProbe();
  }

  private reflects(position: number): boolean {
    return position <= this.position || (this.skipped?.covers(position, this.position) ?? false);
  }

  /**
   * Periodic-checkpoint stores only, once live: a waiter the subscription has not reached after
   * a short delay may be waiting behind events no projector handles, which the server filter
   * never shows. One probe at a time, made for waiters no probe has seen yet, or once the read
   * models have passed the handled event that held the last probe back.
   */
  private scheduleProbe(): void {
    const skipped = this.skipped;
    if (!skipped || !this.live || this.probing || this.probeTimer || this.waiters.length === 0) return;
    if (!this.waiters.some((w) => w.fresh) && (!skipped.stale(this.position) || this.probeFailedAt === this.position)) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      void this.probeSkippedRuns(skipped);
    }, this.options.skippedRunProbeDelayMs ?? 20);
  }

  private async probeSkippedRuns(skipped: FilteredProgress): Promise<void> {
    if (!this.running || !this.live || this.waiters.length === 0) return;
    this.probing = true;
    for (const w of this.waiters) w.fresh = false;
    try {
      await skipped.probe(this.position);
    } catch (err) {
      this.probeFailedAt = this.position;
      this.options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not look past skipped events for a read-your-writes wait');
    } finally {
      this.probing = false;
    }
    if (this.running) this.release();
  }

  /** `onlyDirty`: write the dirty checkpoints only (a reset), without moving the others. */
  private async persistCheckpoints(force: boolean, onlyDirty = false): Promise<void> {
    // Every event up to the runner's position has been offered to every projector, so each
    // healthy projector's checkpoint moves with it, whether or not it handled anything.
    if (!onlyDirty) {
      for (const p of this.projectors) {
        if (!this.faults.get(p.name)) this.checkpoints.set(p.name, Math.max(this.checkpoints.get(p.name) ?? 0, this.position));
      }
    }
    const now = Date.now();
    const due = !onlyDirty && (force || now - this.lastFullPersist >= 1000);
    const names = due ? this.projectors.map((p) => p.name) : [...this.dirty];
    this.dirty.clear();
    if (due) this.lastFullPersist = now;
    if (names.length === 0) return;
    const col = this.options.readStore.collection<CheckpointDoc>(CHECKPOINTS);
    const updatedAt = new Date(now).toISOString();
    for (const name of names) {
      const position = this.checkpoints.get(name) ?? 0;
      const version = this.versions.get(name) ?? 1;
      // $max: a checkpoint only moves forward, whoever writes it late. A reset after a rebuild
      // may set it back (the rebuilt documents are as of the rebuild's position).
      const move: Update = onlyDirty ? { $set: { position, updatedAt, version } } : { $max: { position }, $set: { updatedAt, version } };
      await col.updateOne({ _id: name }, move, { upsert: true });
    }
  }
}
