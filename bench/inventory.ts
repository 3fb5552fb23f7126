/**
 * Inventory budgets (DESIGN.md section 9): document 003's devices list and device assignments
 * list, and document 000's items list, each with narrow and broad filters, then the writes of
 * both documents, on a log preloaded through the command layer (bench/inventory-preload.ts),
 * next to a bare Express handler measured in the same run, all in one table. A script, not a test.
 *
 *   npm run build && node dist/bench/inventory.js [devices=100000]
 *
 * The write scenarios run after the lists (so the lists measure the same data as before), each
 * with the same connections and seconds, every request a valid one (the table's non-2xx column
 * must read 0; anything else is a bug in the scenario). Every value that must be unique is made
 * from a run id (the start time in base 36), so a run on a kept data directory never collides
 * with an earlier run's data:
 *
 *  - 003 create device (POST /api/v1/admin/devices): a new serial number (`WSN-<run>-<n>`) and
 *    asset code (`W<run>-<n>`, at most 20 characters) per request, in one of ten categories
 *    created for the run in the setup (POST /api/v1/admin/categories, bribox id `W<run><c>`).
 *  - 003 assign a device (POST /api/v1/admin/device-assignments): the devices the create scenario
 *    just made (free, in the run's own categories), each to one staff user (GET
 *    /api/v1/admin/users), at most one device of a category per user, so no request meets
 *    ERR_DEVICE_ALREADY_ASSIGNED or ERR_USER_ALREADY_HOLDS_CATEGORY. The pairs are a bounded
 *    pool (autocannon's maxOverallRequests): when the run uses all of them before its seconds
 *    are up, the row says so and its req/s is the pairs over the time they took (autocannon's
 *    per-second average would count the last, partial second as a whole one).
 *  - 000 create item (POST /api/inventory/items): a new SKU (`WSKU-<run>-<n>`) per request.
 *  - 000 assign stock (POST /api/inventory/assignments): one unit per request, over 16 items
 *    created in the setup with 1,000,000 in stock each, 8 technicians (POST /api/users) and 8
 *    tickets (POST /api/customers, POST /api/tickets) created in the setup for the run.
 *
 * Document 003's limit of 100 requests a minute per user is off for the whole run
 * (INVENTORY_RATE_LIMIT_PER_MINUTE=0); document 000's inventory has none.
 *
 * Environment: BENCH_SECONDS per scenario (default 10), BENCH_CONNECTIONS (default 32),
 * BENCH_DATA_DIR (keep the preloaded log there, and reuse it when it already holds one).
 * `npm run bench` runs it too (`runInventoryBench`, BENCH_DEVICES).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BARE, BARE_AGAIN, call, fresh, killStarted, load, loadMadeEachTime, loadPool, loadWrite, PRODUCT, productEnv, rssMb, startProcess, table, waitHealthy, type Defaults, type Headers, type LoadResult } from './harness';
import { BRANDS, benchSerial, preloadInventory } from './inventory-preload';

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

/** Ten categories per run hold the devices the write scenarios create (a fresh custody slot for every user in each). */
const WRITE_CATEGORIES = 10;

/**
 * The write scenarios (see the header): a setup through HTTP (categories, technicians, a
 * customer with tickets, stock items), then each write measured like a list.
 */
export async function inventoryWrites(url: string, auth: Headers, defaults: Defaults, say: (line: string) => void): Promise<LoadResult[]> {
  const run = Date.now().toString(36);
  const headers = { ...auth, 'content-type': 'application/json' };
  const results: LoadResult[] = [];
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  // Setup, not measured.
  const categories: string[] = [];
  for (let c = 0; c < WRITE_CATEGORIES; c++) {
    const briboxId = `W${run}${c}`;
    await call(url, 'POST', '/api/v1/admin/categories', headers, { bribox_id: briboxId, name: `Kategori bench ${run} ${c}`, description: 'Created by bench/inventory.ts' });
    categories.push(briboxId);
  }
  // Staff users who may hold devices (at most 2,000: ten categories make 20,000 custody slots).
  const users: number[] = [];
  for (let page = 1; page <= 20; page++) {
    const got = await call<{ data: Array<{ userId: number }>; meta: { lastPage: number } }>(url, 'GET', `/api/v1/admin/users?perPage=100&page=${page}`, headers);
    users.push(...got.data.map((u) => u.userId));
    if (page >= got.meta.lastPage) break;
  }
  const technicians: string[] = [];
  for (let k = 0; k < 8; k++) {
    const got = await call<{ data: { user: { id: string } } }>(url, 'POST', '/api/users', headers, {
      email: `teknisi-${run}-${k}@bench.example`,
      password: 'bench-password-1',
      role: 'technician',
      profile: { full_name: `Teknisi Bench ${k}`, phone: `0812${String(k).padStart(8, '0')}` },
    });
    technicians.push(got.data.user.id);
  }
  const customer = await call<{ data: { customer: { id: string } } }>(url, 'POST', '/api/customers', headers, {
    full_name: `Pelanggan Bench ${run}`,
    phone: '081299990000',
    email: `pelanggan-${run}@bench.example`,
    address: 'Jl. Bench No. 1',
    coordinates: { lat: -6.2, lng: 106.8 },
    service_area: 'Jakarta Selatan',
  });
  const tickets: string[] = [];
  for (let k = 0; k < 8; k++) {
    const got = await call<{ data: { ticket: { id: string } } }>(url, 'POST', '/api/tickets', headers, {
      customer_id: customer.data.customer.id,
      type: 'new_installation',
      priority: 'normal',
      title: `Pemasangan ${k}`,
      description: 'Bench: equipment for this job',
      location: { lat: -6.2, lng: 106.8 },
    });
    tickets.push(got.data.ticket.id);
  }
  const stock: string[] = [];
  for (let i = 0; i < 16; i++) {
    const got = await call<{ data: { item: { id: string } } }>(url, 'POST', '/api/inventory/items', headers, {
      name: `ONT bench ${run} ${i}`,
      category: 'ONT',
      sku: `WSTOCK-${run}-${i}`,
      unit_price: 450000,
      stock_quantity: 1_000_000,
      min_stock_level: 10,
    });
    stock.push(got.data.item.id);
  }
  say(`write setup: run ${run}; ${categories.length} categories, ${users.length} staff users, ${technicians.length} technicians, ${tickets.length} tickets, ${stock.length} stock items`);

  // 003: create devices; the ones created are the next scenario's free devices.
  const created: Array<{ deviceId: number; category: number }> = [];
  results.push(
    await loadWrite(
      '003 create device (POST /api/v1/admin/devices)',
      url,
      headers,
      fresh(
        'POST',
        (n) => {
          const [brand, model] = BRANDS[n % BRANDS.length]!;
          return {
            path: '/api/v1/admin/devices',
            body: {
              brand,
              brand_name: model,
              serial_number: `WSN-${run}-${n}`,
              asset_code: `W${run}-${n}`,
              bribox_id: categories[n % WRITE_CATEGORIES],
              condition: 'Baik',
              spec1: 'Intel Core i5',
              spec2: '16 GB',
              spec3: '512 GB SSD',
              dev_date: '2025-01-15',
            },
          };
        },
        (body) => {
          const d = (JSON.parse(body) as { data: { deviceId: number; assetCode: string } }).data;
          created.push({ deviceId: d.deviceId, category: Number(d.assetCode.slice(d.assetCode.lastIndexOf('-') + 1)) % WRITE_CATEGORIES });
        },
      ),
      defaults,
    ),
  );

  // 003: assign them, user k of each category getting its k-th device: never a held device, never a second of a category.
  const byCategory: number[][] = categories.map(() => []);
  for (const d of created) byCategory[d.category]!.push(d.deviceId);
  const pairs: Array<{ device: number; user: number }> = [];
  for (let c = 0; c < WRITE_CATEGORIES; c++) {
    byCategory[c]!.slice(0, users.length).forEach((device, k) => pairs.push({ device, user: users[k]! }));
  }
  if (pairs.length < defaults.connections) {
    say(`003 assign a device: left out, only ${pairs.length} free device and user pairs for ${defaults.connections} connections`);
  } else {
    results.push(
      await loadPool(
        '003 assign a device (POST /api/v1/admin/device-assignments, the devices just created)',
        url,
        headers,
        fresh('POST', (n) => {
          const pair = pairs[n % pairs.length]!;
          return { path: '/api/v1/admin/device-assignments', body: { device_id: pair.device, user_id: pair.user, assigned_date: day, status: 'Digunakan', notes: 'Bench assignment' } };
        }),
        pairs.length,
        defaults,
      ),
    );
  }

  // 000: create items, each with its own SKU.
  results.push(
    await loadWrite(
      '000 create item (POST /api/inventory/items)',
      url,
      headers,
      fresh('POST', (n) => ({
        path: '/api/inventory/items',
        body: { name: `Patch cord bench ${n}`, category: 'Cable', sku: `WSKU-${run}-${n}`, description: 'Bench item', unit_price: 25000, stock_quantity: 100, min_stock_level: 10 },
      })),
      defaults,
    ),
  );

  // 000: one unit of stock to a technician for a ticket, over 16 items, 8 technicians and 8 tickets.
  results.push(
    await loadWrite(
      '000 assign stock (POST /api/inventory/assignments, 1 unit, over 16 items)',
      url,
      headers,
      fresh('POST', (n) => ({
        path: '/api/inventory/assignments',
        body: { item_id: stock[n % stock.length], technician_id: technicians[n % technicians.length], ticket_id: tickets[n % tickets.length], quantity: 1, notes: 'Bench' },
      })),
      defaults,
    ),
  );
  return results;
}

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
    // The lines above ask one URL again and again (the answer kept for it); this one makes its answer at each request.
    results.push(await loadMadeEachTime('003 devices, condition=Baik, page 3, made at each request', server.url, '/api/v1/admin/devices?condition=Baik&page=3&perPage=20', auth, defaults));
    results.push(...(await inventoryWrites(server.url, auth, defaults, say)));
    results.push(await load(BARE_AGAIN, { url: `${bare.url}/` }, defaults));
    say('');
    table(results, [results[0]!, results.at(-1)!], say);
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
