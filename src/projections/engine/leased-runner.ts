/**
 * Runs one projector group on exactly one of several instances at a time (a lease in the shared
 * read store, see lease.ts), with the others standing by to take over.
 *
 *  - active: this instance holds the lease and runs the ProjectionRunner. It renews the lease
 *    every `renewEveryMs`, publishing the runner's position with it.
 *  - standby: it tries to acquire the lease every `standbyPollMs`. When the holder stops (and
 *    releases the lease) or dies (and the lease expires), one standby acquires it and starts the
 *    runner from the checkpoints stored in the read store.
 *
 * The runner writes through a fence (lease.ts): a write is refused (LeaseLostError) unless this
 * instance holds the lease and is before its local deadline, so an instance that lost its lease,
 * or did not renew in time, stops changing the read models at once. Such a term is over: the
 * runner is stopped and, if the lease comes back, restarted from the stored checkpoints, never
 * continued. Two more guards hold for writes that started in time but could land late:
 *  - every fenced write is bounded in time below the lease's safety margin (half of it by
 *    default, `fencedWriteTimeoutMs`), on a store that can bound its writes
 *    (ports/bounded-writes.ts: MongoDB); a write not confirmed within the bound ends the term;
 *  - every fenced document write carries the lease term in its filter and records it, and a new
 *    term first writes every projector's checkpoint document, so a write of an older term that
 *    arrives after that (a retried write after an election) matches nothing: a checkpoint never
 *    goes back to an older holder's position.
 * Across a takeover the new holder replays from the last stored checkpoint, so events the old
 * holder applied after its last checkpoint are delivered again; projectors are idempotent
 * (applyOnce), so that changes nothing.
 *
 * Read-your-writes on any instance (`waitFor`): the local runner when active, otherwise the
 * stored checkpoints (and the position the holder publishes in the lease), polled until they
 * pass the position or the time is up; with a store whose filtered subscriptions checkpoint only
 * periodically, a standby also looks whether only events no projector handles lie in between
 * (filtered-progress.ts), as the active runner does. Readiness (`ready`): active — the runner has
 * caught up with the log; standby — the stored progress has reached the last event the
 * projectors handle as it was when this instance started.
 */
import type { Clock } from '../../ports/clock';
import type { EventStore } from '../../ports/event-store';
import type { Logger } from '../../ports/logger';
import type { Doc, ReadStore } from '../../ports/read-store';
import type { EventRegistry } from '../../domain/shared/events';
import { FilteredProgress } from './filtered-progress';
import { withWriteTimeout } from '../../ports/bounded-writes';
import { fenceReadStore, Lease, LeaseLostError, StaleTermError, TERM_FIELD } from './lease';
import type { Projector } from './projector';
import { CHECKPOINTS, ProjectionRunner, type ProjectionRunnerOptions, type ProjectorStatus, type RunnerStatus } from './runner';

export type LeaseRole = 'starting' | 'active' | 'standby' | 'stopped';

export interface LeasedRunnerStatus extends RunnerStatus {
  lease: {
    name: string;
    /** This instance. */
    owner: string;
    role: LeaseRole;
    /** The instance holding the lease as last seen (this one when active), or null. */
    holder: string | null;
  };
}

export interface LeasedProjectionsOptions {
  /** Lease name, one per projector group, e.g. `projections:main`. */
  name: string;
  /** This instance's id (unique per process). */
  owner: string;
  /** The shared read store (unfenced); the runner gets a fenced view of it. */
  readStore: ReadStore;
  eventStore: EventStore;
  registry: EventRegistry;
  projectors: readonly Projector[];
  logger: Logger;
  clock: Clock;
  ttlMs: number;
  renewEveryMs: number;
  standbyPollMs: number;
  /** How often a standby's waitFor reads the stored checkpoints. Default 25 ms. */
  checkpointPollMs?: number;
  safetyMarginMs?: number;
  /** The longest a fenced write may take (the store gives up after it). Default: half the safety margin. */
  fencedWriteTimeoutMs?: number;
  runner?: Pick<ProjectionRunnerOptions, 'batchSize' | 'resubscribeDelayMs' | 'maxApplyAttempts' | 'now' | 'skippedRunProbeDelayMs'>;
  /** Settles other work that writes through the fence (rebuilds) before a new term starts. */
  quiesce?: () => Promise<void>;
  /** false: no timers; the caller drives `tick()` (tests). Default true. */
  autoTick?: boolean;
}

interface CheckpointDoc extends Doc {
  position: number;
  _term?: number;
}

interface StoredWaiter {
  position: number;
  resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout;
  /** Not yet looked at by a probe of skipped runs. */
  fresh: boolean;
}

/** A projector whose apply treats a fenced write as the end of the term rather than a failure,
 * so losing the lease never marks projectors faulted. */
function guardProjector(p: Projector): Projector {
  return {
    name: p.name,
    handles: p.handles,
    collections: p.collections,
    apply: async (event, ctx) => {
      try {
        await p.apply(event, ctx);
      } catch (err) {
        if (err instanceof LeaseLostError) return;
        throw err;
      }
    },
  };
}

export class LeasedProjections {
  /** The runner this instance uses while it holds the lease (restarted on every takeover). */
  readonly runner: ProjectionRunner;
  /** The read store behind the fence: what rebuilds must write through. */
  readonly readStore: ReadStore;
  readonly lease: Lease;
  private readonly options: LeasedProjectionsOptions;
  private readonly names: string[];
  private role: LeaseRole = 'starting';
  private termOpen = false;
  /** The fence refused a write during this term: events may have been skipped, so the term ends. */
  private tripped = false;
  private term = 0;
  /** The last event the projectors handle, as the log stood at start: the standby readiness target. */
  private readyAt = 0;
  private isReady = false;
  private readonly readyListeners: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopping = false;
  private lastHolder: string | null = null;
  private stored: { position: number; checkpoints: Map<string, number> } = { position: 0, checkpoints: new Map() };
  private readonly storedWaiters = new Set<StoredWaiter>();
  private polling: Promise<void> | null = null;
  /** Only for stores whose filtered subscriptions checkpoint periodically. */
  private readonly skipped: FilteredProgress | null;
  /** The longest a fenced write may take. */
  readonly fencedWriteTimeoutMs: number;
  /** Stored position at which the last probe failed: not retried before it moves on. */
  private probeFailedAt = -1;

  constructor(options: LeasedProjectionsOptions) {
    if (options.renewEveryMs >= options.ttlMs) throw new RangeError('The lease must be renewed more often than it expires');
    this.options = options;
    this.names = options.projectors.map((p) => p.name);
    const margin = options.safetyMarginMs ?? Math.floor(options.ttlMs / 5);
    this.fencedWriteTimeoutMs = options.fencedWriteTimeoutMs ?? Math.max(1, Math.floor(margin / 2));
    if (!(this.fencedWriteTimeoutMs > 0) || (margin > 0 && this.fencedWriteTimeoutMs >= margin)) {
      throw new RangeError('The fenced write timeout must be positive and below the safety margin');
    }
    // The lease's own writes and every fenced write are bounded in time (where the store can).
    const bounded = withWriteTimeout(options.readStore, this.fencedWriteTimeoutMs);
    this.lease = new Lease({
      readStore: bounded,
      name: options.name,
      owner: options.owner,
      ttlMs: options.ttlMs,
      clock: options.clock,
      safetyMarginMs: options.safetyMarginMs,
    });
    this.readStore = fenceReadStore(bounded, () => this.writable(), options.name, {
      term: () => this.lease.term,
      onTermEnded: (error) => this.endTerm(error),
    });
    this.runner = new ProjectionRunner({
      ...options.runner,
      eventStore: options.eventStore,
      readStore: this.readStore,
      registry: options.registry,
      projectors: options.projectors.map(guardProjector),
      logger: options.logger,
    });
    this.skipped = options.eventStore.skippedEventCheckpoints === 'periodic' ? new FilteredProgress(options.eventStore, this.runner.eventTypes) : null;
  }

  /** Reads the standby readiness target, then acquires the lease or stands by. */
  async start(): Promise<void> {
    if (this.role !== 'starting') return;
    // Events after it that no projector handles change no read model (and, on EventStoreDB, are
    // not reported to the runner right away).
    const [last] = await this.options.eventStore.readAll({ direction: 'backwards', eventTypes: this.runner.eventTypes, maxCount: 1 });
    this.readyAt = last?.position ?? 0;
    this.role = 'standby';
    await this.tick();
    this.schedule();
  }

  /** Stops the runner (persisting its checkpoints) and releases the lease for a standby. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    if (this.role === 'active') {
      try {
        await this.runner.stop();
      } catch (err) {
        if (!(err instanceof LeaseLostError)) throw err;
      } finally {
        this.termOpen = false;
      }
      await this.lease.release().catch((err: unknown) => this.options.logger.warn({ err: String(err), lease: this.options.name }, 'could not release the projection lease'));
    }
    this.role = 'stopped';
    for (const w of [...this.storedWaiters]) w.resolve(false);
  }

  /** One round of lease upkeep: renew (active) or try to acquire (standby). Never overlaps itself. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.round().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  isActive(): boolean {
    return this.role === 'active' && this.writable();
  }

  get currentRole(): LeaseRole {
    return this.role;
  }

  ready(): boolean {
    return this.isReady;
  }

  /** Resolves once ready (see the class comment for the rule). */
  whenReady(): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve) => this.readyListeners.push(resolve));
  }

  /** Read-your-writes on this instance, whichever role it has; false when the time is up. */
  async waitFor(position: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.role === 'active' && this.writable()) {
        const term = this.term;
        const reached = await this.runner.waitFor(position, Math.max(0, deadline - performance.now()));
        // The runner's word counts only if this term is still intact.
        if (reached && this.role === 'active' && this.term === term && this.writable()) return true;
      } else if (this.storedReflects(position)) {
        return true;
      } else if (await this.waitStored(position, deadline - performance.now())) {
        return true;
      }
      if (performance.now() >= deadline) return false;
      // The role changed while waiting: ask again the way the new role answers.
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /**
   * Waits until the stored progress reaches `position`. One poller serves every waiter, reading
   * the stored checkpoints once per `checkpointPollMs`, so a busy standby does not multiply reads.
   * Resolves false at the timeout, or early when this instance becomes active.
   */
  private waitStored(position: number, timeoutMs: number): Promise<boolean> {
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: StoredWaiter = {
        position,
        fresh: true,
        resolve: (reached) => {
          clearTimeout(waiter.timer);
          this.storedWaiters.delete(waiter);
          resolve(reached);
        },
        timer: setTimeout(() => waiter.resolve(false), timeoutMs),
      };
      this.storedWaiters.add(waiter);
      if (!this.polling) this.polling = this.pollStored().finally(() => (this.polling = null));
    });
  }

  private async pollStored(): Promise<void> {
    const interval = this.options.checkpointPollMs ?? 25;
    while (this.storedWaiters.size > 0) {
      if (this.role === 'active' || this.role === 'stopped') {
        for (const w of [...this.storedWaiters]) w.resolve(false);
        return;
      }
      const { position } = await this.storedProgress().catch(() => this.stored);
      await this.probeSkippedRuns(position);
      for (const w of [...this.storedWaiters]) if (this.storedReflects(w.position)) w.resolve(true);
      if (this.storedWaiters.size > 0) await new Promise((r) => setTimeout(r, interval));
    }
  }

  private storedReflects(position: number): boolean {
    return position <= this.stored.position || (this.skipped?.covers(position, this.stored.position) ?? false);
  }

  /** Periodic-checkpoint stores: whether the waiters wait only behind events no projector handles
   * (see ProjectionRunner.scheduleProbe for when a probe is worth making). */
  private async probeSkippedRuns(applied: number): Promise<void> {
    const skipped = this.skipped;
    if (!skipped) return;
    const waiting = [...this.storedWaiters].filter((w) => !skipped.covers(w.position, applied));
    if (waiting.length === 0) return;
    if (!waiting.some((w) => w.fresh) && (!skipped.stale(applied) || this.probeFailedAt === applied)) return;
    for (const w of waiting) w.fresh = false;
    await skipped.probe(applied).catch((err: unknown) => {
      this.probeFailedAt = applied;
      this.options.logger.warn({ err: String(err) }, 'could not look past skipped events for a read-your-writes wait');
    });
  }

  status(): LeasedRunnerStatus {
    const lease = { name: this.options.name, owner: this.options.owner, role: this.role, holder: this.role === 'active' ? this.options.owner : this.lastHolder };
    if (this.role === 'active') return { ...this.runner.status(), caughtUp: this.isReady, lease };
    const projectors: ProjectorStatus[] = this.names.map((name) => ({ name, checkpoint: this.stored.checkpoints.get(name) ?? 0, faulted: null }));
    // A standby applies nothing, so it has no lag of its own; the holder reports it.
    return { running: false, caughtUp: this.isReady, position: this.stored.position, lag: this.runner.status().lag, projectors, lease };
  }

  private writable(): boolean {
    const ok = this.termOpen && this.lease.isHeld();
    if (!ok && this.role === 'active') this.tripped = true;
    return ok;
  }

  private schedule(): void {
    if (this.stopping || this.options.autoTick === false) return;
    const delay = this.role === 'active' ? this.options.renewEveryMs : this.options.standbyPollMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick().then(
        () => this.schedule(),
        (err: unknown) => {
          this.options.logger.error({ err: String(err), lease: this.options.name }, 'projection lease upkeep failed');
          this.schedule();
        },
      );
    }, delay);
    this.timer.unref?.();
  }

  private async round(): Promise<void> {
    if (this.stopping || this.role === 'stopped' || this.role === 'starting') return;
    if (this.role === 'active') await this.renew();
    else await this.tryTakeOver();
  }

  private async renew(): Promise<void> {
    const { logger } = this.options;
    // Past the local deadline, or a write was refused: this term is over, whatever the store says.
    if (!this.writable() || this.tripped) return this.stepDown('the lease ran past its local deadline before it was renewed');
    let renewed: boolean;
    try {
      renewed = await this.lease.tryAcquire({ position: this.runner.position });
    } catch (err) {
      // The store did not answer: keep going until the local deadline, then step down.
      logger.warn({ err: String(err), lease: this.options.name }, 'could not renew the projection lease; retrying');
      return;
    }
    if (!renewed) return this.stepDown('another instance holds the lease');
    if (this.tripped) return this.stepDown('a write was fenced off while the lease was being renewed');
  }

  private async tryTakeOver(): Promise<void> {
    const { logger } = this.options;
    let acquired = false;
    try {
      acquired = await this.lease.tryAcquire();
    } catch (err) {
      logger.warn({ err: String(err), lease: this.options.name }, 'could not reach the read store to acquire the projection lease');
    }
    if (!acquired || this.stopping) {
      if (acquired) await this.lease.release().catch(() => undefined);
      await this.refreshStandby().catch((err: unknown) => logger.warn({ err: String(err) }, 'could not read the stored projection checkpoints'));
      return;
    }
    this.term++;
    this.tripped = false;
    this.termOpen = true;
    this.role = 'active';
    try {
      // This term's mark on every checkpoint first: no older term can write one from now on.
      await this.claimCheckpoints();
    } catch (err) {
      logger.warn({ err: String(err), lease: this.options.name }, 'could not claim the projection checkpoints after acquiring the lease');
      await this.stepDown('the projection checkpoints could not be claimed for this term');
      await this.lease.release().catch(() => undefined);
      return;
    }
    try {
      // Starts from the checkpoints stored in the read store (whoever wrote them).
      await this.runner.start();
    } catch (err) {
      logger.error({ err: String(err), lease: this.options.name }, 'could not start the projections after acquiring the lease');
      await this.stepDown('the projections failed to start');
      await this.lease.release().catch(() => undefined);
      return;
    }
    this.lastHolder = this.options.owner;
    logger.info({ lease: this.options.name, owner: this.options.owner, from: this.runner.position, term: this.term }, 'holding the projection lease; running the projections');
    const term = this.term;
    this.runner.whenCaughtUp().then(() => {
      if (this.term === term && this.role === 'active') this.markReady();
    }, () => undefined);
  }

  /**
   * Writes every projector's checkpoint document in this term (its position unchanged, a missing
   * one created at 0 with the projector's version), through the fence, so it records the term:
   * from then on a checkpoint write of an older term matches nothing and is refused. When a
   * checkpoint already holds a later term than the lease document gives (the lease document lost
   * its history: deleted, or restored from an older backup), the term moves past it first.
   */
  private async claimCheckpoints(): Promise<void> {
    const checkpoints = this.readStore.collection<CheckpointDoc>(CHECKPOINTS);
    const claim = async () => {
      for (const p of this.options.projectors) {
        // A missing checkpoint is created as the runner reads a missing one: position 0, and the
        // documents to come built by the projector's current version.
        const version = (p as { version?: number }).version ?? 1;
        await checkpoints.updateOne({ _id: p.name }, { $max: { position: 0 }, $setOnInsert: { version } }, { upsert: true });
      }
    };
    try {
      await claim();
    } catch (err) {
      if (!(err instanceof StaleTermError)) throw err;
      const docs = await this.options.readStore.collection<CheckpointDoc>(CHECKPOINTS).find({ _id: { $in: this.names } });
      const highest = Math.max(0, ...docs.map((d) => (typeof d[TERM_FIELD] === 'number' ? d[TERM_FIELD] : 0)));
      if (!(await this.lease.advanceTerm(highest + 1))) throw err;
      this.options.logger.warn({ lease: this.options.name, term: this.lease.term }, 'the lease document was behind the read store; moved the lease term past the stored one');
      this.tripped = false;
      this.termOpen = true;
      await claim();
    }
  }

  /** A fenced write could not be confirmed, or was refused as stale: the fence closes now, the term ends at the next round. */
  private endTerm(error: LeaseLostError): void {
    if (this.termOpen) this.options.logger.warn({ err: error.message, lease: this.options.name }, 'ending this projection term');
    this.termOpen = false;
    if (this.role === 'active') this.tripped = true;
    if (this.options.autoTick !== false && !this.stopping) {
      setTimeout(() => {
        this.tick().catch((err: unknown) => this.options.logger.error({ err: String(err), lease: this.options.name }, 'projection lease upkeep failed'));
      }, 0).unref?.();
    }
  }

  /** Ends this term: closes the fence at once, stops the runner, settles fenced work. */
  private async stepDown(reason: string): Promise<void> {
    this.termOpen = false;
    this.role = 'standby';
    this.lease.forget();
    this.options.logger.warn({ lease: this.options.name, owner: this.options.owner, reason }, 'lost the projection lease; stopped applying events');
    try {
      await this.runner.stop();
    } catch (err) {
      // Its final checkpoint write is fenced off, as it should be.
      if (!(err instanceof LeaseLostError)) this.options.logger.warn({ err: String(err) }, 'projection runner did not stop cleanly');
    }
    await this.options.quiesce?.().catch(() => undefined);
  }

  private async refreshStandby(): Promise<void> {
    const progress = await this.storedProgress();
    this.lastHolder = (await this.lease.holder())?.owner ?? null;
    if (!this.isReady && progress.position >= this.readyAt) this.markReady();
  }

  /** What the read models hold as stored: every stored checkpoint was written after the runner
   * had offered every event up to it to every projector, so the highest one (or the position
   * the holder last published in the lease) is how far the read models are known to be. */
  private async storedProgress(): Promise<{ position: number; checkpoints: Map<string, number> }> {
    const [docs, published] = await Promise.all([
      this.options.readStore.collection<CheckpointDoc>(CHECKPOINTS).find({ _id: { $in: this.names } }),
      this.lease.publishedPosition(),
    ]);
    const checkpoints = new Map(docs.map((d) => [d._id, d.position]));
    // Each value read is a fact that stays true (the read models held everything up to it), so
    // the highest seen is kept: a new holder republishing from an older checkpoint changes nothing.
    const position = Math.max(this.stored.position, published ?? 0, ...checkpoints.values());
    this.stored = { position, checkpoints };
    return this.stored;
  }

  private markReady(): void {
    if (this.isReady) return;
    this.isReady = true;
    for (const l of this.readyListeners.splice(0)) l();
  }
}
