import type { MessagePort } from 'node:worker_threads';
import { GroupCommitWriter, MAX_APPENDS_PER_COMMIT } from './sqlite-group-commit';
import { openEventDatabase } from './sqlite-schema';
import { prepareStatements } from './sqlite-statements';
import type { FromWriter, ToWriter, WireAppend, WriterThreadData } from './sqlite-writer-protocol';

/**
 * The SQLite event store's writer thread: owns the write connection and runs the group
 * commits, so COMMIT and its fsync never block the main thread's event loop.
 *
 * Started by sqlite-writer-thread.ts (which documents how this module is loaded); importing
 * it starts nothing. Appends arrive in 'append' messages, in the order the store accepted
 * them. They are queued and committed on the next turn of this thread's loop: all the appends
 * that arrived meanwhile (for instance while the previous COMMIT was fsyncing) go into one
 * transaction, at most MAX_APPENDS_PER_COMMIT at a time. Each transaction's answers are posted
 * after its COMMIT returned. On 'close' the queue is committed, the connection closed, 'closed'
 * posted, and the thread ends.
 *
 * A message this module does not know is a bug in the store: it throws, which ends the thread,
 * and the store rejects every pending and later call with that error.
 */
export function runWriterThread(port: MessagePort, data: WriterThreadData): void {
  const db = openEventDatabase(data.filename);
  const writer = new GroupCommitWriter(db, prepareStatements(db));
  const queue: WireAppend[] = [];
  let scheduled = false;

  const post = (message: FromWriter): void => port.postMessage(message);

  const commitNext = (): void => {
    const outcome = writer.commit(queue.splice(0, MAX_APPENDS_PER_COMMIT));
    post({ kind: 'committed', results: outcome.results, wrote: outcome.wrote });
  };

  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (queue.length === 0) return;
      commitNext();
      // More than one transaction's worth was queued: commit the rest on a later turn.
      if (queue.length > 0) schedule();
    });
  };

  port.on('message', (message: ToWriter) => {
    switch (message.kind) {
      case 'append':
        for (const append of message.appends) queue.push(append);
        schedule();
        return;
      case 'close':
        while (queue.length > 0) commitNext();
        db.close();
        post({ kind: 'closed' });
        port.close();
        return;
      default:
        throw new Error(`SQLite writer thread: unknown message ${JSON.stringify(message)}`);
    }
  });
}
