import { WrongExpectedRevisionError, type RecordedEvent } from '../ports/event-store';
import type { Decider, DomainEvent } from '../domain/shared/decider';
import { ConflictError, PreconditionFailedError } from '../domain/shared/errors';
import { toNewEvents, type CommandDeps, type RequestMeta } from './context';

export interface LoadedAggregate<State> {
  state: State;
  /** Revision of the stream's last event; -1 when the stream does not exist. */
  revision: number;
  events: RecordedEvent[];
}

/** Reads a stream, upcasts old event shapes and folds them into the aggregate's state. */
export async function loadAggregate<State, Event extends DomainEvent>(
  deps: Pick<CommandDeps, 'eventStore' | 'registry'>,
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  streamName: string,
): Promise<LoadedAggregate<State>> {
  const events = await deps.eventStore.readStream(streamName);
  let state = decider.initialState();
  for (const e of events) {
    const data = deps.registry.upcast(e.type, e.metadata.schemaVersion, e.data);
    state = decider.evolve(state, { type: e.type, data } as Event);
  }
  return { state, revision: events.length ? events[events.length - 1]!.revision : -1, events };
}

export interface CommandResult<State> {
  /** State after the new events. */
  state: State;
  newEvents: RecordedEvent[];
  /** Revision of the stream after the command (the ETag). */
  revision: number;
  /** Global position of the last appended event; null when the command changed nothing. */
  position: number | null;
}

export interface HandleOptions {
  /** From If-Match: the command only applies to this exact revision, else 412. */
  ifMatch?: number;
  maxAttempts?: number;
}

/**
 * Load → decide → append with the loaded revision as the expected revision. A concurrent
 * write makes the append fail; the command is then re-read and re-decided, a few times,
 * before answering ConflictError. With If-Match, a stale revision is PreconditionFailedError.
 */
export async function handleCommand<State, Command, Event extends DomainEvent>(
  deps: CommandDeps,
  decider: Decider<State, Command, Event>,
  streamName: string,
  command: Command,
  meta: RequestMeta,
  options: HandleOptions = {},
): Promise<CommandResult<State>> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadAggregate(deps, decider, streamName);
    if (options.ifMatch !== undefined && options.ifMatch !== loaded.revision) {
      throw new PreconditionFailedError(options.ifMatch, loaded.revision);
    }
    const events = decider.decide(command, loaded.state);
    if (events.length === 0) return { state: loaded.state, newEvents: [], revision: loaded.revision, position: null };
    try {
      const result = await deps.eventStore.appendToStream(streamName, toNewEvents(deps, meta, events), {
        expectedRevision: loaded.revision === -1 ? 'no_stream' : loaded.revision,
      });
      const state = events.reduce((s, e) => decider.evolve(s, e), loaded.state);
      return { state, newEvents: result.events, revision: result.nextExpectedRevision, position: result.position };
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError)) throw err;
      if (options.ifMatch !== undefined) throw new PreconditionFailedError(options.ifMatch, err.actual);
      if (attempt >= maxAttempts) throw new ConflictError();
    }
  }
}
