import type { Worker } from 'node:worker_threads';
import { startModuleWorker, type ModuleWorkerData } from '../module-worker';
import type { EventRow } from './sqlite-statements';

/**
 * The main thread's side of the stream reader thread (sqlite-stream-reader-worker.ts).
 *
 * `read` sends one stream read and resolves with its rows. Reads are answered in the order they
 * were sent, one at a time. If the thread fails (it threw, exited, or a message could not be
 * read), `failed` is set, every read in flight and every later one rejects, and the store reads
 * on its own connection instead (sqlite.ts). The thread keeps the process alive only while reads
 * are in flight or a close is under way.
 */

/** Main thread to reader. */
export type ToStreamReader =
  | { kind: 'read'; seq: number; stream: string; from: number; limit: number; forwards: boolean }
  | { kind: 'close' };

/** Reader to main thread. */
export type FromStreamReader =
  | { kind: 'rows'; seq: number; rows: EventRow[] }
  | { kind: 'failed'; seq: number; message: string }
  | { kind: 'closed' };

export interface StreamReaderData extends ModuleWorkerData {
  filename: string;
  /** The reader connection's page cache, in MB. */
  cacheMb: number;
}

export interface StreamRead {
  stream: string;
  from: number;
  /** SQLite's LIMIT: -1 for none. */
  limit: number;
  forwards: boolean;
}

interface Pending {
  resolve(rows: EventRow[]): void;
  reject(error: Error): void;
}

export class StreamReaderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamReaderError';
  }
}

export class SqliteStreamReader {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private readonly inFlight = new Map<number, Pending>();
  private nextSeq = 1;
  private referenced = false;
  private closing: Promise<void> | undefined;
  private closeRequested = false;
  private closedCleanly = false;
  private failure: StreamReaderError | undefined;

  constructor(filename: string, cacheMb = 16) {
    const data: Omit<StreamReaderData, keyof ModuleWorkerData> = { filename, cacheMb };
    this.worker = startModuleWorker(__dirname, 'sqlite-stream-reader-worker', 'runStreamReaderThread', data, (message: FromStreamReader) => this.onMessage(message));
    this.worker.on('messageerror', (error) => this.fail(new StreamReaderError(`SQLite stream reader thread: unreadable message (${error.message})`, { cause: error })));
    this.worker.on('error', (error) => this.fail(new StreamReaderError(`SQLite stream reader thread failed: ${error.message}`, { cause: error })));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.closedCleanly) this.fail(new StreamReaderError(`SQLite stream reader thread exited unexpectedly (exit code ${code})`));
        resolve();
      });
    });
  }

  /** The error the thread failed with, if it did. */
  get failed(): StreamReaderError | undefined {
    return this.failure;
  }

  /** The Worker, for tests that need to make it fail. */
  get thread(): Worker {
    return this.worker;
  }

  read(request: StreamRead): Promise<EventRow[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closeRequested) return Promise.reject(new StreamReaderError('SQLite stream reader thread: closed'));
    const seq = this.nextSeq++;
    return new Promise<EventRow[]>((resolve, reject) => {
      this.inFlight.set(seq, { resolve, reject });
      this.updateRef();
      this.worker.postMessage({ kind: 'read', seq, ...request } satisfies ToStreamReader);
    });
  }

  /** Answers the reads in flight, then ends the thread. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closeRequested = true;
      this.updateRef();
      if (this.failure) await this.worker.terminate();
      else this.worker.postMessage({ kind: 'close' } satisfies ToStreamReader);
      await this.exited;
    })();
    return this.closing;
  }

  private onMessage(message: FromStreamReader): void {
    if (message.kind === 'closed') {
      this.closedCleanly = true;
      return;
    }
    const pending = this.inFlight.get(message.seq);
    if (pending === undefined) return;
    this.inFlight.delete(message.seq);
    if (message.kind === 'rows') pending.resolve(message.rows);
    else pending.reject(new StreamReaderError(`SQLite stream reader thread: ${message.message}`));
    this.updateRef();
  }

  private fail(error: StreamReaderError): void {
    if (this.failure || this.closedCleanly) return;
    this.failure = error;
    const pending = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const p of pending) p.reject(error);
    this.updateRef();
  }

  private updateRef(): void {
    const wanted = !this.failure && (this.closeRequested || this.inFlight.size > 0);
    if (wanted === this.referenced) return;
    this.referenced = wanted;
    if (wanted) this.worker.ref();
    else this.worker.unref();
  }
}
