import Database from 'better-sqlite3';
import { newEvent, tempEventStoreFile } from '../../../test/support/sqlite-event-store';
import { openSqliteEventStore, streamReaderThreadOf, type SqliteEventStore, type StreamRowReader } from './sqlite';
import { prepareStatements, type EventRow } from './sqlite-statements';
import type { StreamRead } from './sqlite-stream-reader';

/**
 * Stream reads the store's memory cannot answer run on a reader thread of their own, so that a
 * read waiting for the disk does not hold up the main thread's event loop (sqlite-stream-reader.ts).
 */
describe('the SQLite event store reads streams from the file on a reader thread', () => {
  let temp: ReturnType<typeof tempEventStoreFile>;
  let store: SqliteEventStore;

  beforeEach(async () => {
    temp = tempEventStoreFile('stream-reader-');
    store = openSqliteEventStore({ filename: temp.filename });
    await store.appendToStream('ticket-1', [newEvent('Opened', { n: 1 }), newEvent('Assigned'), newEvent('Noted')]);
    await store.close();
  });

  afterEach(async () => {
    await store.close();
    temp.remove();
  });

  it('answers a read of a stream it does not hold on the reader thread, the same events as in one thread', async () => {
    store = openSqliteEventStore({ filename: temp.filename });
    const onThread = await store.readStream('ticket-1', { cached: true });
    expect(store.stats().reads).toEqual({ memory: 0, file: 1, reader: 1 });
    const backwards = await store.readStream('ticket-1', { direction: 'backwards', maxCount: 2 });
    expect(store.stats().reads.reader).toBe(2);

    const inThread = openSqliteEventStore({ filename: temp.filename, streamReader: false });
    try {
      expect(await inThread.readStream('ticket-1')).toEqual(onThread);
      expect(await inThread.readStream('ticket-1', { direction: 'backwards', maxCount: 2 })).toEqual(backwards);
      expect(inThread.stats().reads).toEqual({ memory: 0, file: 2, reader: 0 });
    } finally {
      await inThread.close();
    }
    expect(onThread.map((e) => e.type)).toEqual(['Opened', 'Assigned', 'Noted']);
    expect(backwards.map((e) => e.type)).toEqual(['Noted', 'Assigned']);
  });

  it('sees an append that resolved before the read was asked for', async () => {
    store = openSqliteEventStore({ filename: temp.filename, committedCache: { recentEvents: 0, streamEvents: 0, eventsPerStream: 0 } });
    for (let i = 0; i < 20; i++) {
      await store.appendToStream('ticket-1', [newEvent('Commented', { i })], { expectedRevision: 2 + i });
      const read = await store.readStream('ticket-1', { fromRevision: 3 + i });
      expect(read.map((e) => e.data)).toEqual([{ i }]);
    }
    expect(store.stats().reads.reader).toBe(20);
  });

  it('starts its thread at the first read that memory cannot answer', async () => {
    store = openSqliteEventStore({ filename: temp.filename });
    await store.appendToStream('ticket-2', [newEvent('Opened')]);
    expect(await store.readStream('ticket-2', { cached: true })).toHaveLength(1);
    expect(streamReaderThreadOf(store)).toBeUndefined();
    await store.readStream('ticket-1');
    expect(streamReaderThreadOf(store)).toBeDefined();
    expect(store.stats().reads).toEqual({ memory: 1, file: 1, reader: 1 });
  });

  it('reads on its own connection once the reader thread has failed', async () => {
    store = openSqliteEventStore({ filename: temp.filename });
    await store.readStream('ticket-1', { fromRevision: 2 });
    const thread = streamReaderThreadOf(store)!;
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    await thread.terminate();
    await exited;

    expect((await store.readStream('ticket-1')).map((e) => e.type)).toEqual(['Opened', 'Assigned', 'Noted']);
    expect(store.stats().reads).toEqual({ memory: 0, file: 2, reader: 1 });
    // Writes do not depend on it.
    await store.appendToStream('ticket-1', [newEvent('Closed')], { expectedRevision: 2 });
    expect((await store.readStream('ticket-1', { fromRevision: 3 })).map((e) => e.type)).toEqual(['Closed']);
  });

  it('answers the reads in flight before it closes', async () => {
    store = openSqliteEventStore({ filename: temp.filename });
    const reads = Array.from({ length: 5 }, () => store.readStream('ticket-1'));
    await store.close();
    for (const read of await Promise.all(reads)) expect(read).toHaveLength(3);
  });

  it('does not hold a whole stream it read while a commit to that stream came in', async () => {
    // A reader that takes its snapshot when asked and answers when the test lets it: the first
    // whole read then reports the stream as it was before an append that resolves meanwhile.
    const gate = new GatedReader(temp.filename);
    store = openSqliteEventStore({ filename: temp.filename, streamReader: gate });

    const away = store.readStream('ticket-1', { cached: true });
    await gate.asked;
    await store.appendToStream('ticket-1', [newEvent('Closed')], { expectedRevision: 2 });
    gate.open();
    // Asked before the append resolved: either answer is right, this one is the older snapshot.
    expect((await away).map((e) => e.type)).toEqual(['Opened', 'Assigned', 'Noted']);

    // What the store holds afterwards must include the append.
    expect((await store.readStream('ticket-1', { cached: true })).map((e) => e.type)).toEqual(['Opened', 'Assigned', 'Noted', 'Closed']);
    expect((await store.readStream('ticket-1', { cached: true })).map((e) => e.type)).toEqual(['Opened', 'Assigned', 'Noted', 'Closed']);
  });
});

/** Reads on a connection of its own when asked; the first read's answer waits for open(). */
class GatedReader implements StreamRowReader {
  readonly failed = undefined;
  readonly asked: Promise<void>;
  private readonly db: Database.Database;
  private release: () => void = () => undefined;
  private noteAsked: () => void = () => undefined;
  private gated = true;

  constructor(filename: string) {
    this.db = new Database(filename, { readonly: true });
    this.asked = new Promise((resolve) => (this.noteAsked = resolve));
  }

  async read(read: StreamRead): Promise<EventRow[]> {
    const s = prepareStatements(this.db);
    const rows = read.forwards ? s.streamForwards.all(read.stream, read.from, read.limit) : s.streamBackwards.all(read.stream, read.from, read.limit);
    if (this.gated) {
      this.gated = false;
      this.noteAsked();
      await new Promise<void>((resolve) => (this.release = resolve));
    }
    return rows;
  }

  open(): void {
    this.release();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
