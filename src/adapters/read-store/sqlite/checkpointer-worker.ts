import Database from 'better-sqlite3';
import type { MessagePort } from 'node:worker_threads';
import type { CheckpointerData, FromCheckpointer, ToCheckpointer } from './checkpointer';

/**
 * The read store's checkpointer thread (started by checkpointer.ts; importing this starts
 * nothing): its own connection to the read-model file, on which each 'checkpoint' message runs a
 * PASSIVE WAL checkpoint (copies the committed frames no reader still needs into the database
 * file, syncing as `synchronous=NORMAL` does, and never waits for the main thread's connection).
 */
export function runCheckpointer(port: MessagePort, data: CheckpointerData): void {
  const db = new Database(data.filename);
  db.pragma('synchronous = NORMAL');
  port.on('message', (message: ToCheckpointer) => {
    if (message.kind === 'close') {
      db.close();
      port.close();
      return;
    }
    let answer: FromCheckpointer;
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      answer = { kind: 'checkpointed', busy: r!.busy === 1, walFrames: r!.log, checkpointedFrames: r!.checkpointed };
    } catch (error) {
      answer = { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer);
  });
}
