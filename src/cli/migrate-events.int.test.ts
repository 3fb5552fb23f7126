import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMemoryEventStore } from '../adapters/event-store/memory';
import { openEventStoreDbStore } from '../adapters/event-store/eventstoredb';
import { openSqliteEventStore, type SqliteEventStore } from '../adapters/event-store/sqlite';
import type { EventStore, NewEvent, RecordedEvent } from '../ports/event-store';
import { verifyChain } from '../ports/hash-chain';
import { sizeOnDisk, startFakeEventStoreDb } from '../../test/support/eventstoredb-fake-server';
import {
  MigrationError,
  MigrationInterruptedError,
  compareEvents,
  countEvents,
  estimateAppendBytes,
  expectedBefore,
  migrateEvents,
  toNewEvent,
  verifyMigration,
  type MigrationProgress,
} from './migrate-events';

/** From a real SQLite file, through the port only — the same code path the EventStoreDB target takes. */

let dir: string;
let source: SqliteEventStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-events-'));
  source = openSqliteEventStore({ filename: path.join(dir, 'events.db') });
});

afterEach(async () => {
  await source.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const STREAMS = ['ticket-1', 'ticket-2', 'customer-7', 'user-3', 'reservation-email-a@b.c', 'seq-ticket'];

function ev(type: string, i: number): NewEvent {
  return {
    id: randomUUID(),
    type,
    data: { i, text: `héllo "${i}"`, ratio: i / 7, nested: { list: [i, String(i), null], ok: i % 2 === 0 } },
    metadata: {
      actor: i % 3 === 0 ? null : { userId: `u-${i % 5}`, role: 'admin' },
      requestId: `req-${i}`,
      correlationId: `corr-${Math.floor(i / 4)}`,
      ...(i % 2 === 0 ? { causationId: `cause-${i}` } : {}),
      timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
      schemaVersion: 1 + (i % 2),
    },
  };
}

/** An interleaved log: single and multi-event appends across streams, with exact expected revisions. */
async function fill(store: EventStore, appends: number, start = 0): Promise<number> {
  let count = 0;
  for (let a = start; a < start + appends; a++) {
    const stream = STREAMS[(a * 7) % STREAMS.length]!;
    const size = 1 + (a % 3);
    const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    await store.appendToStream(
      stream,
      Array.from({ length: size }, (_, k) => ev(`${stream.split('-')[0]}Event${k}`, a * 3 + k)),
      { expectedRevision: last ? last.revision : 'no_stream' },
    );
    count += size;
  }
  return count;
}

async function all(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let fromPosition: number | undefined;
  for (;;) {
    const page = await store.readAll({ fromPosition, maxCount: 500 });
    if (page.length === 0) return out;
    out.push(...page);
    fromPosition = page[page.length - 1]!.position;
  }
}

/** The target holds exactly the source: same ids in the same global order, same revisions, same hashes. */
async function expectSameLog(target: EventStore): Promise<void> {
  const [a, b] = await Promise.all([all(source), all(target)]);
  expect(b.map((e) => e.id)).toEqual(a.map((e) => e.id));
  expect(b.map((e) => [e.streamName, e.revision])).toEqual(a.map((e) => [e.streamName, e.revision]));
  expect(b.map((e) => e.metadata.hash)).toEqual(a.map((e) => e.metadata.hash));
  expect(b.map((e) => e.metadata.prevHash)).toEqual(a.map((e) => e.metadata.prevHash));
  expect(b.map((e) => e.data)).toEqual(a.map((e) => e.data));
  for (const stream of STREAMS) {
    const events = await target.readStream(stream);
    expect(verifyChain(stream, events).valid).toBe(true);
  }
}

/** A target that fails as a crash would: the n-th append throws (before or after writing). */
function crashingTarget(target: EventStore, n: number, afterWriting: boolean): EventStore {
  let appends = 0;
  return {
    ...target,
    readStream: (...a) => target.readStream(...a),
    readAll: (...a) => target.readAll(...a),
    headPosition: () => target.headPosition(),
    close: () => target.close(),
    subscribeToAll: (...a) => target.subscribeToAll(...a),
    async appendToStream(...a) {
      appends++;
      if (appends === n && !afterWriting) throw new Error('crash before the write');
      const result = await target.appendToStream(...a);
      if (appends === n) throw new Error('crash after the write, acknowledgement lost');
      return result;
    },
  };
}

describe('migrateEvents', () => {
  it('copies a SQLite log into another store with the same order, revisions, metadata and hashes, and verifies it', async () => {
    const total = await fill(source, 400);
    const target = createMemoryEventStore();
    const progress: MigrationProgress[] = [];
    const result = await migrateEvents({ source, target, pageSize: 64, progressEveryEvents: 100, onProgress: (p) => progress.push(p) });

    expect(result).toMatchObject({ total, copied: total, skipped: 0, streams: STREAMS.length });
    expect(result.verification).toMatchObject({ ok: true, streams: STREAMS.length, events: total, problems: [] });
    await expectSameLog(target);

    const phases = progress.map((p) => p.phase);
    expect(phases[0]).toBe('counting');
    expect(phases).toContain('copying');
    expect(phases).toContain('verifying');
    expect(phases[phases.length - 1]).toBe('done');
    const copying = progress.filter((p) => p.phase === 'copying');
    expect(copying.length).toBeGreaterThan(5);
    for (let i = 1; i < copying.length; i++) expect(copying[i]!.processed).toBeGreaterThanOrEqual(copying[i - 1]!.processed);
    expect(copying.every((p) => p.total === total)).toBe(true);
    expect(progress[progress.length - 1]).toMatchObject({ processed: total, copied: total });
  });

  it('reports rate and ETA from the clock', async () => {
    await fill(source, 30);
    let t = 0;
    const progress: MigrationProgress[] = [];
    await migrateEvents({
      source,
      target: createMemoryEventStore(),
      pageSize: 10,
      progressEveryEvents: 10,
      verify: false,
      now: () => (t += 100),
      onProgress: (p) => progress.push(p),
    });
    const midway = progress.find((p) => p.phase === 'copying' && p.processed > 0 && p.processed < p.total)!;
    expect(midway.eventsPerSecond).toBeGreaterThan(0);
    expect(midway.etaMs).toBe(Math.round(((midway.total - midway.processed) * 1000) / midway.eventsPerSecond));
  });

  it.each([
    ['a crash before a write', false],
    ['a crash after a write whose acknowledgement was lost', true],
  ])('resumes after %s: the second run skips what is there, copies the rest, and the hashes match', async (_label, afterWriting) => {
    const total = await fill(source, 300);
    const target = createMemoryEventStore();
    await expect(migrateEvents({ source, target: crashingTarget(target, 40, afterWriting), pageSize: 50, verify: false })).rejects.toThrow(/crash/);
    const partial = await countEvents(target);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(total);

    const result = await migrateEvents({ source, target, pageSize: 50 });
    expect(result.skipped).toBe(partial);
    expect(result.copied).toBe(total - partial);
    expect(result.verification?.ok).toBe(true);
    await expectSameLog(target);
  });

  it('stops when interrupted and finishes on the next run; a run on a complete copy copies nothing; a later run copies what is new', async () => {
    const first = await fill(source, 200);
    const target = createMemoryEventStore();
    const controller = new AbortController();
    const interrupted = migrateEvents({
      source,
      target,
      pageSize: 20,
      progressEveryEvents: 1,
      verify: false,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'copying' && p.copied >= 100) controller.abort();
      },
    });
    await expect(interrupted).rejects.toBeInstanceOf(MigrationInterruptedError);

    const resumed = await migrateEvents({ source, target, pageSize: 20 });
    expect(resumed.skipped + resumed.copied).toBe(first);
    expect(resumed.skipped).toBeGreaterThanOrEqual(100);

    const again = await migrateEvents({ source, target });
    expect(again).toMatchObject({ copied: 0, skipped: first });
    expect(again.verification?.ok).toBe(true);

    const more = await fill(source, 20, 1000);
    const later = await migrateEvents({ source, target });
    expect(later).toMatchObject({ copied: more, skipped: first });
    await expectSameLog(target);
  });

  it('refuses to write over a different history in the target', async () => {
    await fill(source, 10);
    const target = createMemoryEventStore();
    const [firstEvent] = await source.readStream('ticket-1');
    await target.appendToStream('ticket-1', [ev('Other', 1)], { expectedRevision: 'no_stream' });
    await expect(migrateEvents({ source, target })).rejects.toBeInstanceOf(MigrationError);
    const [stillThere] = await target.readStream('ticket-1');
    expect(stillThere!.id).not.toBe(firstEvent!.id);
    expect(await countEvents(target)).toBe(1);
  });

  it('copies into the EventStoreDB adapter (real client, fake server) with the same hashes', async () => {
    const fake = await startFakeEventStoreDb();
    const target = openEventStoreDbStore({ connectionString: fake.connectionString });
    try {
      const total = await fill(source, 120);
      const result = await migrateEvents({ source, target, pageSize: 32 });
      expect(result).toMatchObject({ copied: total, skipped: 0 });
      expect(result.verification?.ok).toBe(true);
      await expectSameLog(target);
      // Positions differ between the stores (EventStoreDB's are 2 × commit + 1); revisions and hashes do not.
      const [s0] = await source.readStream('ticket-1');
      const [t0] = await target.readStream('ticket-1');
      expect(t0!.position).not.toBe(s0!.position);
      expect(t0!.metadata.hash).toBe(s0!.metadata.hash);
    } finally {
      await target.close();
      await fake.stop();
    }
  });
});

describe('appends within the target\'s maximum append size (EventStoreDB refuses more than 1,048,576 bytes at once)', () => {
  /** One stream of `n` events of about `bytes` bytes of data each, in one append per 100 events. */
  async function bigStream(stream: string, n: number, bytes: number): Promise<void> {
    for (let i = 0; i < n; i += 100) {
      const events = Array.from({ length: Math.min(100, n - i) }, (_, k) => ({ ...ev('TicketNoted', i + k), data: { i: i + k, note: 'n'.repeat(bytes) } }));
      await source.appendToStream(stream, events, { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
    }
  }

  it('estimates an event as EventStoreDB counts it (data + metadata + 2 × type), over and never under', async () => {
    await bigStream('ticket-big', 1, 1000);
    const [event] = await source.readStream('ticket-big');
    const fake = await startFakeEventStoreDb();
    const target = openEventStoreDbStore({ connectionString: fake.connectionString });
    try {
      await migrateEvents({ source, target, verify: false });
      const [stored] = fake.log.stream('ticket-big');
      const counted = sizeOnDisk(stored!);
      const estimate = estimateAppendBytes(toNewEvent(event!));
      expect(estimate).toBeGreaterThanOrEqual(counted);
      expect(estimate - counted).toBeLessThan(300);
      // The metadata alone, as stored, is a couple of hundred bytes (the app's, with its ids, about 400).
      expect(stored!.metadata.length).toBeGreaterThan(200);
    } finally {
      await target.close();
      await fake.stop();
    }
  });

  it('splits a page of one stream that is over the limit into appends under it, and completes', async () => {
    // 1,000 events of ~1 KB in one stream: one page of the source, about 1.5 MB as EventStoreDB counts it.
    await bigStream('ticket-big', 1000, 1000);
    const fake = await startFakeEventStoreDb();
    const target = openEventStoreDbStore({ connectionString: fake.connectionString });
    try {
      const result = await migrateEvents({ source, target });
      expect(result).toMatchObject({ total: 1000, copied: 1000, skipped: 0 });
      expect(result.verification?.ok).toBe(true);
      await expectSameLog(target);
      const all = fake.log.stream('ticket-big');
      expect(all.reduce((sum, r) => sum + sizeOnDisk(r), 0)).toBeGreaterThan(1_048_576);
      // No append was refused: every one stayed under the budget, and there were at least two.
      expect(fake.refusedAppends).toEqual([]);
      expect(fake.calls.batchAppend).toBeGreaterThanOrEqual(2);
    } finally {
      await target.close();
      await fake.stop();
    }
  });

  it('splits and sends again an append the target refuses as too large (a lower limit than planned for), and completes', async () => {
    await bigStream('ticket-big', 300, 1000);
    await fill(source, 30);
    const fake = await startFakeEventStoreDb({ maxAppendSize: 64 * 1024 });
    const target = openEventStoreDbStore({ connectionString: fake.connectionString });
    try {
      const result = await migrateEvents({ source, target });
      expect(result.copied).toBe(await countEvents(source));
      expect(result.verification?.ok).toBe(true);
      await expectSameLog(target);
      // The first append was refused (nothing written), then the copy kept under the limit the server reported.
      expect(fake.refusedAppends).toEqual([{ streamName: 'ticket-big', events: 300, bytes: expect.any(Number) }]);
    } finally {
      await target.close();
      await fake.stop();
    }
  });

  it('stops on an event the target refuses on its own, and resumes cleanly once the limit is raised', async () => {
    await fill(source, 20);
    await bigStream('ticket-big', 5, 20_000);
    await fill(source, 20, 100);
    const fake = await startFakeEventStoreDb({ maxAppendSize: 16 * 1024 });
    const target = openEventStoreDbStore({ connectionString: fake.connectionString });
    try {
      const error = await migrateEvents({ source, target }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/^ticket-big@0: the target refuses this event alone .*\(16384 bytes\).*run the command again to resume/);
      const before = await countEvents(target);
      expect(before).toBeGreaterThan(0);
      expect(fake.log.stream('ticket-big')).toHaveLength(0);

      fake.setMaxAppendSize(1_048_576);
      const resumed = await migrateEvents({ source, target });
      expect(resumed).toMatchObject({ skipped: before, copied: (await countEvents(source)) - before });
      expect(resumed.verification?.ok).toBe(true);
      await expectSameLog(target);
    } finally {
      await target.close();
      await fake.stop();
    }
  });
});

describe('verification', () => {
  it('finds changed data, broken chains, missing and extra events, and a different global order', async () => {
    await fill(source, 20);
    const target = createMemoryEventStore();
    await migrateEvents({ source, target, verify: false });
    const tampered: EventStore = {
      ...target,
      async readStream(stream, options) {
        const events = await target.readStream(stream, options);
        if (stream !== 'ticket-1') return events;
        // ticket-1@1 altered, and its last event missing.
        return events.filter((e) => e.revision !== (events.length > 0 ? events[events.length - 1]!.revision : -1))
          .map((e) => (e.revision === 1 ? { ...e, data: { ...e.data, i: 999 } } : e));
      },
      async readAll(options) {
        const events = await target.readAll(options);
        return options?.fromPosition === undefined ? [...events].reverse() : events;
      },
    };
    const report = await verifyMigration(source, tampered, STREAMS, 1000);
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => /^ticket-1@1: data differs/.test(p))).toBe(true);
    expect(report.problems.some((p) => /^ticket-1@1: the target's hash chain does not verify/.test(p))).toBe(true);
    expect(report.problems.some((p) => /missing in the target/.test(p))).toBe(true);
    expect(report.problems.some((p) => /global order differs/.test(p))).toBe(true);
  });

  it('compares every field that makes up an event and its hash', async () => {
    await fill(source, 2);
    const [e] = await source.readStream('ticket-1');
    const event = e!;
    expect(compareEvents(event, { ...event })).toEqual([]);
    expect(compareEvents(event, undefined)).toEqual(['ticket-1@0: missing in the target']);
    expect(compareEvents(event, { ...event, type: 'X' })).toEqual([`ticket-1@0: type X instead of ${event.type}`]);
    expect(compareEvents(event, { ...event, metadata: { ...event.metadata, requestId: 'other' } })).toEqual(['ticket-1@0: metadata differs']);
    expect(compareEvents(event, { ...event, metadata: { ...event.metadata, hash: 'x' } })).toEqual(['ticket-1@0: hash differs']);
    expect(toNewEvent(event).metadata).not.toHaveProperty('hash');
    expect(expectedBefore(event)).toBe('no_stream');
    expect(expectedBefore({ ...event, revision: 5 })).toBe(4);
  });
});
