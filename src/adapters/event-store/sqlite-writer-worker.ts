import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { GroupCommitWriter, MAX_APPENDS_PER_COMMIT } from './sqlite-group-commit';
import { openEventDatabase } from './sqlite-schema';
import { prepareStatements } from './sqlite-statements';
import type { FromWriter, ToWriter, WireAppend, WriterThreadData } from './sqlite-writer-protocol';

/**
 * The SQLite event store's writer thread: owns the write connection and runs the group
 * commits, so COMMIT and its fsync never block the main thread's event loop.
 *
 * Started by sqlite-writer-thread.ts (which documents how this module is loaded); importing
 * it starts nothing. Appends arrive in 'append' messages (one per turn of the main thread's
 * loop), in the order the store accepted them. When one arrives, the thread also takes every
 * message already waiting (receiveMessageOnPort) and commits them all in one transaction, at
 * most MAX_APPENDS_PER_COMMIT appends at a time; what arrives during that COMMIT (and its
 * fsync) is taken right after it, into the next transaction. Each transaction's answers are
 * posted after its COMMIT returned. On 'close' (the main thread's last message) the queue is
 * committed, the connection closed, 'closed' posted, and the thread ends.
 *
 * A message this module does not know is a bug in the store: it throws, which ends the thread,
 * and the store rejects every pending and later call with that error.
 */
export function runWriterThread(port: MessagePort, data: WriterThreadData): void {
  const db = openEventDatabase(data.filename);
  const writer = new GroupCommitWriter(db, prepareStatements(db));
  const queue: WireAppend[] = [];
  let closeRequested = false;

  const post = (message: FromWriter): void => port.postMessage(message);

  const take = (message: ToWriter): void => {
    switch (message.kind) {
      case 'append':
        for (const append of message.appends) queue.push(append);
        return;
      case 'close':
        closeRequested = true;
        return;
      default:
        throw new Error(`SQLite writer thread: unknown message ${JSON.stringify(message)}`);
    }
  };

  /** Takes the messages already waiting, without going back to the event loop. */
  const takeWaiting = (): void => {
    while (!closeRequested && queue.length < MAX_APPENDS_PER_COMMIT) {
      const waiting = receiveMessageOnPort(port);
      if (!waiting) return;
      take(waiting.message as ToWriter);
    }
  };

  port.on('message', (message: ToWriter) => {
    take(message);
    // Commit what has arrived; what arrives during a COMMIT goes into the next transaction.
    for (takeWaiting(); queue.length > 0; takeWaiting()) {
      const outcome = writer.commit(queue.splice(0, MAX_APPENDS_PER_COMMIT));
      post({ kind: 'committed', results: outcome.results, wrote: outcome.wrote });
    }
    if (closeRequested) {
      db.close();
      post({ kind: 'closed' });
      port.close();
    }
  });
}
