import { aggregateOf, type AggregateType } from '../domain/aggregates';
import { NotFoundError, ValidationError } from '../domain/shared/errors';
import type { EventRegistry } from '../domain/shared/events';
import type { EventStore, RecordedEvent } from '../ports/event-store';

/**
 * An aggregate's state at a revision or a time: its own decider's `evolve` over its events up
 * to there (upcast to their current shape first, as the command handler loads them), not a
 * filtered list of events. The state is the decider's, as the domain keeps it; Sets become
 * sorted arrays and Maps objects so it can be written as JSON.
 */

export interface StateDeps {
  eventStore: Pick<EventStore, 'readStream'>;
  registry: Pick<EventRegistry, 'upcast'>;
}

export type StatePoint = { revision: number } | { at: string } | Record<string, never>;

export interface AggregateStateAt {
  stream: string;
  aggregate: string;
  /** The last revision folded in. */
  revision: number;
  /** When that event was recorded. */
  timestamp: string;
  /** The stream's last revision now. */
  currentRevision: number;
  state: unknown;
}

/** The aggregate of a stream, or a validation error naming the stream for one that has none. */
export function requireAggregate(stream: string): AggregateType {
  const type = aggregateOf(stream);
  if (!type) {
    throw new ValidationError({
      stream: [`${stream} is not the stream of an aggregate (a reservation, sequence, idempotency key or checkpoint): its events have no state to fold; read them as they are.`],
    });
  }
  return type;
}

/** Every event of a stream, in order; NotFoundError when there is none. */
export async function readWholeStream(eventStore: Pick<EventStore, 'readStream'>, stream: string): Promise<RecordedEvent[]> {
  const events = await eventStore.readStream(stream);
  if (events.length === 0) throw new NotFoundError('Stream', stream);
  return events;
}

/** How many of the stream's events (a prefix) the point in time or revision covers. */
function eventsUpTo(events: readonly RecordedEvent[], stream: string, point: StatePoint): number {
  if ('revision' in point) {
    if (point.revision > events[events.length - 1]!.revision) {
      throw new NotFoundError('Revision', `${stream}@${point.revision}`);
    }
    return point.revision + 1;
  }
  if ('at' in point) {
    const at = Date.parse(point.at);
    let n = 0;
    while (n < events.length && Date.parse(events[n]!.metadata.timestamp) <= at) n++;
    if (n === 0) throw new NotFoundError('Revision', `${stream} at ${point.at}`);
    return n;
  }
  return events.length;
}

/** Makes a decider's state writable as JSON: Sets as sorted arrays, Maps as objects. */
export function jsonState(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(jsonState).sort((a, b) => String(a).localeCompare(String(b)));
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), jsonState(v)]));
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonState);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, jsonState(v)]));
  }
  return value;
}

/** Folds the first `count` events of a stream with the aggregate's evolve. */
export function foldEvents(type: AggregateType, events: readonly RecordedEvent[], registry: Pick<EventRegistry, 'upcast'>): unknown {
  let state = type.initialState();
  for (const e of events) state = type.evolve(state, { type: e.type, data: registry.upcast(e.type, e.metadata.schemaVersion, e.data) });
  return state;
}

export async function stateAt(deps: StateDeps, stream: string, point: StatePoint = {}): Promise<AggregateStateAt> {
  const type = requireAggregate(stream);
  const events = await readWholeStream(deps.eventStore, stream);
  return stateOfEvents(deps, type, stream, events, point);
}

export function stateOfEvents(
  deps: Pick<StateDeps, 'registry'>,
  type: AggregateType,
  stream: string,
  events: readonly RecordedEvent[],
  point: StatePoint,
): AggregateStateAt {
  const count = eventsUpTo(events, stream, point);
  const folded = events.slice(0, count);
  const last = folded[folded.length - 1]!;
  return {
    stream,
    aggregate: type.prefix,
    revision: last.revision,
    timestamp: last.metadata.timestamp,
    currentRevision: events[events.length - 1]!.revision,
    state: jsonState(foldEvents(type, folded, deps.registry)),
  };
}
