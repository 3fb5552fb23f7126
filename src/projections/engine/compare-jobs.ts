import type { EventRegistry } from '../../domain/shared/events';
import type { EventStore } from '../../ports/event-store';
import type { Logger } from '../../ports/logger';
import type { ReadStore } from '../../ports/read-store';
import { compareProjector, type CompareProgress } from './compare';
import type { ProjectionRunner } from './runner';

/**
 * Comparisons started by operators (POST /api/v1/ops/projections/{name}/compare, the CLI's
 * `compare`), one at a time per projector, with their progress kept for status: a replay of the
 * projector into shadow collections of the read store, compared with the live ones (compare.ts).
 */
export class CompareJobs {
  private readonly jobs = new Map<string, CompareProgress>();
  private readonly running = new Map<string, Promise<CompareProgress>>();

  constructor(
    private readonly deps: {
      eventStore: EventStore;
      readStore: ReadStore;
      registry: Pick<EventRegistry, 'upcast'>;
      runner: ProjectionRunner;
      logger: Logger;
    },
  ) {}

  start(projectorName: string): { progress: CompareProgress; done: Promise<CompareProgress> } | null {
    const { runner } = this.deps;
    const projector = runner.projector(projectorName);
    if (!projector) return null;
    const existing = this.running.get(projectorName);
    if (existing) return { progress: this.jobs.get(projectorName)!, done: existing };
    const checkpoint = () => runner.status().projectors.find((p) => p.name === projectorName)?.checkpoint ?? 0;
    this.jobs.set(projectorName, {
      projector: projectorName,
      state: 'running',
      processed: 0,
      position: 0,
      target: checkpoint(),
      startedAt: new Date().toISOString(),
      finishedAt: null,
      eventsPerSecond: null,
      collections: [],
      differences: [],
      error: null,
    });
    const done = compareProjector({
      eventStore: this.deps.eventStore,
      registry: this.deps.registry,
      projector,
      live: this.deps.readStore,
      scratch: this.deps.readStore,
      livePosition: checkpoint,
      hold: async () => {
        await runner.pause();
        return () => runner.resume();
      },
      onProgress: (p) => this.jobs.set(projectorName, p),
    }).then((final) => {
      this.running.delete(projectorName);
      this.jobs.set(projectorName, final);
      const level = final.state === 'equal' ? 'info' : 'warn';
      this.deps.logger[level]({ projector: projectorName, state: final.state, processed: final.processed, collections: final.collections }, 'projection comparison finished');
      return final;
    });
    this.running.set(projectorName, done);
    return { progress: this.jobs.get(projectorName)!, done };
  }

  status(projectorName: string): CompareProgress | null {
    return this.jobs.get(projectorName) ?? null;
  }

  all(): CompareProgress[] {
    return [...this.jobs.values()];
  }

  async waitAll(): Promise<void> {
    await Promise.all(this.running.values());
  }
}
