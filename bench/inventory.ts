/**
 * Inventory read budgets (DESIGN.md section 9): document 003's devices list and device
 * assignments list, and document 000's items list, each with narrow and broad filters, on a log
 * preloaded through the command layer (bench/inventory-preload.ts), next to a bare Express
 * handler measured in the same run. A script, not a test.
 *
 *   npm run build && node dist/bench/inventory.js [devices=100000]
 *
 * Environment: BENCH_SECONDS per scenario (default 10), BENCH_CONNECTIONS (default 32),
 * BENCH_DATA_DIR (keep the preloaded log there, and reuse it when it already holds one).
 * `preloadInventory` and `inventoryScenarios` are exported for bench/run.ts to add.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchSerial, preloadInventory } from './inventory-preload';

export { preloadInventory } from './inventory-preload';

export interface Scenario {
  name: string;
  path: string;
}

/**
 * The list scenarios, each a GET with the admin's token. "Broad" filters match a large share of
 * the devices (tens of thousands at 100,000), "narrow" ones a handful; every answer includes its
 * total. Document 003's rate limit must be off for the run (INVENTORY_RATE_LIMIT_PER_MINUTE=0):
 * one token sends thousands of requests a minute.
 */
export function inventoryScenarios(devices: number): Scenario[] {
  return [
    { name: '003 devices, broad (condition=Baik, page 3)', path: '/api/v1/admin/devices?condition=Baik&page=3&perPage=20' },
    { name: '003 devices, broad search (search=dell, page 2)', path: '/api/v1/admin/devices?search=dell&page=2&perPage=20' },
    { name: '003 devices, narrow search (one serial number)', path: `/api/v1/admin/devices?search=${benchSerial(Math.floor(devices / 2))}` },
    { name: '003 device-assignments, broad (activeOnly, page 2)', path: '/api/v1/admin/device-assignments?activeOnly=true&page=2&perPage=20' },
    { name: '003 device-assignments, broad search (search=lenovo, activeOnly)', path: '/api/v1/admin/device-assignments?search=lenovo&activeOnly=true&perPage=20' },
    { name: '003 device-assignments, narrow (branchId=7, Cadangan, activeOnly)', path: '/api/v1/admin/device-assignments?branchId=7&status=Cadangan&activeOnly=true&perPage=20' },
    { name: '000 items, broad (page 2)', path: '/api/inventory/items?page=2&limit=20' },
    { name: '000 items, narrow (category=ont, low_stock)', path: '/api/inventory/items?category=ont&low_stock=true&limit=20' },
    { name: '000 items, search (search=kabel)', path: '/api/inventory/items?search=kabel&limit=20' },
  ];
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };
const started: ChildProcess[] = [];

function startProcess(script: string, env: Record<string, string>): Promise<{ proc: ChildProcess; url: string; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, ['--max-old-space-size=4096', script], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(proc);
  return new Promise((resolve, reject) => {
    let buffer = '';
    let found = false;
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (found) return;
      buffer += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(buffer) ?? /^LISTENING (\S+)/m.exec(buffer);
      if (m) {
        found = true;
        resolve({ proc, url: m[1]!, stop: () => new Promise<void>((r) => (proc.once('exit', () => r()), proc.kill('SIGTERM'))) });
      }
    });
    proc.once('exit', (code, signal) => {
      if (!found) reject(new Error(`${script} exited with ${code ?? signal}`));
    });
  });
}

async function waitHealthy(url: string): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return Date.now() - t0;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);

async function load(url: string, headers: Record<string, string> = {}) {
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

async function main(): Promise<void> {
  const devices = Number(process.argv[2] ?? 100_000);
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'isp-inventory-bench-'));
  const say = (s: string) => process.stdout.write(`${s}\n`);
  const env = {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-'.padEnd(48, 'z'),
    SECRETS_KEY: 'bench-secrets-key-'.padEnd(48, 'k'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JOBS_ENABLED: 'false',
    INVENTORY_RATE_LIMIT_PER_MINUTE: '0',
  };
  const product = join(__dirname, '..', 'src', 'main.js');
  try {
    say(`# inventory benchmark — ${new Date().toISOString()}, node ${process.version}, ${CONNECTIONS} connections, ${SECONDS} s per scenario`);
    if (!(keep && existsSync(join(keep, 'events.db')))) {
      const first = await startProcess(product, env);
      await waitHealthy(first.url);
      await first.stop();
      const pre = await preloadInventory(dataDir, { devices }, say);
      say(
        `preload: ${pre.devices} devices, ${pre.assignments} assignments (${pre.activeAssignments} active), ${pre.items} items: ` +
          `${pre.events} events in ${pre.seconds.toFixed(0)} s (${Math.round(pre.events / pre.seconds)} events/s through the command layer)`,
      );
    } else {
      say(`preload: reusing ${dataDir}`);
    }
    const server = await startProcess(product, env);
    const replayMs = await waitHealthy(server.url);
    say(`start-up until /health answers 200: ${(replayMs / 1000).toFixed(1)} s; resident memory ${rssMb(server.proc.pid!)} MB`);
    const login = (await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { token: string };
    const auth = { authorization: `Bearer ${login.token}` };
    const bare = await startProcess(join(__dirname, 'bare-server.js'), {});
    const base = await load(`${bare.url}/`);
    say('');
    say('| scenario | matches | req/s | % of bare | p50 ms | p99 ms | non-2xx |');
    say('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    say(`| bare express handler | | ${base.rps} | 100% | ${base.p50} | ${base.p99} | ${base.non2xx} |`);
    for (const s of inventoryScenarios(devices)) {
      const probe = (await (await fetch(`${server.url}${s.path}`, { headers: auth })).json()) as { meta?: { total: number }; data?: { pagination?: { total: number } } };
      const total = probe.meta?.total ?? probe.data?.pagination?.total ?? '?';
      const r = await load(`${server.url}${s.path}`, auth);
      say(`| ${s.name} | ${total} | ${r.rps} | ${Math.round((100 * r.rps) / base.rps)}% | ${r.p50} | ${r.p99} | ${r.non2xx + r.errors} |`);
    }
    say('');
    say(`resident memory after the runs: ${rssMb(server.proc.pid!)} MB`);
    await bare.stop();
    await server.stop();
  } finally {
    for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`inventory bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
