import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { WrongExpectedRevisionError, type NewEvent, type RecordedEvent } from '../../ports/event-store';
import { verifyChain } from '../../ports/hash-chain';
import { StoreClosedError } from './local-record';
import { WriterThreadError, openSqliteEventStore, writerThreadOf, type SqliteEventStore } from './sqlite';
import { FLUSH_AT } from './sqlite-writer-thread';
import { newEvent } from '../../../test/support/sqlite-event-store';

/** The writer thread: commits happen there, reads here, and its failure never leaves a caller hanging. */

let dir: string;
let filename: string;
let store: SqliteEventStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-store-writer-'));
  filename = path.join(dir, 'events.db');
  store = openSqliteEventStore({ filename });
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SQLite writer thread', () => {
  it('runs the writes on a worker thread', () => {
    const thread = writerThreadOf(store);
    expect(isMainThread).toBe(true);
    expect(thread?.threadId).toBeGreaterThan(0);
  });

  it('lets a read issued as soon as an append resolved see that append', async () => {
    const checks: Array<Promise<void>> = [];
    const appends = Array.from({ length: 200 }, (_, i) =>
      store.appendToStream(`reader-${i % 20}`, [newEvent('Tick', { i })]).then(async (result) => {
        // Issued synchronously in the resolution, before anything else can run.
        const stream = store.readStream(`reader-${i % 20}`);
        const fromLog = store.readAll({ fromPosition: result.position - 1, maxCount: 1 });
        const head = store.headPosition();
        checks.push(
          (async () => {
            expect((await stream).map((e) => e.position)).toContain(result.position);
            expect(await fromLog).toEqual(result.events);
            expect(await head).toBeGreaterThanOrEqual(result.position);
          })(),
        );
      }),
    );
    await Promise.all(appends);
    await Promise.all(checks);
    expect(store.stats().commits).toBeLessThan(200);
  });

  it('commits a large burst (sent in chunks of FLUSH_AT) in arrival order and in few transactions', async () => {
    // Once the writer is running (this append waited for it), a burst reaches it in chunks of FLUSH_AT.
    await store.appendToStream('warm-up', [newEvent('Tick')]);
    const before = store.stats();
    const burst = 4 * FLUSH_AT;
    const results = await Promise.all(
      Array.from({ length: burst }, (_, i) => store.appendToStream(`burst-${i}`, [newEvent('Tick')], { expectedRevision: 'no_stream' })),
    );
    const after = store.stats();
    expect(after.appends - before.appends).toBe(burst);
    expect(after.commits - before.commits).toBeGreaterThanOrEqual(1);
    expect(after.commits - before.commits).toBeLessThanOrEqual(burst / FLUSH_AT);
    // In arrival order, as one transaction would have written them.
    const positions = results.map((r) => r.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('returns the recorded events exactly as they are read back', async () => {
    class Money {
      constructor(private readonly cents: number) {}
      toJSON(): string {
        return `${(this.cents / 100).toFixed(2)} EUR`;
      }
    }
    const event: NewEvent = {
      id: randomUUID(),
      type: 'Charged',
      data: { amount: new Money(1250), at: new Date('2024-05-01T10:00:00Z'), dropped: undefined, skip: () => 1, nested: { list: [1, undefined] } },
      metadata: { actor: { userId: 'u-1', role: 'admin' }, requestId: 'r-1', timestamp: '2024-05-01T10:00:00.000Z', schemaVersion: 2 },
    };
    const result = await store.appendToStream('billing-1', [event, newEvent('Noted')], { expectedRevision: 'no_stream' });
    expect(result.events[0]!.data).toEqual({ amount: '12.50 EUR', at: '2024-05-01T10:00:00.000Z', nested: { list: [1, null] } });
    const stored = await store.readStream('billing-1');
    expect(result.events).toEqual(stored);
    expect(JSON.stringify(result.events)).toBe(JSON.stringify(stored));
    expect(verifyChain('billing-1', stored).valid).toBe(true);
  });

  it('keeps the class and fields of the errors the writer raises', async () => {
    const first = newEvent('Opened');
    await store.appendToStream('s', [first], { expectedRevision: 'no_stream' });
    const wrong = await store.appendToStream('s', [newEvent('Again')], { expectedRevision: 5 }).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(WrongExpectedRevisionError);
    expect(wrong).toMatchObject({ streamName: 's', expected: 5, actual: 0 });
    const duplicate = await store.appendToStream('t', [{ ...newEvent('Copy'), id: first.id }]).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(Database.SqliteError);
    expect(duplicate).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    const notJson = await store.appendToStream('u', [newEvent('Big', { n: BigInt(1) })]).catch((error: unknown) => error);
    expect(notJson).toBeInstanceOf(TypeError);
    expect(store.stats()).toMatchObject({ appends: 1, rejected: 3 });
  });

  it('wakes subscriptions when the writer reports a commit', async () => {
    const received: RecordedEvent[] = [];
    let caughtUp!: () => void;
    const live = new Promise<void>((resolve) => (caughtUp = resolve));
    let delivered!: () => void;
    const allDelivered = new Promise<void>((resolve) => (delivered = resolve));
    const subscription = store.subscribeToAll(
      {},
      {
        onEvents(events) {
          received.push(...events);
          if (received.length === 10) delivered();
        },
        onCaughtUp: () => caughtUp(),
      },
    );
    await live;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.appendToStream(`sub-${i}`, [newEvent('Tick')])));
    await allDelivered;
    await subscription.stop();
    expect(received).toEqual(results.flatMap((r) => r.events).sort((a, b) => a.position - b.position));
  });

  it('commits every queued append before close resolves, then rejects every call', async () => {
    const settledBeforeClose: boolean[] = [];
    let closeResolved = false;
    const pending = Array.from({ length: 300 }, (_, i) =>
      store.appendToStream(`closing-${i % 7}`, [newEvent('Queued', { i })]).then((result) => {
        settledBeforeClose.push(!closeResolved);
        return result;
      }),
    );
    const closing = store.close().then(() => (closeResolved = true));
    const again = store.close();
    await Promise.all([closing, again]);
    expect(settledBeforeClose).toHaveLength(300);
    expect(settledBeforeClose.every(Boolean)).toBe(true);
    const results = await Promise.all(pending);

    await expect(store.appendToStream('closing-0', [newEvent('TooLate')])).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.readAll()).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreClosedError);
    expect(() => store.subscribeToAll({}, { onEvents: () => undefined })).toThrow(StoreClosedError);
    expect(store.stats()).toMatchObject({ appends: 300, headPosition: Math.max(...results.map((r) => r.position)) });

    const reopened = openSqliteEventStore({ filename });
    try {
      expect((await reopened.readAll()).map((e) => e.id)).toEqual(
        results
          .flatMap((r) => r.events)
          .sort((a, b) => a.position - b.position)
          .map((e) => e.id),
      );
    } finally {
      await reopened.close();
    }
  });

  it('rejects pending and later calls, and drops live subscriptions, when the writer thread throws', async () => {
    const committed = await store.appendToStream('before', [newEvent('Fine')]);
    const errors: Error[] = [];
    let dropped!: () => void;
    const subscriptionDropped = new Promise<void>((resolve) => (dropped = resolve));
    let caughtUp!: () => void;
    const live = new Promise<void>((resolve) => (caughtUp = resolve));
    store.subscribeToAll(
      {},
      {
        onEvents: () => undefined,
        onCaughtUp: () => caughtUp(),
        onError(error) {
          errors.push(error);
          dropped();
        },
      },
    );
    await live;

    // A message the writer does not know makes it throw; the appends behind it are never written.
    writerThreadOf(store)!.postMessage({ kind: 'explode' });
    const pending = Array.from({ length: 5 }, (_, i) => store.appendToStream(`after-${i}`, [newEvent('Lost')]));
    for (const append of pending) {
      const error = await append.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WriterThreadError);
      expect(String(error)).toMatch(/writer thread failed: SQLite writer thread: unknown message/);
    }
    await subscriptionDropped;
    expect(errors[0]).toBeInstanceOf(WriterThreadError);

    await expect(store.appendToStream('later', [newEvent('Refused')])).rejects.toBeInstanceOf(WriterThreadError);
    await expect(store.readStream('before')).rejects.toBeInstanceOf(WriterThreadError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(WriterThreadError);
    expect(() => store.subscribeToAll({}, { onEvents: () => undefined })).toThrow(WriterThreadError);
    await store.close();

    const reopened = openSqliteEventStore({ filename });
    try {
      expect((await reopened.readAll()).map((e) => e.id)).toEqual([committed.events[0]!.id]);
    } finally {
      await reopened.close();
    }
  });

  it('rejects later calls when the writer thread is gone', async () => {
    await store.appendToStream('before', [newEvent('Fine')]);
    const exitCode = await writerThreadOf(store)!.terminate();
    expect(exitCode).toBe(1);
    const error = await store.appendToStream('after', [newEvent('Refused')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriterThreadError);
    expect(String(error)).toMatch(/writer thread exited unexpectedly \(exit code 1\)/);
    await expect(store.readAll()).rejects.toBe(error);
  });
});

describe('SQLite writer thread in a process', () => {
  /** Like the crash test, the child uses the built adapter; `npm test` builds first. */
  const builtAdapter = path.resolve(__dirname, '../../../dist/src/adapters/event-store/sqlite.js');

  function runChild(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const file = path.join(dir, 'child.js');
      fs.writeFileSync(file, script);
      const child = spawn(process.execPath, [file, builtAdapter, filename], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('keeps the process alive while an append is pending, and not once the store is idle', async () => {
    if (!fs.existsSync(builtAdapter)) throw new Error(`${builtAdapter} is missing: run \`npm run build\` first`);
    await store.close();
    // Nothing but the pending append keeps this child's event loop alive, and the store is never closed.
    const { code, stdout, stderr } = await runChild(`
const { openSqliteEventStore } = require(process.argv[2]);
const store = openSqliteEventStore({ filename: process.argv[3] });
store
  .appendToStream('child', [{ id: 'e-1', type: 'Tick', data: {}, metadata: { timestamp: new Date().toISOString(), schemaVersion: 1 } }])
  .then((result) => process.stdout.write('appended ' + result.position + '\\n'));
`);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe('appended 1\n');
    store = openSqliteEventStore({ filename });
    expect((await store.readStream('child')).map((e) => e.id)).toEqual(['e-1']);
  });

  it('does not keep the process alive when the store is opened, read from and never closed', async () => {
    if (!fs.existsSync(builtAdapter)) throw new Error(`${builtAdapter} is missing: run \`npm run build\` first`);
    await store.close();
    // Its writer thread was never used; its stream reader thread answered one read.
    const { code, stdout, stderr } = await runChild(`
const { openSqliteEventStore } = require(process.argv[2]);
const store = openSqliteEventStore({ filename: process.argv[3] });
store.readStream('nothing-here').then((events) => process.stdout.write('read ' + events.length + '\\n'));
`);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe('read 0\n');
    store = openSqliteEventStore({ filename });
  });
});
