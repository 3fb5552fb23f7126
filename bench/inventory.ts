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
 * `npm run bench` runs it too (`runInventoryBench`, BENCH_DEVICES).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BARE, killStarted, load, PRODUCT, productEnv, rssMb, startProcess, table, waitHealthy } from './harness';
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

const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };

export interface InventoryBenchOptions {
  devices: number;
  seconds: number;
  connections: number;
  /** Keep (and reuse) the preloaded log here; default a temporary directory removed at the end. */
  dataDir?: string;
  say(line: string): void;
}

/** Preloads (unless the data directory already holds a log), starts the product, measures. */
export async function runInventoryBench(o: InventoryBenchOptions): Promise<void> {
  const { devices, say } = o;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'isp-inventory-bench-'));
  const reuse = o.dataDir !== undefined && existsSync(join(o.dataDir, 'events.db'));
  // Document 003's limit (100 a minute per user) would refuse a load generator.
  const env = productEnv(dataDir, ADMIN, { INVENTORY_RATE_LIMIT_PER_MINUTE: '0' });
  const defaults = { connections: o.connections, seconds: o.seconds };
  try {
    say(`# inventory benchmark (documents 003 and 000) — ${o.connections} connections, ${o.seconds} s per scenario`);
    if (!reuse) {
      mkdirSync(dataDir, { recursive: true });
      const first = await startProcess(PRODUCT, env);
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
    const server = await startProcess(PRODUCT, env);
    const replayMs = await waitHealthy(server.url);
    say(`start-up until /health answers 200: ${(replayMs / 1000).toFixed(1)} s; resident memory ${rssMb(server.proc.pid!)} MB`);
    const login = (await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { token: string };
    const auth = { authorization: `Bearer ${login.token}` };
    const bare = await startProcess(BARE, {});
    const results = [await load('bare express handler', { url: `${bare.url}/` }, defaults)];
    const matches: string[] = [];
    for (const s of inventoryScenarios(devices)) {
      const probe = (await (await fetch(`${server.url}${s.path}`, { headers: auth })).json()) as { meta?: { total: number }; data?: { pagination?: { total: number } } };
      matches.push(`${s.name}: ${probe.meta?.total ?? probe.data?.pagination?.total ?? '?'}`);
      results.push(await load(s.name, { url: `${server.url}${s.path}`, headers: auth }, defaults));
    }
    say('');
    table(results, results[0]!.rps, say);
    say('');
    say(`matches (the totals of the answers): ${matches.join('; ')}`);
    say(`resident memory after the runs: ${rssMb(server.proc.pid!)} MB`);
    await bare.stop();
    await server.stop();
  } finally {
    killStarted();
    if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runInventoryBench({
    devices: Number(process.argv[2] ?? 100_000),
    seconds: Number(process.env.BENCH_SECONDS ?? 10),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
    dataDir: process.env.BENCH_DATA_DIR,
    say: (line) => process.stdout.write(`${line}\n`),
  }).catch((err: unknown) => {
    process.stderr.write(`inventory bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
