import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import type { CheckpointerData, FromCheckpointer, ToCheckpointer } from './checkpointer';

/**
 * The read store's checkpointer thread (started by checkpointer.ts; importing this starts
 * nothing): its own connection to the read-model file, on which each 'checkpoint' message runs a
 * PASSIVE WAL checkpoint (copies the committed frames no reader still needs into the database
 * file, syncing as `synchronous=NORMAL` does, and never waits for the main thread's connection),
 * and a WAL file left larger than the limit is truncated once the WAL is quiet (checkpointer.ts).
 */
export function runCheckpointer(port: MessagePort, data: CheckpointerData): void {
  // Never waits for a lock: a TRUNCATE that finds the main connection busy gives up at once.
  const db = new Database(data.filename, { timeout: 0 });
  db.pragma('synchronous = NORMAL');
  let lastFrames = -1;
  const walFileSize = (): number => {
    try {
      return statSync(`${data.filename}-wal`).size;
    } catch {
      return 0;
    }
  };
  port.on('message', (message: ToCheckpointer) => {
    if (message.kind === 'close') {
      db.close();
      port.close();
      return;
    }
    let answer: FromCheckpointer;
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Checkpointed[];
      // Quiet: the last checkpoint saw as many frames and nothing was committed since.
      const quiet = r!.log > 0 && r!.log === lastFrames && r!.checkpointed === r!.log;
      lastFrames = r!.log;
      let truncated = false;
      if (quiet && walFileSize() > data.walSizeLimitBytes) {
        // A busy main connection is answered with busy = 1 (tried again when next quiet).
        const [t] = db.pragma('wal_checkpoint(TRUNCATE)') as Checkpointed[];
        truncated = t!.busy === 0;
        if (truncated) lastFrames = 0;
      }
      answer = { kind: 'checkpointed', busy: r!.busy === 1, walFrames: r!.log, checkpointedFrames: r!.checkpointed, truncated };
    } catch (error) {
      answer = { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer);
  });
}

interface Checkpointed {
  busy: number;
  log: number;
  checkpointed: number;
}
