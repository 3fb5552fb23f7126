import Database from 'better-sqlite3';
import type { RecordedEvent } from '../../ports/event-store';
import { newEvent, tempEventStoreFile } from '../../../test/support/sqlite-event-store';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite';

describe('the SQLite event store answers reads that follow its own commits from memory', () => {
  let temp: ReturnType<typeof tempEventStoreFile>;
  let filename: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    temp = tempEventStoreFile('committed-cache-');
    filename = temp.filename;
  });

  afterEach(async () => {
    await store.close();
    temp.remove();
  });

  it('reads a stream from the file once after a restart, then from memory, following new appends', async () => {
    store = openSqliteEventStore({ filename });
    await store.appendToStream('invoice-1', [newEvent('Issued', { amount: 1000 }), newEvent('Sent')]);
    await store.close();

    store = openSqliteEventStore({ filename });
    const first = await store.readStream('invoice-1', { cached: true });
    expect(store.stats().reads).toEqual({ memory: 0, file: 1, reader: 1 });
    await store.appendToStream('invoice-1', [newEvent('Paid', { amount: 1000 })], { expectedRevision: 1 });
    const second = await store.readStream('invoice-1', { cached: true });
    expect(store.stats().reads).toEqual({ memory: 1, file: 1, reader: 1 });

    expect(second.map((e) => e.type)).toEqual(['Issued', 'Sent', 'Paid']);
    expect(second.slice(0, 2)).toEqual(first);
    // The same events, field for field, as a read of the file.
    expect(second).toEqual(await store.readStream('invoice-1'));
    // Every reader gets its own objects.
    expect(second[0]!.data).not.toBe((await store.readStream('invoice-1', { cached: true }))[0]!.data);
  });

  it('holds a stream after a cached read of its first revisions (as a ticket history reads), and answers that read alone', async () => {
    store = openSqliteEventStore({ filename });
    await store.appendToStream('ticket-1', [newEvent('Opened'), newEvent('Assigned'), newEvent('Noted')]);
    await store.close();

    store = openSqliteEventStore({ filename });
    expect((await store.readStream('ticket-1', { cached: true, maxCount: 2 })).map((e) => e.type)).toEqual(['Opened', 'Assigned']);
    expect((await store.readStream('ticket-1', { cached: true, maxCount: 3 })).map((e) => e.type)).toEqual(['Opened', 'Assigned', 'Noted']);
    expect(store.stats().reads).toEqual({ memory: 1, file: 1, reader: 1 });
  });

  it('delivers to subscriptions from memory what a read of the file gives, also past the size it keeps', async () => {
    store = openSqliteEventStore({ filename, committedCache: { recentEvents: 4, streamEvents: 100, eventsPerStream: 10 } });
    await store.appendToStream('before-1', [newEvent('Old', { n: 0 })]);
    const live: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ fromPosition: 0 }, { onEvents: (events) => void live.push(...events) });
    for (let i = 1; i <= 30; i++) await store.appendToStream(`s-${i % 3}`, [newEvent('New', { n: i }), newEvent('Also', { n: i })]);
    // A second subscriber that starts late reads the older part from the file.
    const late: RecordedEvent[] = [];
    const lateSubscription = store.subscribeToAll({ fromPosition: 0, eventTypes: ['Also'] }, { onEvents: (events) => void late.push(...events) });
    const head = await store.headPosition();
    while (live.at(-1)?.position !== head || late.at(-1)?.position !== head) await new Promise((r) => setImmediate(r));
    await subscription.stop();
    await lateSubscription.stop();

    const all = await store.readAll({});
    expect(live).toEqual(all);
    expect(late).toEqual(all.filter((e) => e.type === 'Also'));
    expect(store.stats().reads.memory).toBeGreaterThan(0);
    expect(store.stats().reads.file).toBeGreaterThan(0);
  });

  it('answers a cached read of what follows the revision it last wrote with nothing, without the file', async () => {
    // Streams longer than it holds whole (a ticket with many comments): only their heads are known.
    store = openSqliteEventStore({ filename, committedCache: { recentEvents: 4, streamEvents: 100, eventsPerStream: 2 } });
    await store.appendToStream('ticket-1', [newEvent('Opened'), newEvent('Assigned'), newEvent('Noted')]);
    const before = store.stats().reads;
    expect(await store.readStream('ticket-1', { cached: true, fromRevision: 3 })).toEqual([]);
    expect(store.stats().reads).toEqual({ memory: before.memory + 1, file: before.file, reader: before.reader });
    // What it did not write last, and reads without `cached`, come from the file.
    expect((await store.readStream('ticket-1', { cached: true, fromRevision: 2 })).map((e) => e.type)).toEqual(['Noted']);
    expect(await store.readStream('ticket-1', { fromRevision: 3 })).toEqual([]);
    expect(store.stats().reads).toEqual({ memory: before.memory + 1, file: before.file + 2, reader: before.reader + 2 });
    await store.appendToStream('ticket-1', [newEvent('Commented')], { expectedRevision: 2 });
    expect((await store.readStream('ticket-1', { cached: true, fromRevision: 3 })).map((e) => e.type)).toEqual(['Commented']);
  });

  it('reads without `cached` (audits) see the file, even when it was changed behind the store', async () => {
    store = openSqliteEventStore({ filename });
    await store.appendToStream('asset-1', [newEvent('A', { v: 1 })]);
    expect((await store.readStream('asset-1', { cached: true }))[0]!.data).toEqual({ v: 1 });
    const raw = new Database(filename);
    try {
      raw.prepare("UPDATE events SET data = '{\"v\":2}' WHERE stream = 'asset-1'").run();
    } finally {
      raw.close();
    }
    expect((await store.readStream('asset-1'))[0]!.data).toEqual({ v: 2 });
    expect((await store.readStream('asset-1', { cached: true }))[0]!.data).toEqual({ v: 1 });
  });
});
