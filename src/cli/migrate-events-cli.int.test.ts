import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteEventStore } from '../adapters/event-store/sqlite';
import { startFakeEventStoreDb } from '../../test/support/eventstoredb-fake-server';
import {
  USAGE,
  formatDuration,
  formatProgress,
  isEventStoreDbUrl,
  parseMigrationArgs,
  runMigrationCli,
  UsageError,
} from './migrate-events-cli';
import type { MigrationProgress } from './migrate-events';

let dir: string;
let from: string;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-cli-'));
  from = path.join(dir, 'events.db');
  const store = openSqliteEventStore({ filename: from });
  for (let i = 0; i < 25; i++) {
    await store.appendToStream(`ticket-${i % 4}`, [
      { id: randomUUID(), type: 'TicketNoted', data: { i }, metadata: { timestamp: '2024-01-01T00:00:00.000Z', schemaVersion: 1, correlationId: `c-${i}` } },
    ]);
  }
  await store.close();
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } };
}

describe('migrate:events command line', () => {
  it('parses its options', () => {
    expect(parseMigrationArgs(['--from', 'a.db', '--to', 'esdb://h:2113?tls=false'])).toEqual({
      from: 'a.db',
      to: 'esdb://h:2113?tls=false',
      pageSize: 1000,
      maxAppendBytes: 786_432,
      progressEvery: 10_000,
      verify: true,
      help: false,
    });
    expect(parseMigrationArgs(['--from', 'a', '--to', 'b', '--max-append-bytes', '65536']).maxAppendBytes).toBe(65_536);
    expect(() => parseMigrationArgs(['--from', 'a', '--to', 'b', '--max-append-bytes', '0'])).toThrow(/positive integer/);
    expect(parseMigrationArgs(['--from', 'a', '--to', 'b', '--page-size', '50', '--progress-every', '7', '--no-verify'])).toMatchObject({
      pageSize: 50,
      progressEvery: 7,
      verify: false,
    });
    expect(parseMigrationArgs(['-h']).help).toBe(true);
    expect(() => parseMigrationArgs(['--to', 'b'])).toThrow(UsageError);
    expect(() => parseMigrationArgs(['--from', 'a', '--to', 'b', '--page-size', '0'])).toThrow(/positive integer/);
    expect(() => parseMigrationArgs(['--from', 'a', '--to', 'b', '--bogus'])).toThrow(UsageError);
  });

  it('tells EventStoreDB connection strings from file paths', () => {
    expect(isEventStoreDbUrl('esdb://localhost:2113?tls=false')).toBe(true);
    expect(isEventStoreDbUrl('esdb+discover://a:2113,b:2113')).toBe(true);
    expect(isEventStoreDbUrl('kurrentdb://h:2113')).toBe(true);
    expect(isEventStoreDbUrl('./data/copy.db')).toBe(false);
  });

  it('formats progress with counts, rate and ETA, and durations', () => {
    const p: MigrationProgress = {
      phase: 'copying',
      total: 100_000,
      processed: 12_000,
      copied: 11_000,
      skipped: 1000,
      streams: 2345,
      elapsedMs: 4000,
      eventsPerSecond: 3456,
      etaMs: 25_463,
      verifiedStreams: 0,
    };
    expect(formatProgress(p)).toBe(
      'copying: 12,000/100,000 events (12.0%) · 11,000 copied · 1,000 already there · 2,345 streams · 3,456 events/s · ETA 25s',
    );
    expect(formatProgress({ ...p, etaMs: null })).toMatch(/ETA unknown$/);
    expect(formatProgress({ ...p, phase: 'verifying', verifiedStreams: 12 })).toBe('verifying: 12/2,345 streams compared');
    expect(formatDuration(59_400)).toBe('59s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3 * 3600_000 + 4 * 60_000)).toBe('3h04m');
  });

  it('answers a usage error with exit code 2 and the usage text', async () => {
    const { out, err, io: streams } = io();
    expect(await runMigrationCli(['--from', from], streams)).toBe(2);
    expect(err[0]).toBe('--to is required');
    expect(err[1]).toBe(USAGE);
    expect(out).toEqual([]);
    expect(await runMigrationCli(['--from', path.join(dir, 'missing.db'), '--to', path.join(dir, 'x.db')], streams)).toBe(2);
    expect(err[err.length - 1]).toMatch(/no such file/);
    expect(fs.existsSync(path.join(dir, 'missing.db'))).toBe(false);
    expect(await runMigrationCli(['--from', from, '--to', from], streams)).toBe(2);
  });

  it('copies into another SQLite file, printing progress and the verification, and resumes as a no-op', async () => {
    const to = path.join(dir, 'copy.db');
    const first = io();
    expect(await runMigrationCli(['--from', from, '--to', to, '--progress-every', '5', '--page-size', '4'], first.io)).toBe(0);
    expect(first.err).toEqual([]);
    expect(first.out[0]).toBe(`migrating events: ${from} -> ${to}`);
    expect(first.out.some((l) => l.startsWith('copying: '))).toBe(true);
    expect(first.out.some((l) => /^copied 25 events, 0 were already there, 4 streams, in \d+s$/.test(l))).toBe(true);
    expect(first.out[first.out.length - 1]).toBe('verified: 25 events in 4 streams, same ids, data, metadata and hashes, same global order');

    const again = io();
    expect(await runMigrationCli(['--from', from, '--to', to], again.io)).toBe(0);
    expect(again.out.some((l) => /^copied 0 events, 25 were already there, 4 streams, in \d+s$/.test(l))).toBe(true);
  });

  it('copies into EventStoreDB given its connection string (fake server here)', async () => {
    const fake = await startFakeEventStoreDb();
    try {
      const { out, err, io: streams } = io();
      expect(await runMigrationCli(['--from', from, '--to', fake.connectionString, '--no-verify'], streams)).toBe(0);
      expect(err).toEqual([]);
      expect(out.some((l) => /^copied 25 events, 0 were already there, 4 streams, in \d+s$/.test(l))).toBe(true);
      expect(out).toContain('verification skipped (--no-verify)');
      expect(fake.log.stream('ticket-0')).toHaveLength(7);
    } finally {
      await fake.stop();
    }
  });

  it('exits with 130 and a resume hint when interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { err, io: streams } = io();
    expect(await runMigrationCli(['--from', from, '--to', path.join(dir, 'copy.db')], { ...streams, signal: controller.signal })).toBe(130);
    expect(err[0]).toMatch(/run it again to resume/);
  });
});
