import type { EventMetadata, EventMetadataInput, JsonObject, NewEvent, RecordedEvent } from '../../ports/event-store';
import { chainedMetadata, hashedMetadata } from '../../ports/hash-chain';

/**
 * What the local event stores (in-memory, SQLite) share when they write an event: input
 * checks, JSON normalisation and the stream hash chain.
 *
 * Data and metadata are normalised through JSON before hashing, so the hash covers exactly
 * what is stored and read back (a Date becomes its ISO string, undefined fields disappear),
 * and verifyChain() on events read back always agrees with the hash written.
 */

/** An event placed in its stream (revision) and chained (metadata.prevHash/hash), without a position yet. */
export interface ChainedEvent extends Omit<RecordedEvent, 'position'> {
  /** `data` as stored (JSON). */
  dataJson: string;
  /** `metadata` as stored (JSON). */
  metadataJson: string;
}

export class StoreClosedError extends Error {
  constructor() {
    super('Event store is closed');
    this.name = 'StoreClosedError';
  }
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws a TypeError when the append request is malformed (nothing of it is written):
 * empty stream name, an event without id or type, data that is not an object, ids repeated. */
export function assertValidAppend(streamName: string, events: readonly NewEvent[]): void {
  if (typeof streamName !== 'string' || streamName.length === 0) {
    throw new TypeError('Stream name must be a non-empty string');
  }
  if (!Array.isArray(events)) throw new TypeError('Events must be an array');
  for (const e of events) {
    if (!isPlainObject(e)) throw new TypeError('Each event must be an object');
    if (typeof e.id !== 'string' || e.id.length === 0) throw new TypeError('Event id must be a non-empty string');
    if (typeof e.type !== 'string' || e.type.length === 0) throw new TypeError('Event type must be a non-empty string');
    if (!isPlainObject(e.data)) throw new TypeError(`Event ${e.id}: data must be a JSON object`);
    if (!isPlainObject(e.metadata)) throw new TypeError(`Event ${e.id}: metadata must be an object`);
  }
  const ids = new Set<string>();
  for (const e of events) {
    if (ids.has(e.id)) throw new TypeError(`Event id ${e.id} appears twice in one append`);
    ids.add(e.id);
  }
}

function withoutUndefined<T extends object>(value: T): T {
  const out = { ...value } as Record<string, unknown>;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as T;
}

/** Places `event` at `revision` of `streamName`, after the stream's last hash `prevHash`. */
export function chainEvent(streamName: string, revision: number, prevHash: string, event: NewEvent): ChainedEvent {
  const dataJson = JSON.stringify(event.data);
  const data = JSON.parse(dataJson) as JsonObject;
  const input = JSON.parse(JSON.stringify(hashedMetadata(event.metadata))) as EventMetadataInput;
  const metadata: EventMetadata = withoutUndefined(
    chainedMetadata(prevHash, { streamName, revision, id: event.id, type: event.type, data, metadata: input }),
  );
  return {
    id: event.id,
    streamName,
    type: event.type,
    revision,
    data,
    metadata,
    dataJson,
    metadataJson: JSON.stringify(metadata),
  };
}

/** The RecordedEvent of a chained event once it has its global position. */
export function toRecorded(e: ChainedEvent, position: number): RecordedEvent {
  return {
    id: e.id,
    streamName: e.streamName,
    type: e.type,
    revision: e.revision,
    position,
    data: e.data,
    metadata: e.metadata,
  };
}
