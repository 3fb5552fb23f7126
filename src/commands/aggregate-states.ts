import { deepFreeze } from '../domain/shared/deep-freeze';
import { spareUsed, trimOldest, type Marked } from '../domain/shared/bounded-map';

/**
 * The states commands last loaded, by stream, each with the revision it was folded up to: a
 * snapshot kept in memory. Loading an aggregate again reads only the events after that revision
 * and folds them onto it, instead of reading and folding the whole stream; a ticket with a few
 * hundred comments cost each command on it a read of all of them.
 *
 * Nothing here can be out of date in a way that matters: the log is append-only, so a state at
 * revision r plus the events after r is the state of the whole stream, whoever wrote them (another
 * instance included), and an append still expects the revision the command decided on. The
 * states are frozen, deeply: a fold or a decision that changed a state in place, instead of
 * returning a new one, would otherwise change the snapshot behind its revision.
 *
 * Bounded by count, least recently used first (approximately: a second chance, bounded-map.ts). Made by the composition root, one per process.
 */
export class AggregateStates {
  private readonly held = new Map<string, { decider: object; state: unknown; revision: number } & Marked>();

  constructor(private readonly maxStreams = 10_000) {}

  get size(): number {
    return this.held.size;
  }

  /** The state held for this stream, folded by this decider. */
  get<State>(decider: object, stream: string): { state: State; revision: number } | undefined {
    const entry = this.held.get(stream);
    if (entry === undefined || entry.decider !== decider) return undefined;
    // Marked, not moved to the end (bounded-map.ts says why).
    entry.used = true;
    return { state: entry.state as State, revision: entry.revision };
  }

  /** Holds a state folded from the stored events up to `revision` (frozen from here on), unless
   * a later one is held already (two loads of one stream at once). */
  put<State>(decider: object, stream: string, state: State, revision: number): void {
    if (revision < 0) return;
    const current = this.held.get(stream);
    if (current !== undefined && current.decider === decider && current.revision > revision) return;
    if (current !== undefined) {
      Object.assign(current, { decider, state: deepFreeze(state), revision, used: true });
      return;
    }
    this.held.set(stream, { decider, state: deepFreeze(state), revision, used: false });
    trimOldest(this.held, this.maxStreams, spareUsed);
  }
}
