/**
 * Figures for document 004 (DotMac: the admin modules under /api/v1/... and the customer portal
 * under /api/portal/v1/...), a script, not a test, against DESIGN.md §9: a filtered, paginated
 * list at least 40% of a bare Express handler's rate with p99 under 50 ms, filters matching a few
 * documents or tens of thousands, totals included (every 004 list answers `pagination.total`);
 * a create at least 25% of bare with p99 under 50 ms.
 *
 *   npm run build && node dist/bench/dotmac.js [customers=20000] [invoicesPerCustomer=2]
 *
 * Environment: BENCH_SECONDS per scenario (default 5), BENCH_CONNECTIONS (default 32),
 * BENCH_DATA_DIR (keep the preloaded log there, and measure on it without preloading when it
 * already holds one). `npm run bench` runs it too (`runDotmacBench`, BENCH_DOTMAC: the number of
 * customers, 0 leaves it out; BENCH_DOTMAC_INVOICES_PER_CUSTOMER).
 *
 * Preloaded through the command layer with the server down (bench/dotmac-preload.ts): two
 * brands with six catalog entries; `customers` customers of the three 004 customer types, each
 * with a service instance (80% active, 10% suspended, 4% pending, 4% terminated, 2% none);
 * `invoicesPerCustomer` monthly invoices of each installed one with their payments (older months
 * nine in ten paid, the rest overdue; the newest one in three paid); 20 technicians; as many
 * support tickets as customers over 60 days in every 004 status, priority and category, some
 * assigned, some with their SLA breached; two active portal accounts, the portal reader (with
 * 24 more months of invoices and 40 more tickets) and the portal writer. 20,000 customers are
 * about 520,000 events (a minute and a half here). The product then starts on that log (every read
 * model built from it).
 *
 * Scenarios (autocannon in this process, each against the bare handler measured in the same run;
 * GETs with the admin's staff token unless said, 20 a page; each list's name ends with the
 * total it answers, read once before it is measured):
 *  - GET /api/v1/identity/customers: no filter on page 51 (offset 1000); status=active (broad);
 *    customer_type=business (a fifth); customer_type=enterprise&status=suspended (narrow);
 *    search=<a surname> (a fifth); search=<one customer's full name> (one).
 *  - GET /api/v1/billing/invoices: no filter, offset 1000; status=paid (broad); status=overdue;
 *    customer_id=<one> (narrow); date_from/date_to over the newest month (broad);
 *    status=pending&amount_min=2000000 (enterprise: narrow); amount_max=400000 (residential: broad).
 *  - GET /api/v1/billing/payments: no filter, offset 1000; status=completed (broad);
 *    customer_id=<one> (narrow).
 *  - GET /api/v1/services/instances: status=active (broad); status=suspended (a tenth);
 *    service_id=<one brand's residential plan> (broad); customer_id=<one> (narrow).
 *  - GET /api/v1/services/catalog (six entries).
 *  - GET /api/v1/support/tickets: no filter, offset 1000; status=open (broad);
 *    status=in_progress&priority=critical; category=sales (a twentieth); assigned_to=<one
 *    technician>; sla_breach=true (narrow); created_from/created_to one day (a sixtieth);
 *    status=closed over 30 days (broad).
 *  - GET /api/v1/identity/users?role=technician.
 *  - The portal with the portal reader's token: GET /api/portal/v1/billing/invoices (with the
 *    summary), the same with status=paid&offset=20, GET /api/portal/v1/billing/payments,
 *    GET /api/portal/v1/support/tickets, the same with status=open, GET /api/portal/v1/services.
 *  - The same asked at a new URL at each request (its answer made each time, not the one kept
 *    for a URL and stamped for each request): the instances of one plan, the portal invoices.
 *  - Writes, each body made fresh per request by autocannon's setupRequest with a run id (time
 *    and pid) and a counter, so a run on a kept log never collides with an earlier one:
 *    POST /api/v1/identity/customers (a unique email, which 004 requires), POST
 *    /api/v1/support/tickets and POST /api/v1/billing/invoices (a unique subject or note, over
 *    the newest 500 active customers but those the narrow filters name), POST /api/portal/v1/support/tickets
 *    with the portal writer's token (a unique subject). On a kept log, earlier runs' writes are
 *    part of what the broad lists read (more customers, tickets and invoices); the narrow ones
 *    and the portal reader's stay as preloaded.
 * Document 004's rate limits (DOTMAC_RATE_LIMIT_*) are switched off for the run: one token sends
 * thousands of requests a minute. Every scenario must answer 2xx: the last line names any that
 * did not.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { BARE, BARE_AGAIN, call, fresh, killStarted, load, loadMadeEachTime, loadWrite, PRODUCT, productEnv, rssMb, startProcess, table, waitHealthy, type LoadResult } from './harness';
import { billedCustomer, customerName, dotmacPeriods, PORTAL_PASSWORD, PORTAL_READER, PORTAL_WRITER, PRELOAD_END, preloadDotmac, RESIDENTIAL_PLAN, SURNAMES } from './dotmac-preload';

export interface DotmacBenchOptions {
  customers: number;
  invoicesPerCustomer: number;
  seconds: number;
  connections: number;
  /** Keep (and reuse) the preloaded log here; default a temporary directory removed at the end. */
  dataDir?: string;
  say(line: string): void;
}

export interface DotmacBenchResult {
  events: number;
  startupMs: number;
  rssMb: number;
  results: LoadResult[];
}

const ADMIN = { email: 'bench-dotmac@example.com', password: 'bench-password-1' };

/** Document 004's limits per endpoint type, all off: the load generator is one user. */
const NO_RATE_LIMITS = {
  DOTMAC_RATE_LIMIT_PORTAL_AUTH: '0',
  DOTMAC_RATE_LIMIT_PORTAL: '0',
  DOTMAC_RATE_LIMIT_ADMIN: '0',
  DOTMAC_RATE_LIMIT_UPLOAD: '0',
  DOTMAC_RATE_LIMIT_REPORT: '0',
};

type Envelope<T> = { success: boolean; data: T };

/** Preloads (unless the data directory already holds a log), starts the product, measures. */
export async function runDotmacBench(o: DotmacBenchOptions): Promise<DotmacBenchResult> {
  const { say } = o;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'isp-dotmac-bench-'));
  const reuse = o.dataDir !== undefined && existsSync(join(o.dataDir, 'events.db'));
  const env = productEnv(dataDir, ADMIN, NO_RATE_LIMITS);
  const defaults = { connections: o.connections, seconds: o.seconds };
  let events = 0;
  try {
    say(`# document 004 (DotMac admin and portal) benchmark — ${o.connections} connections, ${o.seconds} s per scenario`);
    if (!reuse) {
      mkdirSync(dataDir, { recursive: true });
      // The first start creates the admin; then the log is filled while the product is down.
      const first = await startProcess(PRODUCT, env);
      await waitHealthy(first.url);
      await first.stop();
      const pre = await preloadDotmac(dataDir, { customers: o.customers, invoicesPerCustomer: o.invoicesPerCustomer }, say);
      events = pre.events;
      say(
        `preload: ${o.customers} customers (+2 portal customers), ${pre.instances} service instances, ${pre.invoices} invoices, ${pre.tickets} tickets: ` +
          `${pre.events} events in ${pre.seconds.toFixed(0)} s (${Math.round(pre.events / pre.seconds)} events/s through the command layer)`,
      );
    } else {
      say(`preload: skipped, measuring on the log already in ${dataDir} (the customer count given must be the one it was preloaded with)`);
    }
    const server = await startProcess(PRODUCT, env);
    const startupMs = await waitHealthy(server.url);
    const rss = rssMb(server.proc.pid!);
    say(`start-up (every read model from the log): ${(startupMs / 1000).toFixed(1)} s; resident memory ${rss} MB`);
    const url = server.url;

    const { token } = await call<{ token: string }>(url, 'POST', '/api/auth/login', {}, ADMIN);
    const admin = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const get = <T>(path: string, headers: Record<string, string> = admin) => call<Envelope<T>>(url, 'GET', path, headers).then((r) => r.data);

    // What the narrow filters name, found through the API (the same on a kept log).
    type Customer = { id: string; portal_id: string | null };
    const one = customerName(billedCustomer(o.customers));
    const [oneCustomer] = (await get<{ customers: Customer[] }>(`/api/v1/identity/customers?search=${encodeURIComponent(one)}&limit=1`)).customers;
    if (!oneCustomer) throw new Error(`no customer "${one}": was ${dataDir} preloaded with ${o.customers} customers?`);
    const portalCustomer = async (search: string) => {
      const [c] = (await get<{ customers: Customer[] }>(`/api/v1/identity/customers?search=${search}&limit=1`)).customers;
      if (!c?.portal_id) throw new Error(`no portal customer "${search}"`);
      return { id: c.id, portalId: c.portal_id };
    };
    const portal = { reader: await portalCustomer(PORTAL_READER.search), writer: await portalCustomer(PORTAL_WRITER.search) };
    const [technician] = (await get<{ users: Array<{ id: string }> }>('/api/v1/identity/users?role=technician&limit=1')).users;
    const plan = (await get<{ services: Array<{ id: string; name: string }> }>('/api/v1/services/catalog?limit=100')).services.find((p) => p.name.endsWith(RESIDENTIAL_PLAN));
    const writeTargets: string[] = [];
    for (let page = 0; page < 5; page++) {
      const { customers } = await get<{ customers: Customer[] }>(`/api/v1/identity/customers?status=active&limit=100&offset=${page * 100}`);
      // Not the customers the narrow filters name: the writes would grow their lists run after run.
      const kept = new Set([oneCustomer.id, portal.reader.id, portal.writer.id]);
      writeTargets.push(...customers.map((c) => c.id).filter((id) => !kept.has(id)));
    }
    if (!technician || !plan || writeTargets.length === 0) throw new Error('the preloaded log lacks technicians, the residential plan or active customers');
    const portalLogin = async (portalId: string) => {
      const { data } = await call<Envelope<{ access_token: string }>>(url, 'POST', '/api/portal/v1/auth/login', {}, { portal_id: portalId, password: PORTAL_PASSWORD });
      return { authorization: `Bearer ${data.access_token}`, 'content-type': 'application/json' };
    };
    const reader = await portalLogin(portal.reader.portalId);
    const writer = await portalLogin(portal.writer.portalId);

    const newest = dotmacPeriods(1)[0]!;
    const lastDay = new Date(PRELOAD_END - 86_400_000).toISOString().slice(0, 10);
    const oneDay = new Date(PRELOAD_END - 15 * 86_400_000).toISOString().slice(0, 10);
    const monthAgo = new Date(PRELOAD_END - 30 * 86_400_000).toISOString().slice(0, 10);
    const surname = SURNAMES[1]!.toLowerCase();
    const page = 'limit=20';
    const lists: Array<[string, string, Record<string, string>?]> = [
      ['004 customers, no filter, offset 1000', `/api/v1/identity/customers?${page}&offset=1000`],
      ['004 customers, status=active (broad)', `/api/v1/identity/customers?status=active&${page}&offset=40`],
      ['004 customers, customer_type=business (a fifth)', `/api/v1/identity/customers?customer_type=business&${page}&offset=40`],
      ['004 customers, customer_type=enterprise&status=suspended (narrow)', `/api/v1/identity/customers?customer_type=enterprise&status=suspended&${page}`],
      [`004 customers, search=${surname} (a fifth)`, `/api/v1/identity/customers?search=${surname}&${page}&offset=40`],
      ['004 customers, search=<one full name> (one)', `/api/v1/identity/customers?search=${encodeURIComponent(one)}&${page}`],
      ['004 invoices, no filter, offset 1000', `/api/v1/billing/invoices?${page}&offset=1000`],
      ['004 invoices, status=paid (broad)', `/api/v1/billing/invoices?status=paid&${page}&offset=40`],
      ['004 invoices, status=overdue', `/api/v1/billing/invoices?status=overdue&${page}&offset=40`],
      ['004 invoices, customer_id=<one> (narrow)', `/api/v1/billing/invoices?customer_id=${oneCustomer.id}&${page}`],
      [`004 invoices, date_from/date_to over ${newest} (broad)`, `/api/v1/billing/invoices?date_from=${newest}-01&date_to=${lastDay}&${page}&offset=40`],
      ['004 invoices, status=pending&amount_min=2000000 (narrow)', `/api/v1/billing/invoices?status=pending&amount_min=2000000&${page}`],
      ['004 invoices, amount_max=400000 (broad)', `/api/v1/billing/invoices?amount_max=400000&${page}&offset=40`],
      ['004 payments, no filter, offset 1000', `/api/v1/billing/payments?${page}&offset=1000`],
      ['004 payments, status=completed (broad)', `/api/v1/billing/payments?status=completed&${page}&offset=40`],
      ['004 payments, customer_id=<one> (narrow)', `/api/v1/billing/payments?customer_id=${oneCustomer.id}&${page}`],
      ['004 service instances, status=active (broad)', `/api/v1/services/instances?status=active&${page}&offset=40`],
      ['004 service instances, status=suspended (a tenth)', `/api/v1/services/instances?status=suspended&${page}&offset=40`],
      ['004 service instances, service_id=<one residential plan> (broad)', `/api/v1/services/instances?service_id=${plan.id}&${page}&offset=40`],
      ['004 service instances, customer_id=<one> (narrow)', `/api/v1/services/instances?customer_id=${oneCustomer.id}&${page}`],
      ['004 support tickets, no filter, offset 1000', `/api/v1/support/tickets?${page}&offset=1000`],
      ['004 support tickets, status=open (broad)', `/api/v1/support/tickets?status=open&${page}&offset=40`],
      ['004 support tickets, status=in_progress&priority=critical', `/api/v1/support/tickets?status=in_progress&priority=critical&${page}`],
      ['004 support tickets, category=sales (a twentieth)', `/api/v1/support/tickets?category=sales&${page}`],
      ['004 support tickets, assigned_to=<one technician>', `/api/v1/support/tickets?assigned_to=${technician.id}&${page}`],
      ['004 support tickets, sla_breach=true (narrow)', `/api/v1/support/tickets?sla_breach=true&${page}`],
      [`004 support tickets, created_from/created_to ${oneDay} (one day)`, `/api/v1/support/tickets?created_from=${oneDay}&created_to=${oneDay}&${page}`],
      ['004 support tickets, status=closed over 30 days (broad)', `/api/v1/support/tickets?status=closed&created_from=${monthAgo}&created_to=${lastDay}&${page}&offset=40`],
      ['004 service catalog', `/api/v1/services/catalog?${page}`],
      ['004 users, role=technician', `/api/v1/identity/users?role=technician&${page}`],
      ['004 portal invoices with the summary (portal token)', '/api/portal/v1/billing/invoices', reader],
      ['004 portal invoices, status=paid, offset 20 (portal token)', '/api/portal/v1/billing/invoices?status=paid&offset=20', reader],
      ['004 portal payments (portal token)', '/api/portal/v1/billing/payments', reader],
      ['004 portal support tickets (portal token)', '/api/portal/v1/support/tickets', reader],
      ['004 portal support tickets, status=open (portal token)', '/api/portal/v1/support/tickets?status=open', reader],
      ['004 portal services (portal token)', '/api/portal/v1/services', reader],
    ];

    // Writes: a fresh body per request; the run id keeps them apart from any earlier run's.
    const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
    const dueDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const post = (path: string, body: (n: number) => unknown): autocannon.Request => fresh('POST', (n) => ({ path, body: body(n) }));
    const target = (n: number) => writeTargets[n % writeTargets.length]!;
    const writes: Array<[string, autocannon.Request, Record<string, string>]> = [
      [
        '004 create customer (POST /api/v1/identity/customers, unique email)',
        post('/api/v1/identity/customers', (n) => ({
          customer_type: n % 5 === 0 ? 'business' : 'residential',
          first_name: 'Bench',
          last_name: `Baru ${runId} ${n}`,
          email: `new-${runId}-${n}@bench.example`,
          phone: '+62 812 5555 0000',
          address: { street: `Jl. Baru ${n}`, city: 'Jakarta', postal_code: '12345', country: 'ID' },
        })),
        admin,
      ],
      [
        `004 create support ticket (POST /api/v1/support/tickets, over ${writeTargets.length} customers)`,
        post('/api/v1/support/tickets', (n) => ({
          customer_id: target(n),
          subject: `Internet mati ${runId}-${n}`,
          description: 'LOS merah sejak pagi',
          category: 'technical',
          priority: 'high',
        })),
        admin,
      ],
      [
        `004 create invoice (POST /api/v1/billing/invoices, over ${writeTargets.length} customers)`,
        post('/api/v1/billing/invoices', (n) => ({
          customer_id: target(n),
          due_date: dueDate,
          line_items: [{ description: 'Biaya pemasangan ulang', quantity: 1, unit_price: 150_000, tax_rate: 0.11 }],
          notes: `bench ${runId}-${n}`,
        })),
        admin,
      ],
      [
        '004 portal create support ticket (POST /api/portal/v1/support/tickets, portal token)',
        post('/api/portal/v1/support/tickets', (n) => ({
          subject: `Internet lambat ${runId}-${n}`,
          category: 'technical',
          priority: 'medium',
          description: 'Kecepatan turun di malam hari',
        })),
        writer,
      ],
    ];

    const bare = await startProcess(BARE, {});
    const results: LoadResult[] = [await load('bare express handler', { url: `${bare.url}/` }, defaults)];
    for (const [name, path, headers] of lists) {
      // The total the page answers with, fetched once, so the table shows what each filter matches.
      const { pagination } = await call<{ pagination?: { total: number } }>(url, 'GET', path, headers ?? admin);
      results.push(await load(pagination ? `${name}: ${pagination.total} match` : name, { url: `${url}${path}`, headers: headers ?? admin }, defaults));
    }
    // The lines above ask one URL again and again (the answer kept for it, stamped for each request); these make their answer at each request.
    results.push(await loadMadeEachTime('004 service instances, service_id=<one residential plan> (broad), made at each request', url, `/api/v1/services/instances?service_id=${plan.id}&${page}&offset=40`, admin, defaults));
    results.push(await loadMadeEachTime('004 portal invoices with the summary (portal token), made at each request', url, '/api/portal/v1/billing/invoices', reader, defaults));
    for (const [name, request, headers] of writes) results.push(await loadWrite(name, url, headers, request, defaults));
    results.push(await load(BARE_AGAIN, { url: `${bare.url}/` }, defaults));
    await bare.stop();
    say('');
    table(results, [results[0]!, results.at(-1)!], say);
    const failed = results.filter((r) => r.non2xx > 0 || r.errors > 0);
    say('');
    say(failed.length === 0 ? 'every scenario answered 2xx' : `NOT every answer was 2xx: ${failed.map((r) => `${r.name} (${r.non2xx} non-2xx, ${r.errors} errors)`).join('; ')}`);
    await server.stop();
    return { events, startupMs, rssMb: rss, results };
  } finally {
    killStarted();
    if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const say = (s: string) => process.stdout.write(`${s}\n`);
  runDotmacBench({
    customers: Number(process.argv[2] ?? 20_000),
    invoicesPerCustomer: Number(process.argv[3] ?? 2),
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
    dataDir: process.env.BENCH_DATA_DIR,
    say,
  }).catch((err: unknown) => {
    process.stderr.write(`dotmac bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
