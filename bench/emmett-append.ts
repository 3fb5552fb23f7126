/**
 * Emmett's SQLite event store (@event-driven-io/emmett-sqlite) measured the same way as ours in
 * bench/event-store-append.ts: durable single-event appends, one sequential writer and N
 * concurrent writers on their own streams, a fresh database file per scenario. Emmett is not a
 * dependency of this project; install it beside it and point EMMETT_DIR at that folder:
 *
 *   mkdir /tmp/emmett && cd /tmp/emmett && npm init -y \
 *     && npm pkg set allowScripts.sqlite3=true \
 *     && npm install @event-driven-io/emmett-sqlite@0.38.5 @event-driven-io/emmett@0.38.5 sqlite3@5
 *   EMMETT_DIR=/tmp/emmett npm run bench        # or: node dist/bench/emmett-append.js
 *
 * Same durability: Emmett opens its connections with journal_mode=WAL and SQLite's default
 * synchronous, which is FULL (2); the script reads it back from the file and prints it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

interface EmmettStore {
  appendToStream(
    stream: string,
    events: Array<{ type: string; data: Record<string, unknown> }>,
    options?: { expectedStreamVersion?: bigint },
  ): Promise<{ nextExpectedStreamVersion: bigint }>;
}

export interface EmmettScenario {
  name: string;
  writers: number;
  events: number;
  failed: number;
  seconds: number;
  eventsPerSecond: number;
  p99Ms: number;
}

export interface EmmettBenchResult {
  synchronous: number;
  scenarios: EmmettScenario[];
}

function load(dir: string) {
  const req = createRequire(join(dir, 'package.json'));
  const emmett = req('@event-driven-io/emmett-sqlite') as { getSQLiteEventStore(o: { fileName: string }): EmmettStore };
  const sqlite3 = req('sqlite3') as {
    Database: new (file: string) => { get(sql: string, cb: (err: Error | null, row: Record<string, number>) => void): void; close(): void };
  };
  return { emmett, sqlite3 };
}

const event = (writer: number, i: number) => ({
  type: 'TicketCommentAdded',
  data: {
    ticketId: `TKT-${writer.toString().padStart(6, '0')}`,
    commentId: randomUUID(),
    body: 'Customer reports intermittent packet loss on the evening peak; line test scheduled.',
    visibility: 'internal',
    sequence: i,
  },
});

async function scenario(
  emmett: ReturnType<typeof load>['emmett'],
  dir: string,
  writers: number,
  durationMs: number,
): Promise<EmmettScenario> {
  const store = emmett.getSQLiteEventStore({ fileName: join(dir, `emmett-${writers}.db`) });
  await store.appendToStream('warmup-0', [event(0, 0)]);
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let version = 0n;
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          const r = await store.appendToStream(`bench-${w}`, [event(w, i)], { expectedStreamVersion: version });
          version = r.nextExpectedStreamVersion;
          latencies.push(performance.now() - t0);
        } catch {
          failed++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name: writers === 1 ? 'sequential' : `concurrent-${writers}`,
    writers,
    events: latencies.length,
    failed,
    seconds,
    eventsPerSecond: Math.round(latencies.length / seconds),
    p99Ms: Math.round((latencies[Math.floor(latencies.length * 0.99)] ?? 0) * 100) / 100,
  };
}

export async function runEmmettBench(options: { emmettDir: string; durationMs?: number; concurrency?: readonly number[] }): Promise<EmmettBenchResult> {
  const { emmett, sqlite3 } = load(options.emmettDir);
  const dir = mkdtempSync(join(tmpdir(), 'emmett-bench-'));
  // Emmett logs every SQLITE_BUSY it meets under concurrency; the failures are counted instead.
  const quiet = { error: console.error, log: console.log, warn: console.warn };
  console.error = console.log = console.warn = () => undefined;
  try {
    const scenarios: EmmettScenario[] = [];
    for (const writers of [1, ...(options.concurrency ?? [16])]) {
      scenarios.push(await scenario(emmett, dir, writers, options.durationMs ?? 5000));
    }
    const synchronous = await new Promise<number>((resolve, reject) => {
      const db = new sqlite3.Database(join(dir, 'emmett-1.db'));
      db.get('PRAGMA synchronous', (err, row) => {
        db.close();
        if (err) reject(err);
        else resolve(Number(Object.values(row)[0]));
      });
    });
    return { synchronous, scenarios };
  } finally {
    Object.assign(console, quiet);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatEmmettBench(result: EmmettBenchResult): string {
  const lines = [
    `Emmett SQLite event store (WAL, synchronous=${result.synchronous === 2 ? 'FULL' : result.synchronous}), durable single-event appends`,
    'scenario        writers  events/s  p99 ms  failed',
  ];
  for (const s of result.scenarios) {
    lines.push(
      `${s.name.padEnd(15)} ${String(s.writers).padStart(7)} ${String(s.eventsPerSecond).padStart(9)} ${String(s.p99Ms).padStart(7)} ${String(s.failed).padStart(7)}`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  const emmettDir = process.env.EMMETT_DIR;
  if (!emmettDir) {
    process.stderr.write('Set EMMETT_DIR to a folder where @event-driven-io/emmett-sqlite is installed (see the header of this file).\n');
    process.exit(2);
  }
  runEmmettBench({ emmettDir }).then(
    (r) => process.stdout.write(`${formatEmmettBench(r)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
