import {
  ANY,
  ErrorType,
  NO_STREAM,
  eventTypeFilter,
  excludeSystemEvents,
  START,
  STREAM_EXISTS,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type CurrentRevision,
  type EventData,
  type Position,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
  type RegexFilter,
  type StreamNotFoundError,
  type WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendTooLargeError,
  WrongExpectedRevisionError,
  type Actor,
  type EventMetadata,
  type ExpectedRevision,
  type JsonObject,
  type RecordedEvent,
} from '../../ports/event-store';
import type { ChainedEvent } from './local-record';

/**
 * Pure mappings between the event store port and EventStoreDB (`@eventstore/db-client` v6).
 * Nothing here talks to a server, so every mapping is unit-tested without one.
 *
 * ## Positions
 *
 * EventStoreDB places an event in `$all` by a pair {commit, prepare} of byte offsets in its
 * transaction log, ordered by commit then prepare. Every event written through gRPC appends is
 * committed on its own (an "implicitly committed" prepare record), so its commit position is
 * its own record's offset: distinct per event and strictly increasing along `$all`, also for
 * the events of one multi-event append. The server reports such an event as {c, c}.
 *
 * Filtered subscriptions also report checkpoints, and those can be {c, 0} (the start of a page
 * the server read from), which sorts BEFORE the event {c, c}. A plain `commit` number would give
 * such a checkpoint and the event at c the same number, and resuming "after c" from it could skip
 * that event. So the port's number keeps the distinction in its lowest bit, and reads a {c, 0}
 * checkpoint conservatively as "the records before c":
 *
 *   event {c, *}                     → 2c + 1
 *   checkpoint {c, p} with p >= c    → 2c + 1   (the record at c is behind us)
 *   checkpoint {c, p} with p <  c    → 2c       (only the records before c are)
 *
 * and back, for reading or subscribing strictly after a number n (the port's positions are
 * exclusive):
 *
 *   n = 0                            → START
 *   n = 2c + 1                       → {c, c}  (a subscription starts after the event at c; a read starts
 *                                              at it and the adapter drops it)
 *   n = 2c                           → {c, 0}  (the event at c is delivered)
 *
 * Positions are therefore exact integers up to 2^52 bytes (4 PiB) of log. Events of legacy
 * explicit transactions (TCP client only) share one commit position; this adapter never
 * writes them and does not support reading them.
 *
 * ## Metadata
 *
 * Stored as JSON. Correlation and causation ids are written as `$correlationId` and
 * `$causationId` (the names EventStoreDB's own projections read) and mapped back to
 * `correlationId` / `causationId` when read, so `verifyChain()` holds on what is read back.
 */

// ---------------------------------------------------------------------------------------------
// Expected revisions

/** Port → client. `-1` is accepted as "no stream", as the local stores treat it. */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  if (!Number.isSafeInteger(expected) || expected < -1) {
    throw new RangeError(`Expected revision must be 'any', 'no_stream', 'stream_exists' or an integer >= 0, got ${String(expected)}`);
  }
  return expected === -1 ? NO_STREAM : BigInt(expected);
}

/** Client → port. */
export function fromEsdbExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  if (expected === ANY || expected === NO_STREAM || expected === STREAM_EXISTS) return expected;
  return revisionNumber(expected);
}

/** The client's current revision ('no_stream' or a bigint) → the port's actual revision (-1 when missing). */
export function fromEsdbCurrentRevision(current: CurrentRevision): number {
  return current === NO_STREAM ? -1 : revisionNumber(current);
}

export function revisionNumber(revision: bigint): number {
  const n = Number(revision);
  if (!Number.isSafeInteger(n) || n < -1) throw new RangeError(`Stream revision ${revision} is out of range`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Errors

function hasErrorType(error: unknown, type: ErrorType): boolean {
  return error instanceof Error && (error as { type?: unknown }).type === type;
}

/** The client's WrongExpectedVersionError (by class or by its `type`, as the client sets it). */
export function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return hasErrorType(error, ErrorType.WRONG_EXPECTED_VERSION);
}

/** The client's StreamNotFoundError (a read of a stream that does not exist). */
export function isStreamNotFound(error: unknown): error is StreamNotFoundError {
  return hasErrorType(error, ErrorType.STREAM_NOT_FOUND);
}

/** Transient: the server was unreachable or the call was cut; the client reconnects on the next call. */
export function isTransientError(error: unknown): boolean {
  return (
    hasErrorType(error, ErrorType.UNAVAILABLE) ||
    // BatchAppend answers a write not committed before its deadline with a Timeout status, which
    // the client reports as DeadlineExceededError; the unary Append answers it with ABORTED
    // ("Operation timed out"), reported as TimeoutError. Either way the write may or may not have
    // happened, and retrying it (same ids, same exact expected revision) is idempotent.
    hasErrorType(error, ErrorType.DEADLINE_EXCEEDED) ||
    hasErrorType(error, ErrorType.TIMEOUT) ||
    hasErrorType(error, ErrorType.NOT_LEADER)
  );
}

/** The client's MaxAppendSizeExceededError: the server refused the whole append (nothing was written). */
export function isMaxAppendSizeExceeded(error: unknown): error is Error & { maxAppendSize: number } {
  return hasErrorType(error, ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED);
}

/** The port's error for an append the server refused as too large. */
export function toAppendTooLargeError(error: Error & { maxAppendSize: number }, streamName: string, events: number): AppendTooLargeError {
  const limit = Number.isFinite(error.maxAppendSize) && error.maxAppendSize > 0 ? error.maxAppendSize : undefined;
  return new AppendTooLargeError(streamName, events, limit);
}

/** The port's error for a rejected append: the caller's expectation and the stream's actual revision (-1: no stream). */
export function toWrongExpectedRevisionError(
  error: WrongExpectedVersionError,
  streamName: string,
  expected: ExpectedRevision,
): WrongExpectedRevisionError {
  return new WrongExpectedRevisionError(streamName, expected, fromEsdbCurrentRevision(error.actualVersion));
}

// ---------------------------------------------------------------------------------------------
// Positions

/** Largest commit position whose number (2c + 1) is still an exact integer. */
export const MAX_COMMIT_POSITION = (Number.MAX_SAFE_INTEGER - 1) / 2;

function commitNumber(commit: bigint): number {
  const c = Number(commit);
  if (commit < 0n || c > MAX_COMMIT_POSITION) {
    throw new RangeError(`EventStoreDB commit position ${commit} is outside the range this adapter maps exactly (0..${MAX_COMMIT_POSITION})`);
  }
  return c;
}

/** An event's place in `$all` as the port's position. */
export function eventPositionToNumber(position: Position): number {
  return 2 * commitNumber(position.commit) + 1;
}

/**
 * The commit position the client reports for the server's "no position" (-1 as a C# long, sent
 * as an unsigned 64-bit integer): 2^64 − 1.
 */
export const NO_POSITION = 2n ** 64n - 1n;

/**
 * A subscription checkpoint as the port's position (never past a record not yet read).
 *
 * A filtered subscription from the start of `$all` holds the checkpoint (-1, -1) until it has
 * passed an event it sends or a whole checkpoint interval; when the log ends before either (a
 * fresh node with only its epoch record, projections off), the server sends that (-1, -1) as the
 * checkpoint of its catch-up, which the client reports as {2^64 − 1, 2^64 − 1}
 * (Enumerator.AllSubscriptionFiltered and Position.FromInt64 in the server). It means "nothing
 * passed yet": the start, 0.
 */
export function checkpointToNumber(position: Position): number {
  if (position.commit === NO_POSITION) return 0;
  const c = commitNumber(position.commit);
  return position.prepare >= position.commit ? 2 * c + 1 : 2 * c;
}

/** Where to read or subscribe from so that exactly the events with a position > n follow. */
export function numberToReadPosition(n: number): ReadPosition {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Position must be a non-negative integer, got ${String(n)}`);
  if (n === 0) return START;
  const commit = BigInt(Math.floor(n / 2));
  return n % 2 === 1 ? { commit, prepare: commit } : { commit, prepare: 0n };
}

/** The position of an event read from `$all` (undefined when the server sent none). */
export function resolvedAllPosition(resolved: AllStreamResolvedEvent): number | undefined {
  if (resolved.event?.position) return eventPositionToNumber(resolved.event.position);
  if (resolved.commitPosition !== undefined) return eventPositionToNumber({ commit: resolved.commitPosition, prepare: resolved.commitPosition });
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Metadata

/** Metadata as stored on EventStoreDB. */
export interface EsdbEventMetadata {
  actor: Actor | null;
  requestId?: string;
  $correlationId?: string;
  $causationId?: string;
  timestamp: string;
  schemaVersion: number;
  prevHash: string;
  hash: string;
}

/** Port metadata → the JSON written to EventStoreDB (absent optional fields stay absent). */
export function toEsdbMetadata(metadata: EventMetadata): EsdbEventMetadata {
  const out: EsdbEventMetadata = {
    actor: metadata.actor ?? null,
    timestamp: metadata.timestamp,
    schemaVersion: metadata.schemaVersion,
    prevHash: metadata.prevHash,
    hash: metadata.hash,
  };
  if (metadata.requestId !== undefined) out.requestId = metadata.requestId;
  if (metadata.correlationId !== undefined) out.$correlationId = metadata.correlationId;
  if (metadata.causationId !== undefined) out.$causationId = metadata.causationId;
  return out;
}

export class UnreadableEventError extends Error {
  constructor(where: string, problem: string) {
    super(`EventStoreDB event ${where} cannot be read by this store: ${problem}`);
    this.name = 'UnreadableEventError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function optionalString(raw: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new UnreadableEventError(where, `metadata ${key} is not a string`);
  return value;
}

function parseActor(value: unknown, where: string): Actor | null {
  if (value === undefined || value === null) return null;
  if (isObject(value) && typeof value.userId === 'string' && typeof value.role === 'string') {
    return { userId: value.userId, role: value.role };
  }
  throw new UnreadableEventError(where, 'metadata actor is not {userId, role}');
}

/** EventStoreDB metadata JSON → port metadata. Throws UnreadableEventError for anything this store did not write. */
export function fromEsdbMetadata(raw: unknown, where: string): EventMetadata {
  if (!isObject(raw)) throw new UnreadableEventError(where, 'metadata is not a JSON object');
  const { timestamp, schemaVersion, prevHash, hash } = raw;
  if (typeof timestamp !== 'string') throw new UnreadableEventError(where, 'metadata timestamp is missing');
  if (typeof schemaVersion !== 'number') throw new UnreadableEventError(where, 'metadata schemaVersion is missing');
  if (typeof prevHash !== 'string' || typeof hash !== 'string') {
    throw new UnreadableEventError(where, 'metadata has no hash chain (prevHash/hash)');
  }
  const metadata: EventMetadata = { actor: parseActor(raw.actor, where), timestamp, schemaVersion, prevHash, hash };
  const requestId = optionalString(raw, 'requestId', where);
  const correlationId = optionalString(raw, '$correlationId', where);
  const causationId = optionalString(raw, '$causationId', where);
  if (requestId !== undefined) metadata.requestId = requestId;
  if (correlationId !== undefined) metadata.correlationId = correlationId;
  if (causationId !== undefined) metadata.causationId = causationId;
  return metadata;
}

// ---------------------------------------------------------------------------------------------
// Events

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** EventStoreDB event ids are UUIDs, returned in lower case: normalise before hashing so the chain verifies on read. */
export function normaliseEventId(id: string): string {
  if (!UUID.test(id)) throw new TypeError(`Event id ${id} is not a UUID (EventStoreDB requires UUID event ids)`);
  return id.toLowerCase();
}

/** A chained event → what the client appends (JSON data, JSON metadata). */
export function toEsdbEventData(event: ChainedEvent): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: toEsdbMetadata(event.metadata),
  });
}

/** A recorded EventStoreDB event → the port's RecordedEvent. */
export function fromEsdbEvent(event: EsdbRecordedEvent): RecordedEvent {
  const where = `${event.streamId}@${event.revision}`;
  if (!event.isJson || !isObject(event.data)) throw new UnreadableEventError(where, 'data is not a JSON object');
  if (!event.position) {
    throw new UnreadableEventError(where, 'the server sent no position (EventStoreDB 22.6 or later is required)');
  }
  return {
    id: event.id,
    streamName: event.streamId,
    type: event.type,
    revision: revisionNumber(event.revision),
    position: eventPositionToNumber(event.position),
    data: event.data as JsonObject,
    metadata: fromEsdbMetadata(event.metadata, where),
  };
}

// ---------------------------------------------------------------------------------------------
// System events and type filters

/** Events the port never shows: system event types ($-prefixed, e.g. `$>` links, `$metadata`) and events of system streams. */
export function isSystemEvent(type: string, streamName: string): boolean {
  return type.startsWith('$') || streamName.startsWith('$');
}

/** Regex accepted by the server (.NET) and by JavaScript alike. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}#\s-]/g, (c) => (/\s/.test(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\${c}`));
}

/** The server-side event-type filter: exactly these types (none of them a system type), or every non-system type. */
export function eventTypeRegex(eventTypes: readonly string[] | undefined): string {
  const types = userTypes(eventTypes);
  if (!types) return '^[^$]';
  if (types.length === 0) return '^(?!)';
  return `^(?:${types.map(escapeRegex).join('|')})$`;
}

/**
 * The server-side filter of a subscription: exactly the handler's event types when it names some
 * (system events never match them), otherwise every non-system event. The server reports a
 * checkpoint every `checkpointInterval` × its search window considered events.
 */
export function subscriptionFilter(
  eventTypes: readonly string[] | undefined,
  checkpointInterval: number,
  checkpointReached: (subscription: AllStreamSubscription, position: Position) => void,
): RegexFilter {
  if (!userTypes(eventTypes)) return excludeSystemEvents({ checkpointInterval, checkpointReached });
  return eventTypeFilter({ regex: eventTypeRegex(eventTypes), checkpointInterval, checkpointReached });
}

function userTypes(eventTypes: readonly string[] | undefined): string[] | undefined {
  if (!eventTypes || eventTypes.length === 0) return undefined;
  return [...new Set(eventTypes)].filter((t) => !t.startsWith('$')).sort();
}

/** Client-side acceptance, the same rule as the server filter plus the system-stream exclusion. */
export function eventAcceptor(eventTypes: readonly string[] | undefined): (type: string, streamName: string) => boolean {
  const types = eventTypes && eventTypes.length > 0 ? new Set(eventTypes) : undefined;
  return (type, streamName) => !isSystemEvent(type, streamName) && (!types || types.has(type));
}

// ---------------------------------------------------------------------------------------------
// Connection strings

/**
 * config.ts accepts the KurrentDB spellings (`kurrentdb://`, `kdb://`, and their `+discover`
 * forms) beside `esdb://`; client v6 parses only `esdb://` and `esdb+discover://`. The protocol
 * behind them is the same gRPC API, so only the scheme is rewritten.
 */
export function normaliseConnectionString(connectionString: string): string {
  return connectionString.trim().replace(/^(?:kurrentdb|kdb)(\+discover)?:\/\//i, (_m, discover: string | undefined) => `esdb${discover ?? ''}://`);
}
