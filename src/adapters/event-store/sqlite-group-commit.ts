import type Database from 'better-sqlite3';
import { WrongExpectedRevisionError, revisionMatches, type EventMetadataInput, type JsonObject } from '../../ports/event-store';
import { chainedMetadata } from '../../ports/hash-chain';
import type { Statements } from './sqlite-statements';
import { toWireError, type WireAppend, type WireAppendResult, type WireEvent } from './sqlite-writer-protocol';

/**
 * Group commit for the SQLite event store, run by the writer thread (sqlite-writer-worker.ts)
 * on the write connection.
 *
 * The appends that reached the writer while it was busy are written in ONE transaction, so one
 * WAL fsync makes many appends durable. A lone sequential writer is not delayed (its append is
 * the only one in the batch); many concurrent writers share each fsync.
 *
 * Inside a transaction of several appends each runs in its own savepoint, in arrival order: its
 * expected revision is checked against the stream's revision as the transaction sees it
 * (including earlier appends of the same batch), and if it fails (wrong revision, duplicate
 * event id) only that savepoint is rolled back and only that append is answered with an
 * error. A lone append is its own transaction, without a savepoint. The answers are sent after
 * COMMIT returned, i.e. after the fsync.
 */

export interface GroupCommitStats {
  /** Appends that committed. */
  appends: number;
  /** Events those appends wrote. */
  events: number;
  /** Appends that were rejected (wrong expected revision, duplicate id, bad data). */
  rejected: number;
  /** Transactions committed (each one fsync). */
  commits: number;
  /** Most appends in one transaction. */
  largestBatch: number;
}

/** Upper bound of appends per transaction, so one commit never keeps the answers waiting long. */
export const MAX_APPENDS_PER_COMMIT = 1000;

/**
 * The stored metadata JSON and hash of `event` placed at `revision` after `prevHash`: what
 * local-record.ts chainEvent stores, computed from the JSON the main thread already made
 * (JSON.stringify of JSON.parse of that text gives the same text back, so the data is stored
 * as received and only parsed once, for the hash).
 */
export function chainWireEvent(streamName: string, revision: number, prevHash: string, event: WireEvent): { metadataJson: string; hash: string } {
  const metadata = chainedMetadata(prevHash, {
    streamName,
    revision,
    id: event.id,
    type: event.type,
    data: JSON.parse(event.dataJson) as JsonObject,
    metadata: JSON.parse(event.metadataJson) as EventMetadataInput,
  });
  // Fields the input did not have are undefined here; JSON.stringify leaves them out, as chainEvent does.
  return { metadataJson: JSON.stringify(metadata), hash: metadata.hash };
}

export interface BatchOutcome {
  /** One per append of the batch, in order. */
  results: WireAppendResult[];
  /** The transaction committed and wrote at least one event. */
  wrote: boolean;
}

export class GroupCommitWriter {
  private readonly commitBatch: (batch: readonly WireAppend[]) => WireAppendResult[];
  private readonly appendOne: (append: WireAppend) => WireAppendResult;

  constructor(
    db: Database.Database,
    private readonly statements: Statements,
  ) {
    // One append in a transaction of its own, or, nested in the batch's, in a savepoint (how
    // better-sqlite3 runs a nested transaction); a throw rolls back just that savepoint.
    this.appendOne = db.transaction((append: WireAppend) => this.write(append));
    this.commitBatch = db.transaction((batch: readonly WireAppend[]) =>
      batch.map((append): WireAppendResult => {
        try {
          return this.appendOne(append);
        } catch (error) {
          return { seq: append.seq, ok: false, error: toWireError(error) };
        }
      }),
    );
  }

  /**
   * Writes `batch` (at most MAX_APPENDS_PER_COMMIT appends) in one transaction. A lone append
   * (a sequential writer, a quiet moment) is its own transaction: no savepoint, since rolling
   * back the transaction undoes just that append (SAVEPOINT and RELEASE measured ~7% of a
   * durable single-event commit in one thread).
   */
  commit(batch: readonly WireAppend[]): BatchOutcome {
    let results: WireAppendResult[];
    try {
      // A throw rolls the whole transaction back; the catch below answers it as that append's error.
      results = batch.length === 1 ? [this.appendOne(batch[0]!)] : this.commitBatch(batch);
    } catch (error) {
      // The transaction failed (a lone append's own error, or e.g. an I/O error at COMMIT): nothing of the batch is stored.
      const wire = toWireError(error);
      return { results: batch.map((append) => ({ seq: append.seq, ok: false, error: wire })), wrote: false };
    }
    return { results, wrote: results.some((r) => r.ok && r.positions.length > 0) };
  }

  /** One append, inside the batch transaction. Throws to roll back its savepoint. */
  private write(append: WireAppend): WireAppendResult {
    const s = this.statements;
    const { seq, streamName, expected } = append;
    const state = s.streamState.get(streamName);
    const actual = state ? state.revision : -1;
    if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(streamName, expected, actual);
    const firstPrevHash = state ? state.last_hash : '';
    if (append.events.length === 0) {
      const last = actual >= 0 ? s.streamBackwards.get(streamName, actual, 1) : undefined;
      const position = last ? last.position : s.headPosition.get()!;
      return { seq, ok: true, nextExpectedRevision: actual, position, prevHash: firstPrevHash, positions: [], hashes: [] };
    }
    let prevHash = firstPrevHash;
    const positions: number[] = [];
    const hashes: string[] = [];
    append.events.forEach((event, i) => {
      const revision = actual + 1 + i;
      const { metadataJson, hash } = chainWireEvent(streamName, revision, prevHash, event);
      const info = s.insertEvent.run(event.id, streamName, revision, event.type, event.dataJson, metadataJson);
      prevHash = hash;
      positions.push(Number(info.lastInsertRowid));
      hashes.push(hash);
    });
    const revision = actual + append.events.length;
    s.upsertStream.run(streamName, revision, prevHash);
    return { seq, ok: true, nextExpectedRevision: revision, position: positions[positions.length - 1]!, prevHash: firstPrevHash, positions, hashes };
  }
}
