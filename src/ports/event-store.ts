/**
 * Event store port. Every adapter (in-memory, SQLite, EventStoreDB) implements it and
 * passes the same contract suite (src/ports/event-store.contract.ts).
 *
 * Revisions are 0-based per stream (the first event of a stream has revision 0).
 * Positions are global: a number that strictly increases along the order of the whole
 * log, distinct for every event. They are not necessarily contiguous (EventStoreDB uses
 * log byte offsets), so only compare them, never count with them.
 */

export type JsonObject = { [key: string]: unknown };

/** `any`: no check; `no_stream`: the stream must not exist; `stream_exists`: it must exist;
 * a number: the revision of the stream's last event must be exactly this. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface Actor {
  userId: string;
  role: string;
}

/** Metadata the caller supplies with each new event. */
export interface EventMetadataInput {
  actor?: Actor | null;
  requestId?: string;
  correlationId?: string;
  causationId?: string;
  /** ISO-8601 time the event happened (from the injected clock). */
  timestamp: string;
  /** Version of the event's data shape, used by upcasters when reading. */
  schemaVersion: number;
}

/** Metadata as stored: the input plus the stream hash chain, set by the store. */
export interface EventMetadata extends EventMetadataInput {
  /** Hash of the previous event of the same stream ('' for the first event). */
  prevHash: string;
  /** sha256 over prevHash and this event's identity, type, data and metadata; see hash-chain.ts. */
  hash: string;
}

export interface NewEvent {
  /** Event id (UUID). */
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadataInput;
}

export interface RecordedEvent {
  id: string;
  streamName: string;
  type: string;
  revision: number;
  position: number;
  data: JsonObject;
  metadata: EventMetadata;
}

export interface AppendResult {
  /** Revision of the last event appended; pass it as expectedRevision for the next append. */
  nextExpectedRevision: number;
  /** Global position of the last event appended. */
  position: number;
  /** The events as stored, with revision, position and hashes. */
  events: RecordedEvent[];
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision. Forwards default 0; backwards default the last event. */
  fromRevision?: number;
  maxCount?: number;
  /**
   * The store may answer from what it keeps in memory of the events it committed (the embedded
   * SQLite store does: sqlite-committed-cache.ts), the same events as in its file unless the file
   * was changed behind its back. Commands and views ask for it; audits, which must see the file,
   * do not. Stores without such memory read as usual.
   */
  cached?: boolean;
}

export interface ReadAllOptions {
  direction?: 'forwards' | 'backwards';
  /** Exclusive: forwards returns events with position > fromPosition; backwards < fromPosition.
   * Forwards default: the beginning. Backwards default: the end. */
  fromPosition?: number;
  maxCount?: number;
  /** Only these event types (server-side filter where the adapter supports it). */
  eventTypes?: readonly string[];
}

export interface SubscriptionHandler {
  /** Called with events in log order; the next call waits until the returned promise settles. */
  onEvents(events: RecordedEvent[]): Promise<void> | void;
  /** The subscription has read (and, with a type filter, skipped) everything up to `position`.
   * Lets a filtered subscriber advance its checkpoint past events it does not handle. */
  onCheckpoint?(position: number): Promise<void> | void;
  /** Called once when catch-up is done and the subscription is live. */
  onCaughtUp?(position: number): void;
  /** The subscription dropped with an error. It is not restarted by the store; the caller resubscribes. */
  onError?(error: Error): void;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events with position > fromPosition. Default: from the beginning. */
  fromPosition?: number;
  eventTypes?: readonly string[];
  /** Maximum events per onEvents call. */
  batchSize?: number;
}

export interface Subscription {
  stop(): Promise<void>;
}

/**
 * How a subscription with `eventTypes` accounts for the events it skips:
 * - `every-run`: it reports a checkpoint (`onCheckpoint`) after every run of skipped events, as
 *   soon as the run is written: the embedded stores filter as they read the log;
 * - `periodic`: the server filters, so skipped events never reach the subscriber, and the server
 *   reports a checkpoint only every so many considered events (EventStoreDB). After a run of
 *   skipped events at the head of the log nothing says the run was passed; a subscriber waiting
 *   for such a position finds out itself with a filtered read (see
 *   projections/engine/filtered-progress.ts).
 */
export type SkippedEventCheckpoints = 'every-run' | 'periodic';

export interface EventStore {
  readonly skippedEventCheckpoints: SkippedEventCheckpoints;
  appendToStream(
    streamName: string,
    events: NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Events of one stream; [] when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of the global log. Page through by passing the last position seen as fromPosition. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch up from `fromPosition`, then follow live appends. */
  subscribeToAll(options: SubscribeOptions, handler: SubscriptionHandler): Subscription;
  /** Position of the last event in the log (0 when empty). */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

/** The expected revision did not match the stream's actual revision. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or -1 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`Wrong expected revision on stream ${streamName}: expected ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * The store refused an append as too large as a whole (EventStoreDB: MaximumAppendSizeExceeded,
 * 1,048,576 bytes of data, metadata and types by default). Nothing of it was written; the same
 * events appended in smaller parts can succeed.
 */
export class AppendTooLargeError extends Error {
  constructor(
    readonly streamName: string,
    /** Events in the refused append. */
    readonly events: number,
    /** The store's limit in bytes, when it said. */
    readonly maxAppendBytes: number | undefined,
  ) {
    super(
      `The store refused an append of ${events} event(s) to ${streamName} as too large` +
        (maxAppendBytes !== undefined ? ` (its limit is ${maxAppendBytes} bytes per append)` : ''),
    );
    this.name = 'AppendTooLargeError';
  }
}

/** Revision helper shared by every adapter: does `actual` (-1 = no stream) satisfy `expected`? */
export function revisionMatches(expected: ExpectedRevision, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === -1;
  if (expected === 'stream_exists') return actual >= 0;
  return expected === actual;
}
