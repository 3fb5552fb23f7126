import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { openSqliteEventStore } from '../src/adapters/event-store/sqlite';
import { createUuidV7Generator } from '../src/adapters/ids/uuid-v7';
import type { NewEvent } from '../src/ports/event-store';

/**
 * Durable single-event appends per second on the embedded SQLite event store (WAL,
 * synchronous=FULL, group commit), in a temporary directory that is removed afterwards:
 *   (a) one sequential writer awaiting each append,
 *   (b) N concurrent writers (16 and 64 by default), each on its own stream with an exact
 *       expected revision, as concurrent command handlers would append.
 * Each scenario gets a fresh database file and runs for a fixed time after a short warm-up.
 * Besides throughput and append latency it reports how much the store holds up the main
 * thread during the measured time: the event-loop delay (p99 and max of how late a 1 ms
 * timer fires, perf_hooks.monitorEventLoopDelay) and the main thread's event-loop
 * utilisation (share of the time it was busy rather than waiting for I/O).
 *
 * Alone: `npm run build && node dist/bench/event-store-append.js [durationMs]`.
 */

export interface AppendBenchOptions {
  /** Measured time per scenario (default 5000 ms). */
  durationMs?: number;
  /** Unmeasured time per scenario before it (default 500 ms). */
  warmupMs?: number;
  /** Concurrent writer counts to run after the sequential writer (default [16, 64]). */
  concurrency?: readonly number[];
  /** Parent of the temporary directory (default os.tmpdir()). */
  directory?: string;
}

export interface AppendBenchScenario {
  name: string;
  writers: number;
  /** Appends (one event each) acknowledged during the measured time. */
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Transactions (fsyncs) during the measured time, and appends per transaction. */
  commits: number;
  eventsPerCommit: number;
  /** Event-loop delay during the measured time: p99 and max, in ms (1 ms sampling timer). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Main thread's event-loop utilisation during the measured time, in percent. */
  mainBusyPercent: number;
}

export interface AppendBenchResult {
  durationMs: number;
  scenarios: AppendBenchScenario[];
}

/** Event ids as the product makes them (time-ordered). */
const eventIds = createUuidV7Generator();

function benchEvent(writer: number, revision: number): NewEvent {
  return {
    id: eventIds.uuid(),
    type: 'TicketCommentAdded',
    data: {
      ticketId: `TKT-${writer.toString().padStart(6, '0')}`,
      commentId: randomUUID(),
      body: 'Customer reports intermittent packet loss on the evening peak; line test scheduled.',
      visibility: 'internal',
      sequence: revision,
    },
    metadata: {
      actor: { userId: `user-${writer}`, role: 'technician' },
      requestId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      timestamp: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

async function runScenario(dir: string, name: string, writers: number, warmupMs: number, durationMs: number): Promise<AppendBenchScenario> {
  const store = openSqliteEventStore({ filename: path.join(dir, `${name}.db`) });
  try {
    const latencies: number[] = [];
    let measuring = false;
    let stopAt = Number.POSITIVE_INFINITY;
    const warmupEnds = performance.now() + warmupMs;
    let commitsAtStart = 0;
    let startedAt = 0;
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    let eluAtStart: EventLoopUtilization | undefined;

    const writer = async (w: number): Promise<void> => {
      const stream = `bench-${name}-${w}`;
      for (let revision = 0; ; revision++) {
        const started = performance.now();
        if (started >= stopAt) return;
        if (!measuring && started >= warmupEnds) {
          measuring = true;
          startedAt = started;
          stopAt = started + durationMs;
          commitsAtStart = store.stats().commits;
          eluAtStart = performance.eventLoopUtilization();
          loopDelay.enable();
        }
        const counted = measuring;
        await store.appendToStream(stream, [benchEvent(w, revision)], {
          expectedRevision: revision === 0 ? 'no_stream' : revision - 1,
        });
        if (counted) latencies.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    loopDelay.disable();
    const elu = performance.eventLoopUtilization(eluAtStart);

    const seconds = (performance.now() - startedAt) / 1000;
    const commits = store.stats().commits - commitsAtStart;
    latencies.sort((a, b) => a - b);
    return {
      name,
      writers,
      events: latencies.length,
      seconds: round(seconds, 2),
      eventsPerSecond: Math.round(latencies.length / seconds),
      p50Ms: round(percentile(latencies, 0.5), 3),
      p99Ms: round(percentile(latencies, 0.99), 3),
      commits,
      eventsPerCommit: round(commits > 0 ? latencies.length / commits : 0, 1),
      loopDelayP99Ms: round(loopDelay.percentile(99) / 1e6, 2),
      loopDelayMaxMs: round(loopDelay.max / 1e6, 2),
      mainBusyPercent: Math.round(elu.utilization * 100),
    };
  } finally {
    await store.close();
  }
}

export async function runAppendBench(options: AppendBenchOptions = {}): Promise<AppendBenchResult> {
  const durationMs = options.durationMs ?? 5000;
  const warmupMs = options.warmupMs ?? 500;
  const dir = fs.mkdtempSync(path.join(options.directory ?? os.tmpdir(), 'event-store-append-bench-'));
  try {
    const scenarios = [await runScenario(dir, 'sequential', 1, warmupMs, durationMs)];
    for (const writers of options.concurrency ?? [16, 64]) {
      scenarios.push(await runScenario(dir, `concurrent-${writers}`, writers, warmupMs, durationMs));
    }
    return { durationMs, scenarios };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatAppendBench(result: AppendBenchResult): string {
  const header = ['scenario', 'writers', 'events/s', 'p50 ms', 'p99 ms', 'events/commit', 'loop p99 ms', 'loop max ms', 'main busy %'];
  const rows = result.scenarios.map((s) => [
    s.name,
    String(s.writers),
    String(s.eventsPerSecond),
    String(s.p50Ms),
    String(s.p99Ms),
    String(s.eventsPerCommit),
    String(s.loopDelayP99Ms),
    String(s.loopDelayMaxMs),
    String(s.mainBusyPercent),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `SQLite event store, durable single-event appends (WAL, synchronous=FULL), ${result.durationMs} ms per scenario`,
    line(header),
    ...rows.map(line),
  ].join('\n');
}

if (require.main === module) {
  const durationMs = process.argv[2] ? Number(process.argv[2]) : undefined;
  runAppendBench({ durationMs }).then(
    (result) => console.log(formatAppendBench(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
