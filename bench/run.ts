/**
 * `npm run bench`: figures for the product on the embedded default (SQLite event store, in-memory
 * read store), printed, never asserted. Not a test.
 *
 *  1. A bare Express handler in its own process: the machine's ceiling for this load generator.
 *  2. The product in its own process (dist/src/main.js) on a temporary data directory, preloaded
 *     with BENCH_REQUESTS service requests written through the command layer, then restarted so
 *     start-up replays the whole log (the catch-up time is reported).
 *  3. autocannon, in this process, against: the bare handler, POST /api/services (create) and
 *     GET /api/services?status=pending&per_page=20 (filtered, paginated list).
 *  4. A full rebuild of the service_requests projection through the ops API (events/s).
 *  5. Resident memory of the product process.
 *  6. Durable single-event appends per second on the SQLite store (bench/event-store-append.ts).
 *
 * Environment: BENCH_REQUESTS (default 100000), BENCH_SECONDS per scenario (default 10),
 * BENCH_CONNECTIONS (default 32).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { openSqliteEventStore } from '../src/adapters/event-store/sqlite';
import { createScryptPasswordHasher } from '../src/adapters/crypto/scrypt-password-hasher';
import { systemMeta } from '../src/commands/context';
import { submitServiceRequest } from '../src/commands/service-requests';
import { systemEvents } from '../src/commands/system-events';
import { createEventRegistry } from '../src/domain';
import { systemClock } from '../src/ports/clock';
import { formatAppendBench, runAppendBench } from './event-store-append';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };

interface Proc {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

function startProcess(script: string, env: Record<string, string>): Promise<Proc> {
  const proc = spawn(process.execPath, [script], {
    // Info level, as in production: one log line per request is part of the cost measured.
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    let found = false;
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (found) return; // the logs are drained, not kept
      buffer += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(buffer) ?? /^LISTENING (\S+)/m.exec(buffer);
      if (m) {
        found = true;
        buffer = '';
        resolve({
          proc,
          url: m[1]!,
          stop: () =>
            new Promise<void>((r) => {
              proc.once('exit', () => r());
              proc.kill('SIGTERM');
            }),
        });
      }
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function waitHealthy(url: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return Date.now() - started;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  return ((await res.json()) as { token: string }).token;
}

interface LoadResult {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(name: string, opts: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
  return {
    name,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function preload(dataDir: string, count: number): Promise<{ events: number; seconds: number }> {
  const eventStore = openSqliteEventStore({ filename: join(dataDir, 'events.db') });
  const deps = {
    eventStore,
    registry: createEventRegistry(systemEvents),
    clock: systemClock,
    ids: { uuid: randomUUID },
    passwords: createScryptPasswordHasher(),
  };
  const started = Date.now();
  const statuses = ['Hardware', 'Software', 'Network', 'Maintenance'];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await submitServiceRequest(
        deps,
        {
          requester: { userId: `bench-user-${i % 50}`, name: `Bench User ${i % 50}`, department: 'IT' },
          deviceType: i % 2 ? 'Laptop' : 'Printer',
          brand: 'Lenovo',
          model: 'V14',
          serialNumber: `PRE-${i}`,
          serviceType: statuses[i % statuses.length]!,
          description: 'Preloaded request for the benchmark',
          photo: null,
        },
        systemMeta(deps.ids, 'bench'),
      );
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const events = await eventStore.headPosition();
  await eventStore.close();
  return { events, seconds: (Date.now() - started) / 1000 };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'isp-bench-'));
  const product = join(__dirname, '..', 'src', 'main.js');
  const env = {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-'.padEnd(48, 'z'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  };
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    process.stdout.write(`${s}\n`);
  };
  try {
    say(`# isp-ops benchmark — ${new Date().toISOString()}, node ${process.version}, ${REQUESTS} preloaded service requests`);
    say(`# autocannon in this process: ${CONNECTIONS} connections, ${SECONDS} s per scenario`);

    // First start bootstraps the admin; then preload straight into the log while it is down.
    const first = await startProcess(product, env);
    await waitHealthy(first.url);
    await first.stop();
    const pre = await preload(dataDir, REQUESTS);
    say(`preload: ${pre.events} events in ${pre.seconds.toFixed(1)} s (${Math.round(pre.events / pre.seconds)} events/s through the command layer)`);

    const server = await startProcess(product, env);
    const catchUpMs = await waitHealthy(server.url);
    say(`start-up catch-up (replay ${pre.events} events into the read models): ${(catchUpMs / 1000).toFixed(2)} s`);
    const token = await login(server.url);
    const bare = await startProcess(join(__dirname, 'bare-server.js'), {});

    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const results: LoadResult[] = [];
    results.push(await load('bare express handler', { url: `${bare.url}/` }));
    results.push(
      await load('create service request (POST /api/services)', {
        url: `${server.url}/api/services`,
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ device_type: 'Laptop', serial_number: 'BENCH', service_type: 'Hardware', description: 'load' }),
      }),
    );
    results.push(
      await load('filtered list (GET /api/services?status=pending&per_page=20)', {
        url: `${server.url}/api/services?status=pending&per_page=20&page=3`,
        headers: auth,
      }),
    );
    const base = results[0]!.rps;
    say('');
    say('| scenario | req/s | % of bare | p50 ms | p99 ms | non-2xx | errors |');
    say('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of results) {
      say(`| ${r.name} | ${r.rps} | ${Math.round((100 * r.rps) / base)}% | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
    }

    const rebuildStart = await fetch(`${server.url}/ops/projections/service_requests/rebuild`, { method: 'POST', headers: auth });
    if (rebuildStart.status !== 202) throw new Error(`rebuild answered ${rebuildStart.status}`);
    for (;;) {
      const res = await fetch(`${server.url}/ops/projections/service_requests/rebuild`, { headers: auth });
      const { rebuild } = ((await res.json()) as { data: { rebuild: { state: string; processed: number; eventsPerSecond: number | null } } }).data;
      if (rebuild.state !== 'running') {
        say('');
        say(`rebuild of service_requests: ${rebuild.state}, ${rebuild.processed} events, ${rebuild.eventsPerSecond} events/s`);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    say(`product resident memory after the runs: ${rssMb(server.proc.pid!)} MB`);
    await bare.stop();
    await server.stop();

    say('');
    say('durable single-event appends on the SQLite event store (WAL, synchronous=FULL, group commit):');
    const appends = await runAppendBench({ durationMs: 5000 });
    say(formatAppendBench(appends));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
