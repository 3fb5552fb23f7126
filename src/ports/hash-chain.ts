import { createHash } from 'node:crypto';
import type { EventMetadata, EventMetadataInput, RecordedEvent } from './event-store';

/**
 * The per-stream hash chain every event store adapter writes. Each event's hash covers the
 * previous event's hash, the event's place (stream, revision), identity, type, data and the
 * caller's metadata, so changing, removing or reordering any stored event breaks the chain.
 * Keys are sorted before hashing so the hash does not depend on how a store orders JSON keys.
 */

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The metadata fields that are hashed: exactly the caller-supplied ones, whatever else a store adds. */
export function hashedMetadata(m: EventMetadataInput): EventMetadataInput {
  return {
    actor: m.actor ?? null,
    requestId: m.requestId,
    correlationId: m.correlationId,
    causationId: m.causationId,
    timestamp: m.timestamp,
    schemaVersion: m.schemaVersion,
  };
}

export interface HashInput {
  streamName: string;
  revision: number;
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadataInput;
}

export function chainHash(prevHash: string, e: HashInput): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(e.streamName)
    .update('\n')
    .update(String(e.revision))
    .update('\n')
    .update(e.id)
    .update('\n')
    .update(e.type)
    .update('\n')
    .update(canonicalJson(e.data))
    .update('\n')
    .update(canonicalJson(hashedMetadata(e.metadata)))
    .digest('hex');
}

/** Stored metadata for an event appended after `prevHash`. */
export function chainedMetadata(prevHash: string, e: HashInput): EventMetadata {
  return { ...hashedMetadata(e.metadata), prevHash, hash: chainHash(prevHash, e) };
}

export interface ChainVerification {
  streamName: string;
  valid: boolean;
  eventCount: number;
  lastHash: string;
  /** First revision where the chain breaks, with the reason. */
  brokenAt?: { revision: number; reason: string };
}

/** Verifies a whole stream read forwards from revision 0. */
export function verifyChain(streamName: string, events: readonly RecordedEvent[]): ChainVerification {
  let prev = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const fail = (reason: string): ChainVerification => ({
      streamName,
      valid: false,
      eventCount: events.length,
      lastHash: prev,
      brokenAt: { revision: e.revision, reason },
    });
    if (e.revision !== i) return fail(`expected revision ${i}, found ${e.revision}`);
    if (e.metadata.prevHash !== prev) return fail('prevHash does not match the previous event hash');
    if (chainHash(prev, e) !== e.metadata.hash) return fail('hash does not match the event content');
    prev = e.metadata.hash;
  }
  return { streamName, valid: true, eventCount: events.length, lastHash: prev };
}
