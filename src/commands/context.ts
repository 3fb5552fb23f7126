import type { Actor, EventStore, NewEvent } from '../ports/event-store';
import type { Clock, IdGenerator } from '../ports/clock';
import type { EventRegistry } from '../domain/shared/events';
import type { DomainEvent } from '../domain/shared/decider';
import type { AggregateStates } from './aggregate-states';

/** What every command needs from the outside world; built once by the composition root. */
export interface CommandDeps {
  eventStore: EventStore;
  registry: EventRegistry;
  clock: Clock;
  ids: IdGenerator;
  /** States loaded before, folded up to a revision (aggregate-states.ts); without it, every load
   * folds the whole stream. */
  states?: AggregateStates;
}

/** Who asked and in answer to what: copied into every event's metadata. */
export interface RequestMeta {
  actor: Actor | null;
  requestId: string;
  correlationId: string;
  /** The request id, or the id of the event this command reacts to. */
  causationId: string;
}

export function systemMeta(ids: IdGenerator, reason: string): RequestMeta {
  const id = `${reason}:${ids.uuid()}`;
  return { actor: { userId: 'system', role: 'system' }, requestId: id, correlationId: id, causationId: id };
}

/** Wraps domain events for appending: validated data, event ids and metadata. */
export function toNewEvents(deps: CommandDeps, meta: RequestMeta, events: readonly DomainEvent[]): NewEvent[] {
  const timestamp = deps.clock.now().toISOString();
  return events.map((e) => ({
    id: deps.ids.uuid(),
    type: e.type,
    data: deps.registry.validate(e.type, e.data),
    metadata: {
      actor: meta.actor,
      requestId: meta.requestId,
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      timestamp,
      schemaVersion: deps.registry.versionOf(e.type),
    },
  }));
}
