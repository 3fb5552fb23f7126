import { NO_STREAM, type AppendExpectedRevision } from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  revisionMatches,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '../../ports/event-store';
import { chainEvent, type ChainedEvent } from './local-record';
import { normaliseEventId } from './eventstoredb-mapping';

/**
 * How an append to EventStoreDB keeps the per-stream hash chain (pure planning; eventstoredb.ts runs it).
 *
 * The hash of an event covers the hash of the previous event of its stream, so the store must
 * know the stream's last revision and hash ("head") before it can write, and the write must land
 * exactly after that head. Every append is therefore sent with an exact expected revision (or
 * no_stream), whatever the caller asked for:
 *
 *   caller expects            head comes from                               server conflict means
 *   no_stream                 nothing to read ({-1, ''})                     caller's WrongExpectedRevisionError
 *   N (a revision)            the cached head if it is at N, else a read     caller's WrongExpectedRevisionError
 *   any / stream_exists       the cached head (optimistic), else a read      someone else appended: re-read and retry
 *
 * A head read is the stream's last event (read backwards, 1). Within one process appends to a
 * stream are serialised and remember the head they wrote, so consecutive appends need no read;
 * across processes the server's expected-revision check keeps the chain linear.
 */

/** A stream's last revision and hash; revision -1 (hash '') when the stream does not exist. */
export interface StreamHead {
  revision: number;
  hash: string;
  /** Position of the last event (0 when the stream does not exist). */
  position: number;
}

export const EMPTY_HEAD: StreamHead = { revision: -1, hash: '', position: 0 };

/** The head a stream has after `event` (its last event). */
export function headOf(event: RecordedEvent | undefined): StreamHead {
  return event ? { revision: event.revision, hash: event.metadata.hash, position: event.position } : EMPTY_HEAD;
}

/** Where the head for an append comes from: this head (known without a read), or a read of the stream's last event. */
export type HeadDecision = { kind: 'use'; head: StreamHead } | { kind: 'read' };

export function decideHead(expected: ExpectedRevision, cached: StreamHead | undefined, eventCount: number): HeadDecision {
  // An empty append writes nothing: the answer is the stream's actual state.
  if (eventCount === 0) return { kind: 'read' };
  if (expected === 'no_stream' || expected === -1) return { kind: 'use', head: EMPTY_HEAD };
  if (typeof expected === 'number') return cached && cached.revision === expected ? { kind: 'use', head: cached } : { kind: 'read' };
  return cached ? { kind: 'use', head: cached } : { kind: 'read' };
}

/** After a head read: the caller's expectation must hold, otherwise the append fails without writing. */
export function checkExpected(streamName: string, expected: ExpectedRevision, head: StreamHead): void {
  if (!revisionMatches(expected, head.revision)) throw new WrongExpectedRevisionError(streamName, expected, head.revision);
}

/** Whether a server conflict may be retried by re-reading the head (the caller did not name a revision). */
export function retriesOnConflict(expected: ExpectedRevision): boolean {
  return expected === 'any' || expected === 'stream_exists';
}

export interface AppendPlan {
  /** What the client sends: the exact head revision, or no_stream. */
  expectedRevision: AppendExpectedRevision;
  /** The events placed after the head, with normalised ids and chained metadata. */
  events: ChainedEvent[];
  /** The head after the append succeeds (position unknown until read back). */
  nextHead: { revision: number; hash: string };
}

/** Places `events` after `head`: revisions head+1…, each hashed over the previous one. */
export function planAppend(streamName: string, events: readonly NewEvent[], head: StreamHead): AppendPlan {
  let prevHash = head.hash;
  const chained = events.map((event, i) => {
    const placed = chainEvent(streamName, head.revision + 1 + i, prevHash, { ...event, id: normaliseEventId(event.id) });
    prevHash = placed.metadata.hash;
    return placed;
  });
  return {
    expectedRevision: head.revision === -1 ? NO_STREAM : BigInt(head.revision),
    events: chained,
    nextHead: { revision: head.revision + events.length, hash: prevHash },
  };
}

/** The read-back of an append must be exactly the planned events, in order. */
export function checkReadBack(streamName: string, plan: AppendPlan, readBack: readonly RecordedEvent[]): void {
  const expectedIds = plan.events.map((e) => e.id);
  const actualIds = readBack.map((e) => e.id);
  if (expectedIds.length !== actualIds.length || expectedIds.some((id, i) => id !== actualIds[i])) {
    throw new Error(
      `EventStoreDB append to ${streamName} succeeded but reading it back found events ${actualIds.join(', ') || '(none)'} ` +
        `instead of ${expectedIds.join(', ')}`,
    );
  }
}

/** Delay before the n-th retry of a conflicting 'any'/'stream_exists' append (jittered, capped). */
export function conflictBackoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(200, 5 * 2 ** Math.min(attempt, 6));
  return Math.round(base / 2 + random() * (base / 2));
}
