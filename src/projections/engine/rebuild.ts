import type { EventStore } from '../../ports/event-store';
import type { ReadStore } from '../../ports/read-store';
import type { Projector, ProjectorContext } from './projector';
import { createIndexes, type ProjectionRunner } from './runner';
import { SLICE_CHECK, SliceBudget, turn } from './slices';

export interface RebuildProgress {
  projector: string;
  state: 'running' | 'done' | 'failed';
  /** Events applied to the new collections so far. */
  processed: number;
  /** Log position the rebuild has reached. */
  position: number;
  /** Position of the live projector the rebuild is catching up with. */
  target: number;
  startedAt: string;
  finishedAt: string | null;
  eventsPerSecond: number | null;
  error: string | null;
}

export interface RebuildOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  runner: ProjectionRunner;
  projector: Projector;
  /** Events read from the log at a time (default 2,000). */
  pageSize?: number;
  /** Longest stretch of the event loop a transaction of the rebuild aims at, in ms (default 100). */
  sliceMs?: number;
  onProgress?: (p: RebuildProgress) => void;
  now?: () => Date;
  /** Stops the rebuild between pages (it fails with 'interrupted'; the live model keeps serving). */
  signal?: AbortSignal;
}

/**
 * Rebuilds one projector from position zero into new collections while the live ones keep
 * serving. When the rebuild has caught up with the live projector, the runner is paused for
 * the last few events, the new collections replace the live ones, and the runner resumes from
 * the same position: the swap loses and repeats nothing.
 */
export async function rebuildProjector(options: RebuildOptions): Promise<RebuildProgress> {
  const { eventStore, readStore, runner, projector } = options;
  const now = options.now ?? (() => new Date());
  const pageSize = options.pageSize ?? 2000;
  const budget = new SliceBudget(options.sliceMs ?? 100);
  const started = now();
  const suffix = `__rebuild_${started.getTime()}`;
  const shadow = new Map(Object.keys(projector.collections).map((name) => [name, `${name}${suffix}`]));
  const progress: RebuildProgress = {
    projector: projector.name,
    state: 'running',
    processed: 0,
    position: 0,
    target: runner.position,
    startedAt: started.toISOString(),
    finishedAt: null,
    eventsPerSecond: null,
    error: null,
  };
  const report = () => options.onProgress?.({ ...progress });
  const ctx: ProjectorContext = { collection: (name) => readStore.collection(shadow.get(name) ?? name) };

  const applyUpTo = async (target: number): Promise<void> => {
    for (;;) {
      if (options.signal?.aborted) throw new Error('interrupted');
      const page = await eventStore.readAll({
        fromPosition: progress.position,
        eventTypes: projector.handles,
        maxCount: pageSize,
      });
      const inRange = page.filter((e) => e.position <= target);
      await turn();
      // One transaction per slice of the page (where the store has them): a slice's documents
      // are written once, however many of its events touch them. A slice aims at `sliceMs`, its
      // commit included (SliceBudget): it is one stretch of the event loop that every request
      // waits for, and with whole pages of 2,000 events `/health` waited 0.4–0.5 s at times.
      for (let next = 0; next < inRange.length; ) {
        const sliceStarted = now().getTime();
        let appliedMs = 0;
        await runner.inTransaction(async () => {
          while (next < inRange.length) {
            const raw = inRange[next++]!;
            const error = await runner.applyWithRetry(projector, runner.upcast(raw), ctx);
            if (error) throw new Error(`event ${raw.type} at position ${raw.position}: ${error.message}`);
            progress.processed++;
            if (next % SLICE_CHECK === 0 && now().getTime() - sliceStarted >= budget.applyMs) break;
          }
          appliedMs = now().getTime() - sliceStarted;
        }, { bulk: true });
        budget.record(appliedMs, now().getTime() - sliceStarted);
        progress.position = inRange[next - 1]!.position;
        report();
        await turn();
      }
      if (inRange.length < page.length || page.length < pageSize) {
        progress.position = Math.max(progress.position, target);
        return;
      }
    }
  };

  let paused = false;
  try {
    const shadowName = (name: string) => shadow.get(name) ?? name;
    for (const name of shadow.values()) await readStore.dropCollection(name);
    await createIndexes(readStore, [projector], () => true, shadowName);
    report();
    // Catch up with the moving live position without stopping it...
    for (let rounds = 0; rounds < 100; rounds++) {
      progress.target = runner.position;
      if (progress.position >= progress.target) break;
      await applyUpTo(progress.target);
    }
    // ...then hold it for the last stretch and swap.
    await runner.pause();
    paused = true;
    progress.target = runner.position;
    await applyUpTo(progress.target);
    const built = new Set(await readStore.listCollections());
    // The swap and the checkpoint of the rebuilt version commit together.
    await runner.inTransaction(async () => {
      for (const [name, shadowed] of shadow) {
        // A collection no event wrote to (and without indexes) was never created: the rebuilt
        // model is empty, so the live one is dropped rather than replaced.
        if (built.has(shadowed)) await readStore.renameCollection(shadowed, name);
        else await readStore.dropCollection(name);
      }
      await runner.resetProjector(projector.name, progress.target);
    });
    progress.state = 'done';
  } catch (err) {
    progress.state = 'failed';
    progress.error = err instanceof Error ? err.message : String(err);
    for (const shadowName of shadow.values()) await readStore.dropCollection(shadowName).catch(() => undefined);
  } finally {
    if (paused) runner.resume();
  }
  const finished = now();
  progress.finishedAt = finished.toISOString();
  const seconds = (finished.getTime() - started.getTime()) / 1000;
  progress.eventsPerSecond = seconds > 0 ? Math.round(progress.processed / seconds) : null;
  report();
  return { ...progress };
}
