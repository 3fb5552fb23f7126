import Database from 'better-sqlite3';
import { WrongExpectedRevisionError, type AppendResult } from '../../ports/event-store';
import { verifyChain } from '../../ports/hash-chain';
import { StoreClosedError } from './local-record';
import { newEvent, tempEventStoreFile } from '../../../test/support/sqlite-event-store';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite';

/** Group commit: many appends share one transaction, yet each is checked and settles on its own. */

let temp: ReturnType<typeof tempEventStoreFile>;
let filename: string;
let store: SqliteEventStore;

beforeEach(() => {
  temp = tempEventStoreFile('event-store-group-');
  filename = temp.filename;
  store = openSqliteEventStore({ filename });
});

afterEach(async () => {
  await store.close();
  temp.remove();
});

describe('SQLite group commit', () => {
  it('commits concurrent appends together, fewer transactions than appends', async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => store.appendToStream(`writer-${i}`, [newEvent('Tick')], { expectedRevision: 'no_stream' })),
    );
    expect(results.map((r) => r.nextExpectedRevision)).toEqual(Array(64).fill(0));
    const stats = store.stats();
    expect(stats.appends).toBe(64);
    expect(stats.events).toBe(64);
    expect(stats.commits).toBe(1);
    expect(stats.largestBatch).toBe(64);
    expect(stats.headPosition).toBe(64);
  });

  it('checks each append of a batch in arrival order and rejects only the failing ones', async () => {
    const first = [newEvent('Opened'), newEvent('Noted')];
    const settled = await Promise.allSettled([
      store.appendToStream('s', first, { expectedRevision: 'no_stream' }),
      store.appendToStream('s', [newEvent('Again')], { expectedRevision: 'no_stream' }),
      store.appendToStream('s', [newEvent('Next')], { expectedRevision: 1 }),
      store.appendToStream('dup', [newEvent('Fine'), { ...newEvent('Copy'), id: first[0]!.id }]),
      store.appendToStream('bad', [newEvent('NotJson', { n: BigInt(1) })]),
      store.appendToStream('t', [newEvent('Other')], { expectedRevision: 'any' }),
    ]);
    const [opened, again, next, dup, bad, other] = settled;

    expect(opened.status).toBe('fulfilled');
    expect(again.status).toBe('rejected');
    expect((again as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((again as PromiseRejectedResult).reason).toMatchObject({ actual: 1 });
    expect((next as PromiseFulfilledResult<AppendResult>).value.nextExpectedRevision).toBe(2);
    expect(dup.status).toBe('rejected');
    expect(String((dup as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(bad.status).toBe('rejected');
    expect(other.status).toBe('fulfilled');

    expect(store.stats()).toMatchObject({ commits: 1, appends: 3, rejected: 3, events: 4 });
    const s = await store.readStream('s');
    expect(s.map((e) => e.type)).toEqual(['Opened', 'Noted', 'Next']);
    expect(verifyChain('s', s).valid).toBe(true);
    expect(await store.readStream('dup')).toEqual([]);
    expect(await store.readStream('bad')).toEqual([]);
    // Positions stay strictly increasing and the log holds exactly the committed events.
    const all = await store.readAll();
    expect(all.map((e) => e.type)).toEqual(['Opened', 'Noted', 'Next', 'Other']);
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((a, b) => a - b));
  });

  it('resolves an append only once its transaction is committed and visible to another connection', async () => {
    const seenByOther = await store.appendToStream('visible', [newEvent('Committed')]).then((result) => {
      const other = new Database(filename, { readonly: true });
      try {
        return other.prepare('SELECT id FROM events WHERE position = ?').pluck().get(result.position);
      } finally {
        other.close();
      }
    });
    expect(typeof seenByOther).toBe('string');
  });

  it('does not delay a lone sequential writer behind a timer', async () => {
    const started = Date.now();
    for (let i = 0; i < 20; i++) await store.appendToStream('solo', [newEvent('Tick')], { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
    expect(store.stats().commits).toBe(20);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects a lone failing append (its own transaction) without writing any of it, and goes on', async () => {
    const opened = newEvent('Opened');
    await store.appendToStream('lone', [opened], { expectedRevision: 'no_stream' });
    await expect(store.appendToStream('lone', [newEvent('Stale')], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      name: 'WrongExpectedRevisionError',
      actual: 0,
    });
    // The second event's id is taken: the first event of the same append must not stay behind.
    await expect(store.appendToStream('lone', [newEvent('Fine'), { ...newEvent('Copy'), id: opened.id }], { expectedRevision: 0 })).rejects.toThrow(
      /UNIQUE/,
    );
    const next = await store.appendToStream('lone', [newEvent('Next')], { expectedRevision: 0 });

    expect(next.nextExpectedRevision).toBe(1);
    expect(store.stats()).toMatchObject({ commits: 2, appends: 2, rejected: 2, largestBatch: 1 });
    const stream = await store.readStream('lone');
    expect(stream.map((e) => e.type)).toEqual(['Opened', 'Next']);
    expect(verifyChain('lone', stream).valid).toBe(true);
    expect((await store.readAll()).map((e) => e.type)).toEqual(['Opened', 'Next']);
  });

  it('commits appends already queued when it closes, then rejects new ones', async () => {
    const pending = store.appendToStream('late', [newEvent('Queued')]);
    await store.close();
    const result = await pending;
    expect(result.nextExpectedRevision).toBe(0);
    await expect(store.appendToStream('late', [newEvent('TooLate')])).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.readStream('late')).rejects.toBeInstanceOf(StoreClosedError);
    expect(store.stats().headPosition).toBe(result.position);

    const reopened = openSqliteEventStore({ filename });
    try {
      expect((await reopened.readStream('late')).map((e) => e.id)).toEqual([result.events[0]!.id]);
    } finally {
      await reopened.close();
    }
  });

  it('rejects malformed appends before queueing them', async () => {
    await expect(store.appendToStream('', [newEvent('A')])).rejects.toBeInstanceOf(TypeError);
    await expect(store.appendToStream('s', [{ ...newEvent('A'), id: '' }])).rejects.toBeInstanceOf(TypeError);
    await expect(store.appendToStream('s', [newEvent('A'), newEvent('B')].map((e, _i, all) => ({ ...e, id: all[0]!.id })))).rejects.toThrow(
      /twice/,
    );
    expect(await store.headPosition()).toBe(0);
  });
});
