import { WrongExpectedRevisionError, type RecordedEvent } from '../ports/event-store';
import type { Decider, DomainEvent } from '../domain/shared/decider';
import { ConflictError, PreconditionFailedError } from '../domain/shared/errors';
import { toNewEvents, type CommandDeps, type RequestMeta } from './context';
import { streamQueueFor } from './stream-queue';

export interface LoadedAggregate<State> {
  state: State;
  /** Revision of the stream's last event; -1 when the stream does not exist. */
  revision: number;
}

/**
 * Reads a stream, upcasts old event shapes and folds them into the aggregate's state. The store
 * may answer from the events it committed itself (`cached`): a command decides on what was
 * committed, and an append that raced another instance is refused by its expected revision.
 * With `deps.states`, a state loaded before is brought up to date with the events after its
 * revision only, and the result is held for the next load (aggregate-states.ts); such a state is
 * frozen and must not be changed in place.
 */
export async function loadAggregate<State, Event extends DomainEvent>(
  deps: Pick<CommandDeps, 'eventStore' | 'registry' | 'states'>,
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  streamName: string,
): Promise<LoadedAggregate<State>> {
  const held = deps.states?.get<State>(decider, streamName);
  const from: LoadedAggregate<State> = held ?? { state: decider.initialState(), revision: -1 };
  const events = await deps.eventStore.readStream(streamName, { cached: true, fromRevision: from.revision + 1 });
  const loaded = fold(deps, decider, from, events);
  if (events.length > 0) deps.states?.put(decider, streamName, loaded.state, loaded.revision);
  return loaded;
}

/** The state after `events`, the events that follow `from` in its stream. */
function fold<State, Event extends DomainEvent>(
  deps: Pick<CommandDeps, 'registry'>,
  decider: Pick<Decider<State, unknown, Event>, 'evolve'>,
  from: LoadedAggregate<State>,
  events: readonly RecordedEvent[],
): LoadedAggregate<State> {
  let state = from.state;
  for (const e of events) {
    const data = deps.registry.upcast(e.type, e.metadata.schemaVersion, e.data);
    state = decider.evolve(state, { type: e.type, data } as Event);
  }
  return { state, revision: events.length ? events[events.length - 1]!.revision : from.revision };
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

/**
 * How often, and how far apart, a command whose append lost a race is re-read and re-decided.
 * Within one process the stream queue keeps commands on one stream from racing at all, so this
 * is for writes from other instances: exponential back-off with full jitter (a random wait
 * between 0 and min(maxDelayMs, baseDelayMs * 2^(attempt - 1))), so instances that collided
 * once do not collide again in lockstep. With the defaults, ten attempts spread over up to
 * about 1.5 s of sustained writes to one stream by others before answering 409.
 */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 5, maxDelayMs: 250 };

export interface HandleOptions {
  /** From If-Match: the command only applies to this exact revision, else 412. */
  ifMatch?: number;
  /** The stream is named by an id made for this command: nothing is read, the command is decided
   * on the initial state and appended expecting no stream (a stream that did exist after all is
   * read and the command decided again, as after any lost race). */
  newStream?: boolean;
  retry?: Partial<RetryPolicy>;
}

/** The wait before attempt `attempt + 1`, full jitter. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Brings a loaded aggregate up to the stream's head by folding only the events after it. */
async function catchUp<State, Event extends DomainEvent>(
  deps: Pick<CommandDeps, 'eventStore' | 'registry'>,
  decider: Pick<Decider<State, unknown, Event>, 'evolve'>,
  streamName: string,
  loaded: LoadedAggregate<State>,
): Promise<LoadedAggregate<State>> {
  const newer = await deps.eventStore.readStream(streamName, { fromRevision: loaded.revision + 1 });
  return fold(deps, decider, loaded, newer);
}

/**
 * Load → decide → append with the loaded revision as the expected revision, one command per
 * stream at a time within this process (stream-queue.ts). An append that still loses a race
 * (another instance wrote the stream in between) is retried: the events written since are
 * folded in, the command re-decided against them, after a jittered back-off; ConflictError
 * (409) once the policy's attempts are spent. With If-Match, a stale revision is
 * PreconditionFailedError (412) and nothing is retried. Which commands can still answer 409,
 * and why: ARCHITECTURE.md, "Writing".
 */
export function handleCommand<State, Command, Event extends DomainEvent>(
  deps: CommandDeps,
  decider: Decider<State, Command, Event>,
  streamName: string,
  command: Command,
  meta: RequestMeta,
  options: HandleOptions = {},
): Promise<CommandResult<State>> {
  return streamQueueFor(deps.eventStore).run(streamName, () => decideAndAppend(deps, decider, streamName, command, meta, options));
}

async function decideAndAppend<State, Command, Event extends DomainEvent>(
  deps: CommandDeps,
  decider: Decider<State, Command, Event>,
  streamName: string,
  command: Command,
  meta: RequestMeta,
  options: HandleOptions,
): Promise<CommandResult<State>> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  let loaded: LoadedAggregate<State> = options.newStream
    ? { state: decider.initialState(), revision: -1 }
    : await loadAggregate(deps, decider, streamName);
  for (let attempt = 1; ; attempt++) {
    if (options.ifMatch !== undefined && options.ifMatch !== loaded.revision) {
      throw new PreconditionFailedError(options.ifMatch, loaded.revision);
    }
    const events = decider.decide(command, loaded.state);
    if (events.length === 0) return { state: loaded.state, newEvents: [], revision: loaded.revision, position: null };
    try {
      const result = await deps.eventStore.appendToStream(streamName, toNewEvents(deps, meta, events), {
        expectedRevision: loaded.revision === -1 ? 'no_stream' : loaded.revision,
      });
      // Folded from the events as recorded (their data through JSON and the upcasters), as a later
      // load would: held for the next command on the stream, which then reads nothing it wrote.
      const after = fold(deps, decider, loaded, result.events);
      deps.states?.put(decider, streamName, after.state, after.revision);
      return { state: after.state, newEvents: result.events, revision: result.nextExpectedRevision, position: result.position };
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError)) throw err;
      if (options.ifMatch !== undefined) throw new PreconditionFailedError(options.ifMatch, err.actual);
      if (attempt >= policy.attempts) throw new ConflictError();
      const delay = backoffDelay(policy, attempt);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      loaded = await catchUp(deps, decider, streamName, loaded);
    }
  }
}
