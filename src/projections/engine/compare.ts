import { canonicalJson } from '../../ports/hash-chain';
import type { EventRegistry } from '../../domain/shared/events';
import type { EventStore } from '../../ports/event-store';
import type { Doc, ReadStore } from '../../ports/read-store';
import type { ProjectedEvent, Projector, ProjectorContext } from './projector';
import { createIndexes } from './runner';

/**
 * Does a rebuild of a projector equal what it serves? The projector is replayed from position
 * zero, as a rebuild does (rebuild.ts), into scratch collections: shadow collections of the same
 * store when it runs inside the server, or an in-memory store when the command line checks the
 * files. It replays up to the position the live documents reflect, then the live documents and
 * the rebuilt ones are compared document for document (every field, `_pos` included, keys in
 * any order). When the live projector moved on meanwhile, the replay catches up and the live
 * documents are read again (`hold` lets the server pause its runner for that last read). The
 * scratch collections are dropped at the end; the live ones are never written.
 */

export interface CompareProgress {
  projector: string;
  state: 'running' | 'equal' | 'different' | 'failed';
  /** Events replayed into the scratch collections. */
  processed: number;
  /** Log position the replay has reached, and the one it is catching up with. */
  position: number;
  target: number;
  startedAt: string;
  finishedAt: string | null;
  eventsPerSecond: number | null;
  collections: Array<{ name: string; live: number; rebuilt: number; missing: number; extra: number; different: number }>;
  /** The first differences (at most 20): a document only live (`missing` from the rebuild), only rebuilt (`extra`), or different. */
  differences: Array<{ collection: string; id: string; kind: 'missing' | 'extra' | 'different'; live: Doc | null; rebuilt: Doc | null }>;
  error: string | null;
}

export interface CompareOptions {
  eventStore: Pick<EventStore, 'readAll'>;
  registry: Pick<EventRegistry, 'upcast'>;
  projector: Projector;
  /** Where the live documents are. */
  live: ReadStore;
  /** Where the replay writes; the live store itself (shadow names) or a scratch store. */
  scratch: ReadStore;
  /** The log position the live documents reflect (the projector's checkpoint). */
  livePosition: () => number | Promise<number>;
  /** Called before the final read of the live documents; returns the release (the server pauses its runner). */
  hold?: () => Promise<() => void>;
  pageSize?: number;
  onProgress?: (p: CompareProgress) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

const MAX_DIFFERENCES = 20;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function compareProjector(options: CompareOptions): Promise<CompareProgress> {
  const { eventStore, registry, projector, live, scratch } = options;
  const now = options.now ?? (() => new Date());
  const pageSize = options.pageSize ?? 2000;
  const started = now();
  const sameStore = scratch === live;
  const scratchName = (name: string) => (sameStore ? `${name}__compare_${started.getTime()}` : name);
  const names = Object.keys(projector.collections);
  const progress: CompareProgress = {
    projector: projector.name,
    state: 'running',
    processed: 0,
    position: 0,
    target: 0,
    startedAt: started.toISOString(),
    finishedAt: null,
    eventsPerSecond: null,
    collections: [],
    differences: [],
    error: null,
  };
  const report = () => options.onProgress?.({ ...progress });
  const ctx: ProjectorContext = { collection: (name) => scratch.collection(scratchName(name)) };
  const inTransaction = <R>(fn: () => Promise<R>): Promise<R> => (scratch.transaction ? scratch.transaction(fn, { bulk: true }) : fn());

  const replayUpTo = async (target: number): Promise<void> => {
    for (;;) {
      if (options.signal?.aborted) throw new Error('interrupted');
      const page = await eventStore.readAll({ fromPosition: progress.position, eventTypes: projector.handles, maxCount: pageSize });
      const inRange = page.filter((e) => e.position <= target);
      await inTransaction(async () => {
        for (const raw of inRange) {
          const event: ProjectedEvent = {
            id: raw.id,
            type: raw.type,
            streamName: raw.streamName,
            revision: raw.revision,
            position: raw.position,
            data: registry.upcast(raw.type, raw.metadata.schemaVersion, raw.data),
            metadata: raw.metadata,
          };
          await projector.apply(event, ctx);
          progress.processed++;
        }
      });
      const last = inRange[inRange.length - 1];
      if (last) progress.position = last.position;
      report();
      await yieldToEventLoop();
      if (inRange.length < page.length || page.length < pageSize) {
        progress.position = Math.max(progress.position, target);
        return;
      }
    }
  };

  const readAll = async (store: ReadStore, name: string): Promise<Map<string, Doc>> =>
    new Map((await store.collection(name).find({}, { sort: { _id: 1 } })).map((d) => [String(d._id), d]));

  try {
    if (sameStore) for (const name of names) await scratch.dropCollection(scratchName(name));
    await createIndexes(scratch, [projector], () => true, scratchName);
    let liveDocs = new Map<string, Map<string, Doc>>();
    for (let round = 0; ; round++) {
      progress.target = await options.livePosition();
      await replayUpTo(progress.target);
      const release = round >= 3 && options.hold ? await options.hold() : null;
      try {
        // The live position once more, with the live documents: when it has not moved, the
        // documents read are the ones of that position.
        await replayUpTo((progress.target = await options.livePosition()));
        liveDocs = new Map();
        for (const name of names) liveDocs.set(name, await readAll(live, name));
        if ((await options.livePosition()) === progress.target || round >= 5) break;
      } finally {
        release?.();
      }
    }
    for (const name of names) {
      const liveOf = liveDocs.get(name)!;
      const rebuiltOf = await readAll(scratch, scratchName(name));
      const summary = { name, live: liveOf.size, rebuilt: rebuiltOf.size, missing: 0, extra: 0, different: 0 };
      const note = (id: string, kind: 'missing' | 'extra' | 'different') => {
        summary[kind]++;
        if (progress.differences.length < MAX_DIFFERENCES) progress.differences.push({ collection: name, id, kind, live: liveOf.get(id) ?? null, rebuilt: rebuiltOf.get(id) ?? null });
      };
      for (const [id, doc] of liveOf) {
        const rebuilt = rebuiltOf.get(id);
        if (!rebuilt) note(id, 'missing');
        else if (canonicalJson(rebuilt) !== canonicalJson(doc)) note(id, 'different');
      }
      for (const id of rebuiltOf.keys()) if (!liveOf.has(id)) note(id, 'extra');
      progress.collections.push(summary);
    }
    progress.state = progress.collections.every((c) => c.missing + c.extra + c.different === 0) ? 'equal' : 'different';
  } catch (err) {
    progress.state = 'failed';
    progress.error = err instanceof Error ? err.message : String(err);
  } finally {
    if (sameStore) for (const name of names) await scratch.dropCollection(scratchName(name)).catch(() => undefined);
  }
  const finished = now();
  progress.finishedAt = finished.toISOString();
  const seconds = (finished.getTime() - started.getTime()) / 1000;
  progress.eventsPerSecond = seconds > 0 ? Math.round(progress.processed / seconds) : null;
  report();
  return { ...progress };
}
