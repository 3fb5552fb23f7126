import type { EventStore } from '../../ports/event-store';
import type { ReadStore } from '../../ports/read-store';
import type { Logger } from '../../ports/logger';
import { rebuildProjector, type RebuildProgress } from './rebuild';
import type { ProjectionRunner } from './runner';

/** Rebuilds started by operators, one at a time per projector, with their progress kept for status. */
export class RebuildJobs {
  private readonly jobs = new Map<string, RebuildProgress>();
  private readonly running = new Map<string, Promise<RebuildProgress>>();

  constructor(
    private readonly deps: { eventStore: EventStore; readStore: ReadStore; runner: ProjectionRunner; logger: Logger },
  ) {}

  /** Starts a rebuild (or returns the one already running) and resolves when it is finished. */
  start(projectorName: string): { progress: RebuildProgress; done: Promise<RebuildProgress> } | null {
    const projector = this.deps.runner.projector(projectorName);
    if (!projector) return null;
    const existing = this.running.get(projectorName);
    if (existing) return { progress: this.jobs.get(projectorName)!, done: existing };
    this.jobs.set(projectorName, {
      projector: projectorName,
      state: 'running',
      processed: 0,
      position: 0,
      target: this.deps.runner.position,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      eventsPerSecond: null,
      error: null,
    });
    const done = rebuildProjector({
      eventStore: this.deps.eventStore,
      readStore: this.deps.readStore,
      runner: this.deps.runner,
      projector,
      onProgress: (p) => this.jobs.set(projectorName, p),
    }).then((final) => {
      this.running.delete(projectorName);
      this.jobs.set(projectorName, final);
      this.deps.logger.info(
        { projector: projectorName, state: final.state, processed: final.processed, eventsPerSecond: final.eventsPerSecond },
        'projection rebuild finished',
      );
      return final;
    });
    this.running.set(projectorName, done);
    return { progress: this.jobs.get(projectorName)!, done };
  }

  status(projectorName: string): RebuildProgress | null {
    return this.jobs.get(projectorName) ?? null;
  }

  all(): RebuildProgress[] {
    return [...this.jobs.values()];
  }

  async waitAll(): Promise<void> {
    await Promise.all(this.running.values());
  }
}
