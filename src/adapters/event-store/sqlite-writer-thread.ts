import type { Worker } from 'node:worker_threads';
import type {
  AppendResult,
  EventMetadata,
  EventMetadataInput,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  RecordedEvent,
} from '../../ports/event-store';
import { hashedMetadata } from '../../ports/hash-chain';
import { startModuleWorker, type ModuleWorkerData } from '../module-worker';
import type { CommittedAppend } from './sqlite-committed-cache';
import type { GroupCommitStats } from './sqlite-group-commit';
import {
  fromWireError,
  toError,
  type FromWriter,
  type ToWriter,
  type WireAppend,
  type WireAppendResult,
  type WireEvent,
  type WriterThreadData,
} from './sqlite-writer-protocol';

/**
 * The main thread's side of the SQLite event store's writer thread (sqlite-writer-worker.ts).
 *
 * Appends accepted during one turn of the event loop are sent in one message on the next turn
 * (setImmediate; a large burst in chunks of FLUSH_AT as it is accepted), and each append's
 * promise settles when the writer reports the transaction that holds it: after COMMIT
 * returned, i.e. after the fsync. The JSON of the events is made
 * here, when the append is accepted, so the caller's objects are read synchronously as before
 * and data that is not JSON rejects just that append.
 *
 * The writer module runs in a module worker (../module-worker.ts says how it is loaded, compiled
 * or under jest).
 *
 * Failure: if the thread dies (uncaught exception, unexpected exit) or a message cannot be
 * read, every pending append rejects with a WriterThreadError naming the cause, and so does
 * every later call; `onFailed` tells the store.
 *
 * The thread keeps the process alive only while appends are pending or a close is under way,
 * like the synchronous store before it, which held nothing open between calls.
 */

/**
 * Appends accepted in one turn are sent together at the end of the turn, or as soon as this
 * many are queued: the writer then starts on the first ones (checks, hashing, inserts, fsync)
 * while this thread is still preparing the rest of a large burst, instead of the two threads
 * taking turns. With 64 writers appending in lockstep this measured ~10% more appends per
 * second; such a burst then takes about two transactions instead of one.
 */
export const FLUSH_AT = 16;

/** The writer thread failed; the store cannot write any more. */
export class WriterThreadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WriterThreadError';
  }
}

/** An event of an accepted append: what the writer gets, and what the result is rebuilt from. */
interface PreparedEvent {
  wire: WireEvent;
  data: JsonObject;
  metadata: EventMetadataInput;
}

interface PendingAppend {
  seq: number;
  streamName: string;
  expected: ExpectedRevision;
  events: PreparedEvent[];
  resolve(result: AppendResult): void;
  reject(error: Error): void;
}

/** Reads the caller's events into JSON now, as the in-thread store did when it wrote them. */
function prepareEvent(event: NewEvent): PreparedEvent {
  const dataJson = JSON.stringify(event.data);
  const metadataJson = JSON.stringify(hashedMetadata(event.metadata));
  return {
    wire: { id: event.id, type: event.type, dataJson, metadataJson },
    data: JSON.parse(dataJson) as JsonObject,
    metadata: JSON.parse(metadataJson) as EventMetadataInput,
  };
}

/** The recorded events, as readStream will return them (same fields, same metadata keys). */
function recordedEvents(append: PendingAppend, result: Extract<WireAppendResult, { ok: true }>): RecordedEvent[] {
  const firstRevision = result.nextExpectedRevision - append.events.length + 1;
  let prevHash = result.prevHash;
  return append.events.map((event, i) => {
    const hash = result.hashes[i]!;
    const metadata: EventMetadata = { ...event.metadata, prevHash, hash };
    prevHash = hash;
    return {
      id: event.wire.id,
      streamName: append.streamName,
      type: event.wire.type,
      revision: firstRevision + i,
      position: result.positions[i]!,
      data: event.data,
      metadata,
    };
  });
}

export interface WriterThreadOptions {
  filename: string;
  /** After every transaction that wrote events, with its appends in commit order, in the same
   * turn as their promises settle (before any code awaiting them runs). */
  onCommitted(appends: CommittedAppend[]): void;
  /** Once, when the thread failed (never after a clean close). */
  onFailed(error: WriterThreadError): void;
}

export class SqliteWriterThread {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private readonly counters: GroupCommitStats = { appends: 0, events: 0, rejected: 0, commits: 0, largestBatch: 0 };
  /** Accepted, not yet sent. */
  private queue: PendingAppend[] = [];
  /** Sent, not yet answered. */
  private readonly inFlight = new Map<number, PendingAppend>();
  private nextSeq = 1;
  private flushScheduled = false;
  private referenced = false;
  private closing: Promise<void> | undefined;
  private closeRequested = false;
  private closedCleanly = false;
  private failure: WriterThreadError | undefined;

  constructor(private readonly options: WriterThreadOptions) {
    const data: Omit<WriterThreadData, keyof ModuleWorkerData> = { filename: options.filename };
    this.worker = startModuleWorker(__dirname, 'sqlite-writer-worker', 'runWriterThread', data, (message: FromWriter) => this.onMessage(message));
    this.worker.on('messageerror', (error) => this.fail(new WriterThreadError(`SQLite event store writer thread: unreadable message (${error.message})`, { cause: error })));
    this.worker.on('error', (error) => this.fail(new WriterThreadError(`SQLite event store writer thread failed: ${error.message}`, { cause: error })));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.closedCleanly) this.fail(new WriterThreadError(`SQLite event store writer thread exited unexpectedly (exit code ${code})`));
        resolve();
      });
    });
  }

  /** The error the thread failed with, if it did. */
  get failed(): WriterThreadError | undefined {
    return this.failure;
  }

  /** The Worker, for tests that need to make it fail. */
  get thread(): Worker {
    return this.worker;
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  append(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.failure) return Promise.reject(this.failure);
    let prepared: PreparedEvent[];
    try {
      prepared = events.map(prepareEvent);
    } catch (error) {
      this.counters.rejected++;
      return Promise.reject(toError(error));
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ seq: this.nextSeq++, streamName, expected, events: prepared, resolve, reject });
      this.updateRef();
      if (this.queue.length >= FLUSH_AT) {
        this.flush();
        return;
      }
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Sends what is queued, answers what the writer committed, then ends the thread. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closeRequested = true;
    this.updateRef();
    if (this.failure) {
      await this.worker.terminate();
    } else {
      this.flush();
      this.post({ kind: 'close' });
    }
    await this.exited;
  }

  private post(message: ToWriter): void {
    this.worker.postMessage(message);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0 || this.failure) return;
    const batch = this.queue;
    this.queue = [];
    const appends: WireAppend[] = batch.map((p) => ({ seq: p.seq, streamName: p.streamName, expected: p.expected, events: p.events.map((e) => e.wire) }));
    for (const p of batch) this.inFlight.set(p.seq, p);
    try {
      this.post({ kind: 'append', appends });
    } catch (error) {
      // Could not be sent (e.g. an expected revision that cannot be cloned): nothing was written.
      for (const p of batch) {
        this.inFlight.delete(p.seq);
        this.counters.rejected++;
        p.reject(toError(error));
      }
      this.updateRef();
    }
  }

  private onMessage(message: FromWriter): void {
    if (message.kind === 'closed') {
      this.closedCleanly = true;
      return;
    }
    const committed: CommittedAppend[] = [];
    for (const result of message.results) {
      const pending = this.inFlight.get(result.seq);
      if (!pending) continue;
      this.inFlight.delete(result.seq);
      if (result.ok) {
        this.counters.appends++;
        this.counters.events += pending.events.length;
        const events = recordedEvents(pending, result);
        committed.push({ events, dataJson: pending.events.map((e) => e.wire.dataJson) });
        pending.resolve({ nextExpectedRevision: result.nextExpectedRevision, position: result.position, events });
      } else {
        this.counters.rejected++;
        pending.reject(fromWireError(result.error));
      }
    }
    if (message.wrote) {
      this.counters.commits++;
      this.counters.largestBatch = Math.max(this.counters.largestBatch, message.results.length);
      this.options.onCommitted(committed);
    }
    this.updateRef();
  }

  private fail(error: WriterThreadError): void {
    if (this.failure || this.closedCleanly) return;
    this.failure = error;
    const pending = [...this.inFlight.values(), ...this.queue];
    this.inFlight.clear();
    this.queue = [];
    for (const p of pending) p.reject(error);
    this.updateRef();
    this.options.onFailed(error);
  }

  /** Keeps the process alive while appends are pending or a close is under way. */
  private updateRef(): void {
    const wanted = !this.failure && (this.closeRequested || this.queue.length > 0 || this.inFlight.size > 0);
    if (wanted === this.referenced) return;
    this.referenced = wanted;
    if (wanted) this.worker.ref();
    else this.worker.unref();
  }
}
