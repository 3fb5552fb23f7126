/**
 * `npm run bench`: figures for the product on the embedded default (SQLite event store, SQLite
 * read store), printed, never asserted. Not a test. DESIGN.md section 9 names the budgets.
 *
 *  1. A bare Express handler in its own process: the machine's ceiling for this load generator.
 *  2. The product in its own process (dist/src/main.js) on a temporary data directory, its log
 *     preloaded through the command layer (bench/preload.ts: service requests, technicians,
 *     customers, BENCH_TICKETS tickets worked through assignment, comments and closure, about
 *     ten events each, and BENCH_SKEWED tickets of one customer, all new and high), then started
 *     on no read models, so start-up builds every read model from the whole log in one pass: a
 *     full rebuild of every projection (events/s reported). Then stopped and started again: the
 *     restart resumes from the stored checkpoints (time to /health 200 reported).
 *  3. autocannon, in this process, against: the bare handler, and the same handler answering a
 *     ticket-list page saved from the product (what sending that page costs with no other work);
 *     create and filtered list of service requests (document 001); create ticket, a comment and
 *     the detail of existing tickets (spread over 1,000 open ones, ten pages from one drawn for the run), and the ticket list with every
 *     documented filter, narrow and broad (document 000), and the other lists of
 *     document 000 (each asked at one URL: from its second request on, the answer kept for it),
 *     two of them again with a new URL at each request (each answer made); then the bare
 *     handler again. Percentages are of the mean of the bare
 *     handler's two readings (harness.ts bareBase).
 *  4. Projection lag (event to read model) under that load, from the runner's own measurement.
 *  5. A rebuild of each projection through the ops API (the live ones keep serving), events/s.
 *  6. Resident memory of the product process with everything loaded.
 *  7. Durable single-event appends per second on the SQLite store, the disk's own floor for them
 *     (bench/disk-floor.ts), and, when EMMETT_DIR points at an install of
 *     @event-driven-io/emmett-sqlite (see bench/emmett-append.ts), Emmett's rate measured the
 *     same way.
 *
 *  8. Documents 003, 002 and 004 on data directories of their own (bench/inventory.ts: BENCH_DEVICES
 *     devices, default 100000; bench/billing.ts: BENCH_PELANGGAN pelanggan, default 100000, with
 *     BENCH_INVOICES_PER_PELANGGAN invoices each, default 3; bench/dotmac.ts: BENCH_DOTMAC
 *     customers, default 20000, with service instances, BENCH_DOTMAC_INVOICES_PER_CUSTOMER
 *     invoices each, default 2, tickets and two portal accounts): their lists, narrow and broad,
 *     the CSV export (002), and document 004's admin and portal creates, each against a bare
 *     handler measured in the same run, before and after the part. 0 leaves one out.
 *
 * Environment: BENCH_TICKETS (default 100000), BENCH_SKEWED (default 20000), BENCH_REQUESTS
 * (default 20000), BENCH_SECONDS per write scenario (default 10), BENCH_LIST_SECONDS per list
 * scenario (default 5), BENCH_CONNECTIONS (default 32), EMMETT_DIR (optional), BENCH_DATA_DIR
 * (optional: preload into that folder and keep it; when it already holds a log, skip the preload
 * and measure on that log, which is how one investigates a single figure without waiting again).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { runBillingBench } from './billing';
import { runDotmacBench } from './dotmac';
import { BARE, BARE_AGAIN, killStarted, load as loadWith, loadMadeEachTime, PRODUCT, productEnv, rssMb, startProcess, table, waitHealthy, type LoadResult } from './harness';
import { runInventoryBench } from './inventory';
import { formatDiskFloor, measureDiskFloor } from './disk-floor';
import { formatAppendBench, runAppendBench } from './event-store-append';
import { formatEmmettBench, runEmmettBench } from './emmett-append';
import { preload, technicianLogin } from './preload';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const SKEWED = Number(process.env.BENCH_SKEWED ?? 20_000);
const LIST_SECONDS = Number(process.env.BENCH_LIST_SECONDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const KEEP_DIR = process.env.BENCH_DATA_DIR;
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const PELANGGAN = Number(process.env.BENCH_PELANGGAN ?? 100_000);
const INVOICES_PER_PELANGGAN = Number(process.env.BENCH_INVOICES_PER_PELANGGAN ?? 3);
const DOTMAC = Number(process.env.BENCH_DOTMAC ?? 20_000);
const DOTMAC_INVOICES_PER_CUSTOMER = Number(process.env.BENCH_DOTMAC_INVOICES_PER_CUSTOMER ?? 2);

const load = (name: string, opts: autocannon.Options): Promise<LoadResult> => loadWith(name, opts, { connections: CONNECTIONS, seconds: SECONDS });
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };

/**
 * A status poll (a GET) tried again, after a pause, when the connection fails: with a heap of
 * several GB, a rebuild's garbage collection can stall the product for longer than its
 * keep-alive timeout, and the poll that meets the closing socket is reset. Said on stderr.
 */
async function poll<T>(url: string, init: RequestInit): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await json<T>(url, init);
    } catch (err) {
      if (attempt >= 5 || !(err instanceof Error) || !err.message.includes(' failed')) throw err;
      process.stderr.write(`  (${err.message}; polling again)\n`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    // undici says only "fetch failed"; the cause says why (refused, reset, timed out).
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new Error(`${init?.method ?? 'GET'} ${url} failed${cause}`);
  }
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${res.status}`);
  return (await res.json()) as T;
}

/** How many events the log in dataDir holds (its head position), read without opening the store. */
function countEvents(dataDir: string): number {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    return db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get()!;
  } finally {
    db.close();
  }
}

interface ProjectionsStatus {
  head: number;
  position: number;
  lag: { samples: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null };
  projectors: Array<{ name: string }>;
}

interface BenchIds {
  customer: string;
  bigCustomer: string;
  technician: string;
}

/** Ids the list scenarios filter on: an ordinary customer, the customer of the skewed queue, a technician. */
async function benchIds(url: string, auth: Record<string, string>): Promise<BenchIds> {
  const customers = await json<{ data: { customers: Array<{ id: string; full_name: string }> } }>(`${url}/api/customers?limit=100&search=Pelanggan`, { headers: auth });
  const big = customers.data.customers.find((c) => c.full_name === 'Pelanggan 0') ?? customers.data.customers[0]!;
  const other = customers.data.customers.find((c) => c.id !== big.id) ?? big;
  const technicians = await json<{ data: { technicians: Array<{ id: string }> } }>(`${url}/api/technicians?limit=1`, { headers: auth });
  return { customer: other.id, bigCustomer: big.id, technician: technicians.data.technicians[0]!.id };
}

/**
 * Every documented filter of the ticket list (document 000), alone and combined, narrow (a few
 * matches) and broad (tens of thousands), each on page 3 with its total; and the other lists.
 */
/** The list page the bare handler also answers, to show what serialising and sending it costs alone. */
const SAVED_PAGE = '/api/tickets?status=closed&page=3&limit=20';

function listScenarios(ids: BenchIds): Array<[string, string]> {
  const page = 'page=3&limit=20';
  const day = new Date(Date.now() - 120 * 86_400_000).toISOString().slice(0, 10);
  return [
    ['000 ticket list, no filter (every ticket)', `/api/tickets?${page}`],
    ['000 ticket list, status=new (broad)', `/api/tickets?status=new&${page}`],
    ['000 ticket list, status=closed (broad)', `/api/tickets?status=closed&${page}`],
    ['000 ticket list, status=in_progress&priority=high', `/api/tickets?status=in_progress&priority=high&${page}`],
    ['000 ticket list, status=new&priority=high (broad)', `/api/tickets?status=new&priority=high&${page}`],
    ['000 ticket list, status=new&priority=high&customer_id=<skewed customer> (broad)', `/api/tickets?status=new&priority=high&customer_id=${ids.bigCustomer}&${page}`],
    ['000 ticket list, customer_id=<skewed customer> (broad)', `/api/tickets?customer_id=${ids.bigCustomer}&${page}`],
    ['000 ticket list, customer_id=<skewed customer>&status=closed (none of its tickets)', `/api/tickets?customer_id=${ids.bigCustomer}&status=closed&page=1&limit=20`],
    ['000 ticket list, customer_id=<skewed customer>&priority=low (100 of its tickets, its oldest)', `/api/tickets?customer_id=${ids.bigCustomer}&priority=low&page=2&limit=20`],
    ['000 ticket list, customer_id=<ordinary customer> (narrow)', `/api/tickets?customer_id=${ids.customer}&page=1&limit=20`],
    ['000 ticket list, technician_id', `/api/tickets?technician_id=${ids.technician}&${page}`],
    ['000 ticket list, status=in_progress&technician_id', `/api/tickets?status=in_progress&technician_id=${ids.technician}&page=1&limit=20`],
    ['000 ticket list, type=repair (broad)', `/api/tickets?type=repair&${page}`],
    ['000 ticket list, priority=low (broad)', `/api/tickets?priority=low&${page}`],
    ['000 ticket list, created_from/created_to (broad)', `/api/tickets?created_from=${day}&created_to=2100-01-01&${page}`],
    ['000 ticket list, scheduled_from/scheduled_to (none)', `/api/tickets?scheduled_from=${day}&scheduled_to=2100-01-01&${page}`],
    ['000 customer tickets (GET /api/customers/:id/tickets, skewed customer)', `/api/customers/${ids.bigCustomer}/tickets?${page}`],
    ['000 technician tickets (GET /api/technicians/:id/tickets)', `/api/technicians/${ids.technician}/tickets?${page}`],
    ['000 customer list (GET /api/customers)', `/api/customers?${page}`],
    ['000 customer list, search', `/api/customers?search=Pelanggan&${page}`],
    ['000 user list, role=technician', `/api/users?role=technician&${page}`],
    ['000 technician list', `/api/technicians?${page}`],
    ['000 notification list', `/api/notifications?${page}`],
  ];
}

async function main(): Promise<void> {
  const dataDir = KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'isp-bench-'));
  const reuse = KEEP_DIR !== undefined && existsSync(join(KEEP_DIR, 'events.db'));
  const product = PRODUCT;
  const env = productEnv(dataDir, ADMIN);
  const say = (s: string) => process.stdout.write(`${s}\n`);
  try {
    say(`# isp-ops benchmark — ${new Date().toISOString()}, node ${process.version}`);
    say(`# autocannon in this process: ${CONNECTIONS} connections, ${SECONDS} s per scenario`);

    let events: number;
    if (reuse) {
      events = countEvents(dataDir);
      say(`preload: skipped, measuring on the ${events} events already in ${dataDir}`);
    } else {
      // First start bootstraps the admin; then the log is filled while the product is down.
      const first = await startProcess(product, env);
      await waitHealthy(first.url);
      await first.stop();
      const pre = await preload(dataDir, { serviceRequests: REQUESTS, technicians: 100, customers: 1000, tickets: TICKETS, skewedTickets: SKEWED }, say);
      events = pre.events;
      say(
        `preload: ${REQUESTS} service requests, ${TICKETS} tickets (+ ${SKEWED} of one customer), ${pre.events} events in ${pre.seconds.toFixed(0)} s ` +
          `(${Math.round(pre.events / pre.seconds)} events/s through the command layer)`,
      );
    }

    // No read models: the start builds every one of them from the whole log.
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `read-models.db${suffix}`), { force: true });
    const building = await startProcess(product, env);
    const replayMs = await waitHealthy(building.url);
    say(
      `start-up on no read models: every projection built from the log in one pass: ${events} events in ${(replayMs / 1000).toFixed(1)} s ` +
        `= ${Math.round(events / (replayMs / 1000))} events/s (resident memory then: ${rssMb(building.proc.pid!)} MB)`,
    );
    await building.stop();
    // A restart resumes from the checkpoints stored with the read models.
    const restartAt = Date.now();
    const server = await startProcess(product, env);
    await waitHealthy(server.url);
    say(`restart on the stored read models: ${((Date.now() - restartAt) / 1000).toFixed(2)} s from spawning the process to /health 200`);
    say(`resident memory after the restart: ${rssMb(server.proc.pid!)} MB`);
    const { token } = await json<{ token: string }>(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const ids = await benchIds(server.url, auth);
    const customerId = ids.customer;
    // The same bare handler also answers a real page of the ticket list, saved from the product.
    const pageDir = mkdtempSync(join(tmpdir(), 'isp-bench-page-'));
    const pageFile = join(pageDir, 'page.json');
    const pageText = await (await fetch(`${server.url}${SAVED_PAGE}`, { headers: auth })).text();
    writeFileSync(pageFile, pageText);
    const bare = await startProcess(BARE, { BARE_PAGE_FILE: pageFile });

    const results: LoadResult[] = [];
    results.push(await load('bare express handler', { url: `${bare.url}/` }));
    results.push(
      await load(`bare express handler answering a saved ticket-list page (${SAVED_PAGE}, ${Math.round(pageText.length / 1024)} KB), no other work`, {
        url: `${bare.url}/page`,
        duration: LIST_SECONDS,
      }),
    );
    rmSync(pageDir, { recursive: true, force: true });
    results.push(
      await load('001 create service request (POST /api/services)', {
        url: `${server.url}/api/services`,
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ device_type: 'Laptop', serial_number: 'BENCH', service_type: 'Hardware', description: 'load' }),
      }),
    );
    results.push(
      await load('001 filtered list (GET /api/services?status=pending&per_page=20&page=3)', {
        url: `${server.url}/api/services?status=pending&per_page=20&page=3`,
        headers: auth,
      }),
    );
    results.push(
      await load('000 create ticket (POST /api/tickets)', {
        url: `${server.url}/api/tickets`,
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          customer_id: customerId,
          type: 'repair',
          priority: 'high',
          title: 'Internet mati',
          description: 'LOS merah',
          location: { lat: -6.2, lng: 106.8 },
        }),
      }),
    );
    // Writes and reads of existing tickets, spread over 1,000 open ones (one ticket would only
    // measure its stream's queue): a comment, and the detail with its history from the log. The
    // 1,000 are ten pages of the open tickets from a page drawn for the run, so that runs on a
    // kept log do not pile their comments onto the same tickets (the first ten pages had grown
    // to 180 events each after 26 runs, against 3.6 for a ticket of the log on average).
    const open: string[] = [];
    const openPages = (await json<{ data: { pagination: { total_pages: number } } }>(`${server.url}/api/tickets?status=in_progress&limit=100&page=1`, { headers: auth })).data.pagination.total_pages;
    const firstPage = 1 + Math.floor(Math.random() * Math.max(1, openPages - 9));
    for (let page = firstPage; page < firstPage + 10; page++) {
      const listed = await json<{ data: { tickets: Array<{ id: string }> } }>(`${server.url}/api/tickets?status=in_progress&limit=100&page=${page}`, { headers: auth });
      open.push(...listed.data.tickets.map((t) => t.id));
    }
    say(`comments and details over ${open.length} open tickets: pages ${firstPage}–${firstPage + 9} of ${openPages} (status=in_progress, 100 a page)`);
    const spread = (path: (id: string) => string): Pick<autocannon.Request, 'setupRequest'> => {
      let next = 0;
      return { setupRequest: (req) => ({ ...req, path: path(open[next++ % open.length]!) }) };
    };
    results.push(
      await load('000 add a comment (POST /api/tickets/:id/comments, over 1,000 open tickets)', {
        url: server.url,
        headers: auth,
        requests: [{ method: 'POST', body: JSON.stringify({ comment: 'Sudah dicek di lokasi' }), ...spread((id) => `/api/tickets/${id}/comments`) }],
      }),
    );
    results.push(
      await load('000 ticket detail (GET /api/tickets/:id with its history, over 1,000 tickets)', {
        url: server.url,
        headers: auth,
        duration: LIST_SECONDS,
        requests: [{ method: 'GET', ...spread((id) => `/api/tickets/${id}`) }],
      }),
    );
    for (const [name, path] of listScenarios(ids)) {
      results.push(await load(name, { url: `${server.url}${path}`, headers: auth, duration: LIST_SECONDS }));
    }
    // The lines above ask one URL again and again: from its second request on, the answer kept
    // for it is sent. These two make their answer at each request (harness.ts loadMadeEachTime).
    const listDefaults = { connections: CONNECTIONS, seconds: LIST_SECONDS };
    results.push(await loadMadeEachTime('000 ticket list, status=closed (broad), made at each request', server.url, '/api/tickets?status=closed&page=3&limit=20', auth, listDefaults));
    results.push(await loadMadeEachTime('000 customer list, made at each request', server.url, '/api/customers?page=3&limit=20', auth, listDefaults));
    // A technician's own notifications (2,000 in the preload: assigned, status changed), by a type they never get.
    const technician = await json<{ token: string }>(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(technicianLogin(1)),
    });
    results.push(
      await load("000 notification list of a technician, type=ticket_comment (none of their 2,000)", {
        url: `${server.url}/api/notifications?type=ticket_comment&page=1&limit=20`,
        headers: { authorization: `Bearer ${technician.token}` },
        duration: LIST_SECONDS,
      }),
    );
    results.push(await load(BARE_AGAIN, { url: `${bare.url}/` }));
    say('');
    table(results, [results[0]!, results.at(-1)!], say);
    const status = (await json<{ data: ProjectionsStatus }>(`${server.url}/ops/projections`, { headers: auth })).data;
    say('');
    say(
      `projection lag (event timestamp to read model) over the last ${status.lag.samples} events of the runs: ` +
        `p50 ${status.lag.p50Ms} ms, p99 ${status.lag.p99Ms} ms, max ${status.lag.maxMs} ms`,
    );

    say('');
    say('rebuild of each projection beside the live one, then swapped in (POST /ops/projections/:name/rebuild):');
    say('| projection | events | events/s |');
    say('| --- | ---: | ---: |');
    for (const { name } of status.projectors) {
      await json(`${server.url}/ops/projections/${name}/rebuild`, { method: 'POST', headers: auth });
      for (;;) {
        const { rebuild } = (
          await poll<{ data: { rebuild: { state: string; processed: number; eventsPerSecond: number | null; error: string | null } } }>(
            `${server.url}/ops/projections/${name}/rebuild`,
            { headers: auth },
          )
        ).data;
        if (rebuild.state !== 'running') {
          say(`| ${name} | ${rebuild.processed} | ${rebuild.state === 'done' ? rebuild.eventsPerSecond : `${rebuild.state}: ${rebuild.error}`} |`);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    say('');
    say(`product resident memory after the runs and rebuilds: ${rssMb(server.proc.pid!)} MB`);
    await bare.stop();
    await server.stop();

    say('');
    const appends = await runAppendBench({ durationMs: 5000 });
    say(formatAppendBench(appends));
    const floor = measureDiskFloor();
    say(formatDiskFloor(floor));
    if (process.env.EMMETT_DIR) {
      say('');
      const emmett = await runEmmettBench({ emmettDir: process.env.EMMETT_DIR, durationMs: 5000 });
      say(formatEmmettBench(emmett));
      const ours = appends.scenarios.find((x) => x.writers === 1)!.eventsPerSecond;
      const theirs = emmett.scenarios.find((x) => x.writers === 1)!.eventsPerSecond;
      const times = (n: number) => `${(n / theirs).toFixed(1)}x`;
      say(`sequential single-event durable appends: ${ours} vs Emmett ${theirs} events/s = ${times(ours)}`);
      say(`  (the disk's floor above is ${times(floor.bareCommitsPerSecond)} Emmett's rate on a one-column table, ${times(floor.schemaCommitsPerSecond)} with the event store's schema)`);
    }

    // Documents 003, 002 and 004 on data of their own, each against a bare handler of its own run.
    const subDir = (name: string) => (KEEP_DIR ? join(KEEP_DIR, name) : undefined);
    if (DEVICES > 0) {
      say('');
      await runInventoryBench({ devices: DEVICES, seconds: LIST_SECONDS, connections: CONNECTIONS, dataDir: subDir('inventory'), say });
    }
    if (PELANGGAN > 0) {
      say('');
      await runBillingBench({
        pelanggan: PELANGGAN,
        invoicesPerPelanggan: INVOICES_PER_PELANGGAN,
        seconds: LIST_SECONDS,
        connections: CONNECTIONS,
        dataDir: subDir('billing'),
        say,
      });
    }
    if (DOTMAC > 0) {
      say('');
      await runDotmacBench({
        customers: DOTMAC,
        invoicesPerCustomer: DOTMAC_INVOICES_PER_CUSTOMER,
        seconds: LIST_SECONDS,
        connections: CONNECTIONS,
        dataDir: subDir('dotmac'),
        say,
      });
    }
  } finally {
    killStarted();
    if (!KEEP_DIR) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
