import type Database from 'better-sqlite3';
import {
  WrongExpectedRevisionError,
  revisionMatches,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
} from '../../ports/event-store';
import { chainEvent, toRecorded } from './local-record';
import type { Statements } from './sqlite-statements';

/**
 * Group commit for the SQLite event store.
 *
 * Appends are queued and written on the next turn of the event loop (setImmediate), all the
 * appends queued by then in ONE transaction, so one WAL fsync makes many appends durable.
 * A lone sequential writer is not delayed (its append is the only one in the batch); many
 * concurrent writers share each fsync.
 *
 * Inside the transaction every append runs in its own savepoint, in arrival order: its
 * expected revision is checked against the stream's revision as the transaction sees it
 * (including earlier appends of the same batch), and if it fails (wrong revision, duplicate
 * event id, data that is not JSON) only that savepoint is rolled back and only that append
 * rejects. Every promise settles after COMMIT returned, i.e. after the fsync.
 */

interface PendingAppend {
  streamName: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: Error): void;
}

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

/** Upper bound of appends per transaction, so one commit never blocks the event loop for long. */
export const MAX_APPENDS_PER_COMMIT = 1000;

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class GroupCommitter {
  private queue: PendingAppend[] = [];
  private scheduled = false;
  private readonly counters: GroupCommitStats = { appends: 0, events: 0, rejected: 0, commits: 0, largestBatch: 0 };
  private readonly commitBatch: (batch: PendingAppend[]) => Array<AppendResult | Error>;
  private readonly appendInSavepoint: (p: PendingAppend) => AppendResult;

  constructor(
    db: Database.Database,
    private readonly statements: Statements,
    /** Called after every commit that wrote events. */
    private readonly onCommitted: () => void,
  ) {
    // Nested better-sqlite3 transactions run as savepoints; a throw rolls back just that savepoint.
    this.appendInSavepoint = db.transaction((p: PendingAppend) => this.write(p));
    this.commitBatch = db.transaction((batch: PendingAppend[]) =>
      batch.map((p) => {
        try {
          return this.appendInSavepoint(p);
        } catch (error) {
          return toError(error);
        }
      }),
    );
  }

  enqueue(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamName, events, expected, resolve, reject });
      this.schedule();
    });
  }

  /** Commits everything queued, synchronously (the store's close uses it). */
  drain(): void {
    while (this.queue.length > 0) this.commit(this.queue.splice(0, MAX_APPENDS_PER_COMMIT));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.queue.length === 0) return;
      this.commit(this.queue.splice(0, MAX_APPENDS_PER_COMMIT));
      // More than one transaction's worth was queued: commit the rest on a later turn.
      if (this.queue.length > 0) this.schedule();
    });
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private commit(batch: PendingAppend[]): void {
    let results: Array<AppendResult | Error>;
    try {
      results = this.commitBatch(batch);
    } catch (error) {
      // The transaction itself failed (e.g. I/O error at COMMIT): nothing of the batch is stored.
      const e = toError(error);
      for (const p of batch) p.reject(e);
      this.counters.rejected += batch.length;
      return;
    }
    let wrote = false;
    for (let i = 0; i < batch.length; i++) {
      const result = results[i]!;
      if (result instanceof Error) {
        this.counters.rejected++;
        batch[i]!.reject(result);
      } else {
        this.counters.appends++;
        this.counters.events += result.events.length;
        if (result.events.length > 0) wrote = true;
        batch[i]!.resolve(result);
      }
    }
    if (wrote) {
      this.counters.commits++;
      this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
      this.onCommitted();
    }
  }

  /** One append, inside the batch transaction. Throws to roll back its savepoint. */
  private write(p: PendingAppend): AppendResult {
    const s = this.statements;
    const state = s.streamState.get(p.streamName);
    const actual = state ? state.revision : -1;
    if (!revisionMatches(p.expected, actual)) throw new WrongExpectedRevisionError(p.streamName, p.expected, actual);
    if (p.events.length === 0) {
      const last = actual >= 0 ? s.streamBackwards.get(p.streamName, actual, 1) : undefined;
      return { nextExpectedRevision: actual, position: last ? last.position : s.headPosition.get()!, events: [] };
    }
    let prevHash = state ? state.last_hash : '';
    const recorded = p.events.map((event, i) => {
      const e = chainEvent(p.streamName, actual + 1 + i, prevHash, event);
      const info = s.insertEvent.run(e.id, e.streamName, e.revision, e.type, e.dataJson, e.metadataJson);
      prevHash = e.metadata.hash;
      return toRecorded(e, Number(info.lastInsertRowid));
    });
    const last = recorded[recorded.length - 1]!;
    s.upsertStream.run(p.streamName, last.revision, prevHash);
    return { nextExpectedRevision: last.revision, position: last.position, events: recorded };
  }
}
