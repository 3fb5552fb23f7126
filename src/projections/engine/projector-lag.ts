import type { EventStore } from '../../ports/event-store';
import type { RunnerStatus } from './runner';

/**
 * How far behind the log each projector is: the events after the position it has reached (its
 * checkpoint, or the runner's position, which every healthy projector has passed), counted up
 * to `cap`, and the age of the first of them (0 when there is none). A faulted projector stays
 * at its checkpoint, so its lag grows until it is rebuilt. Projectors at the same position cost
 * one read of the log.
 */
export interface ProjectorLag {
  name: string;
  /** The log position the projector's documents reflect. */
  position: number;
  /** Events in the log after it (at most `cap`; `capped` when there are more). */
  events: number;
  capped: boolean;
  /** Age of the oldest event not yet reflected, in seconds (0 when up to date). */
  seconds: number;
}

export async function projectorLags(
  eventStore: Pick<EventStore, 'readAll'>,
  status: Pick<RunnerStatus, 'position' | 'projectors'>,
  nowMs: number,
  cap = 10_000,
): Promise<ProjectorLag[]> {
  const positionOf = (p: RunnerStatus['projectors'][number]) => (p.faulted ? p.checkpoint : Math.max(p.checkpoint, status.position));
  const behind = new Map<number, { events: number; capped: boolean; seconds: number }>();
  for (const position of new Set(status.projectors.map(positionOf))) {
    const after = await eventStore.readAll({ fromPosition: position, maxCount: cap + 1 });
    const first = after[0];
    behind.set(position, {
      events: Math.min(after.length, cap),
      capped: after.length > cap,
      seconds: first ? Math.max(0, (nowMs - Date.parse(first.metadata.timestamp)) / 1000) : 0,
    });
  }
  return status.projectors.map((p) => ({ name: p.name, position: positionOf(p), ...behind.get(positionOf(p))! }));
}
