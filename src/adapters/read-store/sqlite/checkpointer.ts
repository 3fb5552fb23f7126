import type { Worker } from 'node:worker_threads';
import { startModuleWorker, type ModuleWorkerData } from '../../module-worker';

/**
 * WAL checkpoints of the read-model file on a thread of their own (checkpointer-worker.ts).
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses ~4 MB of WAL: on the main
 * thread, it copies every page the WAL holds into the database file and syncs both, while requests
 * wait. Live, each projection batch writes the pages of every index its documents touch, so that
 * happened every few dozen ticket creates; with it moved here (automatic checkpoints off on the
 * main connection) creates on a 20,000-ticket log went from 258–337 to 329–427 req/s in three
 * paired runs, p99 from 164–448 to 143–164 ms (docs/benchmarks-history.md).
 *
 * Every `intervalMs`, unless paused (bulk mode, whose commits keep SQLite's own checkpoints: they
 * do not sync and nobody waits for them), the thread runs a PASSIVE checkpoint: what no reader
 * still needs is copied, nothing waits for the main connection, and the next write after a
 * complete checkpoint starts the WAL again from its beginning. If the thread fails, `onFailed`
 * lets the store turn automatic checkpoints back on, so the WAL never grows without bound.
 *
 * Under a write load that never pauses for as long as a checkpoint takes (measured: comments at
 * ~900/s, a commit every ~15 ms, each PASSIVE checkpoint 50–150 ms), every checkpoint completes
 * but a commit always lands before the next write could start the WAL again, so the WAL file
 * keeps growing (840 MB in 8 s of that load). The store's `journal_size_limit` cuts the file
 * back at the next restart; and a file still larger than that limit once the WAL has been quiet
 * for a whole interval (nothing committed since the last checkpoint, which copied everything) is
 * truncated here (TRUNCATE, not waiting for the main connection: it gives up if that connection is
 * reading or writing, and tries again at the next quiet interval). Forcing the restart under the
 * load instead would hold the main thread for the checkpoint's sync (72–190 ms measured).
 */

export interface CheckpointerData extends ModuleWorkerData {
  filename: string;
  /** A WAL file larger than this is truncated once the WAL is quiet and fully checkpointed. */
  walSizeLimitBytes: number;
}

export type ToCheckpointer = { kind: 'checkpoint' } | { kind: 'close' };

export type FromCheckpointer =
  | { kind: 'checkpointed'; busy: boolean; walFrames: number; checkpointedFrames: number; truncated: boolean }
  | { kind: 'failed'; message: string };

export type CheckpointResult = Extract<FromCheckpointer, { kind: 'checkpointed' }>;

export interface CheckpointerOptions {
  intervalMs: number;
  walSizeLimitBytes: number;
  /** True while checkpoints are left to SQLite (bulk mode). */
  paused(): boolean;
  /** Once, when the thread failed. */
  onFailed(error: Error): void;
  /** After each checkpoint (tests). */
  onCheckpoint?(result: CheckpointResult): void;
}

export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private readonly exited: Promise<void>;
  private readonly waiting: Array<{ resolve(r: CheckpointResult): void; reject(e: Error): void }> = [];
  private closing = false;
  private failure: Error | null = null;

  constructor(filename: string, private readonly options: CheckpointerOptions) {
    this.worker = startModuleWorker<Omit<CheckpointerData, keyof ModuleWorkerData>, FromCheckpointer>(
      __dirname,
      'checkpointer-worker',
      'runCheckpointer',
      { filename, walSizeLimitBytes: options.walSizeLimitBytes },
      (m) => this.answer(m),
    );
    this.worker.on('error', (e) => this.fail(e));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        if (!this.closing) this.fail(new Error(`read store checkpointer exited unexpectedly (exit code ${code})`));
        resolve();
      }),
    );
    this.timer = setInterval(() => {
      if (this.waiting.length === 0 && !this.options.paused()) this.checkpoint().catch(() => undefined);
    }, options.intervalMs);
    this.timer.unref();
  }

  /** Runs a PASSIVE checkpoint on the thread now. */
  checkpoint(): Promise<CheckpointResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('The read store checkpointer is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage({ kind: 'checkpoint' } satisfies ToCheckpointer);
    });
  }

  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    clearInterval(this.timer);
    if (this.failure) {
      await this.worker.terminate();
    } else {
      this.worker.ref();
      this.worker.postMessage({ kind: 'close' } satisfies ToCheckpointer);
    }
    await this.exited;
    for (const w of this.waiting.splice(0)) w.reject(new Error('The read store checkpointer closed'));
  }

  private answer(m: FromCheckpointer): void {
    const w = this.waiting.shift();
    if (m.kind === 'failed') {
      w?.reject(new Error(`read store checkpoint failed: ${m.message}`));
      return;
    }
    this.options.onCheckpoint?.(m);
    w?.resolve(m);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    clearInterval(this.timer);
    for (const w of this.waiting.splice(0)) w.reject(error);
    this.options.onFailed(error);
  }
}
