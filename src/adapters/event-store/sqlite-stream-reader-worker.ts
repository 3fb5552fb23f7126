import Database from 'better-sqlite3';
import type { MessagePort } from 'node:worker_threads';
import { prepareStatements } from './sqlite-statements';
import type { FromStreamReader, StreamReaderData, ToStreamReader } from './sqlite-stream-reader';

/**
 * The SQLite event store's stream reader thread: reads of a stream that memory does not hold
 * (a ticket's history at its first view, an aggregate's events at its first command) run here,
 * on a read-only connection of their own, so that when the file's pages are not in the OS page
 * cache it is this thread that waits for the disk, not the main thread's event loop.
 *
 * Started by sqlite-stream-reader.ts; importing it starts nothing. Each 'read' is one statement,
 * hence one WAL snapshot taken when the message is handled: after every commit the main thread
 * knew of when it sent the read. Rows go back as stored (JSON text): the main thread parses them.
 */
export function runStreamReaderThread(port: MessagePort, data: StreamReaderData): void {
  const db = new Database(data.filename, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = ${-1024 * data.cacheMb}`);
  const s = prepareStatements(db);
  const post = (message: FromStreamReader): void => port.postMessage(message);

  port.on('message', (message: ToStreamReader) => {
    if (message.kind === 'close') {
      db.close();
      post({ kind: 'closed' });
      port.close();
      return;
    }
    if (message.kind !== 'read') throw new Error(`SQLite stream reader thread: unknown message ${JSON.stringify(message)}`);
    const { seq, stream, from, limit, forwards } = message;
    try {
      const rows = forwards ? s.streamForwards.all(stream, from, limit) : s.streamBackwards.all(stream, from, limit);
      post({ kind: 'rows', seq, rows });
    } catch (error) {
      post({ kind: 'failed', seq, message: error instanceof Error ? error.message : String(error) });
    }
  });
}
