import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { GroupCommitWriter, MAX_APPENDS_PER_COMMIT } from './sqlite-group-commit';
import { openEventDatabase } from './sqlite-schema';
import { prepareStatements } from './sqlite-statements';
import type { FromWriter, ToWriter, WireAppend, WriterThreadData } from './sqlite-writer-protocol';

/**
 * After answering a transaction with nothing left to commit, the thread polls for the next
 * message this long before it goes back to sleep in its event loop. A caller that appends again
 * as soon as its append resolved (a sequential writer, the next request) usually does so within
 * this time, and finds the thread awake: on the 2-vCPU VM this was measured on, a message to
 * the sleeping thread took ~30 µs to arrive, to the polling one ~10 µs, against a COMMIT of
 * ~150 µs (a sequential writer gained ~10%). Bounded, so an idle store costs nothing and a busy
 * one at most this much CPU per transaction on the writer's core.
 */
export const IDLE_SPIN_NS = 100_000n;

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
 * posted after its COMMIT returned; if nothing is waiting then, the thread polls for a moment
 * (IDLE_SPIN_NS) before it sleeps. On 'close' (the main thread's last message) the queue is
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

  /** Polls for the next message for up to IDLE_SPIN_NS. */
  const spinForMore = (): void => {
    const until = process.hrtime.bigint() + IDLE_SPIN_NS;
    while (!closeRequested && queue.length === 0 && process.hrtime.bigint() < until) takeWaiting();
  };

  port.on('message', (message: ToWriter) => {
    take(message);
    // Commit what has arrived; what arrives during a COMMIT goes into the next transaction.
    takeWaiting();
    while (queue.length > 0) {
      const outcome = writer.commit(queue.splice(0, MAX_APPENDS_PER_COMMIT));
      post({ kind: 'committed', results: outcome.results, wrote: outcome.wrote });
      takeWaiting();
      if (queue.length === 0) spinForMore();
    }
    if (closeRequested) {
      db.close();
      post({ kind: 'closed' });
      port.close();
    }
  });
}
