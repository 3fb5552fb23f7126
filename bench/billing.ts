/**
 * Figures for document 002's lists, writes, CSV export and import (a script, not a test), against
 * DESIGN.md §9: a filtered, paginated list at least 40% of a bare Express handler's rate with p99
 * under 50 ms, filters matching a few documents or tens of thousands, totals included; the
 * export streamed in bounded memory; the import's rows per second (no budget of its own: it is
 * the long-running write a migration makes, BENCH_IMPORT_ROWS rows, 5,000 by default).
 *
 *   npm run build && node dist/bench/billing.js [pelanggan=10000] [invoicesPerPelanggan=3]
 *
 * The product runs in its own process (dist/src/main.js) on a data directory preloaded through
 * the command layer (bench/billing-preload.ts), so start-up replays the whole log into every
 * read model. autocannon in this process measures the bare handler, each list, then each write
 * (same connections and seconds, one table); the export is read to its end, after the lists and
 * before the writes, while the product's resident memory is sampled. `npm run bench` runs it too
 * (`runBillingBench`, BENCH_PELANGGAN); BENCH_SECONDS, BENCH_CONNECTIONS and BENCH_DATA_DIR work
 * as they do there. The document's rate limits are off for the run (BILLING_RATE_LIMIT_GENERAL=0,
 * BILLING_RATE_LIMIT_EXPORT=0, BILLING_RATE_LIMIT_IMPORT=0): one token sends thousands of
 * requests a minute.
 *
 * The write scenarios send only valid requests (the table's non-2xx column must read 0; anything
 * else is a bug in the scenario), and nothing a kept data directory's earlier runs have taken:
 *
 *  - create pelanggan (POST /api/pelanggan/): `no_ktp` and `email` are unique, so each request
 *    has its own, made from the run's start in epoch seconds (10 digits) and the request's number
 *    (6 digits): no_ktp `<seconds><n>`, email `w<seconds>-<n>@bench-tulis.example` (the preload's
 *    no_ktp begin with 3171).
 *  - create invoice (POST /api/invoices/): one invoice per pelanggan and periode, so request n is
 *    for pelanggan n mod K (K: up to 2,000 pelanggan ids read from the list) and the periode
 *    n div K months after the first month from 2100-01 that has no invoice yet (looked up with
 *    GET /api/invoices/?periode=; the preload's months end at 2026-01), so every (pelanggan,
 *    periode) pair is new, in this run and against every earlier one.
 *  - pay invoice (PATCH /api/invoices/{id}/status to Lunas, an allowed step from Menunggu
 *    Pembayaran): each invoice the create scenario just made, once. They are a bounded pool
 *    (autocannon's maxOverallRequests): when the run uses them all before its seconds are up,
 *    the row says so and its req/s is the payments over the time they took.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BARE, BARE_AGAIN, call, fresh, killStarted, load, loadMadeEachTime, loadPool, loadWrite, PRODUCT, productEnv, rssMb, startProcess, table, waitHealthy, type LoadResult } from './harness';
import { BENCH_BRANDS, benchPeriods, preloadBilling } from './billing-preload';

export interface BillingBenchOptions {
  pelanggan: number;
  invoicesPerPelanggan: number;
  seconds: number;
  connections: number;
  /** Keep (and reuse) the preloaded log here; default a temporary directory removed at the end. */
  dataDir?: string;
  say(line: string): void;
}

export interface BillingBenchResult {
  events: number;
  startupMs: number;
  rssMb: number;
  lists: LoadResult[];
  writes: LoadResult[];
  export: { rows: number; bytes: number; ms: number; rssBeforeMb: number; rssPeakMb: number };
  import: { rows: number; created: number; ms: number };
}

/**
 * POST /api/pelanggan/import of `rows` new pelanggan (no package), unique to this run as the
 * creates are: no_ktp `<epoch seconds><n>`, email `i<seconds>-<n>@bench-impor.example`.
 */
async function importRows(url: string, headers: Record<string, string>, rows: number): Promise<{ rows: number; created: number; ms: number }> {
  const run = Math.floor(Date.now() / 1000);
  const lines = ['Nama,No KTP,Email,No Telepon,Layanan,Alamat,Tanggal Instalasi (YYYY-MM-DD),ID Brand'];
  for (let n = 0; n < rows; n++) {
    lines.push(`Pelanggan Impor ${run} ${n},${run}${String(n).padStart(6, '0')},i${run}-${n}@bench-impor.example,0858${String(n).padStart(8, '0')},,Jl. Melati No. ${n},2025-06-01,${BENCH_BRANDS[n % BENCH_BRANDS.length]}`);
  }
  const form = new FormData();
  form.append('file', new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }), 'pelanggan.csv');
  const t0 = Date.now();
  const res = await fetch(`${url}/api/pelanggan/import`, { method: 'POST', headers, body: form });
  const body = (await res.json()) as { created?: number; errors?: unknown[] };
  const ms = Date.now() - t0;
  if (res.status !== 200 || body.created !== rows) throw new Error(`import: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return { rows, created: body.created, ms };
}

const ADMIN = { email: 'bench-billing@example.com', password: 'bench-password-1' };

/** YYYY-MM of month index m counted from 2100-01 (the write scenarios' invoices; the preload's are before 2026-02). */
const futureMonth = (m: number): string => `${2100 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
const LAST_MONTH = (9999 - 2100) * 12 + 11;

/** The write scenarios (see the header), each measured like a list. */
export async function billingWrites(url: string, auth: Record<string, string>, defaults: { connections: number; seconds: number }, say: (line: string) => void): Promise<LoadResult[]> {
  const run = Math.floor(Date.now() / 1000);
  const headers = { ...auth, 'content-type': 'application/json' };
  const results: LoadResult[] = [];

  // Setup, not measured: pelanggan ids to invoice, and the first month from 2100-01 no earlier run has used.
  const ids: number[] = [];
  for (let skip = 0; skip < 2000; skip += 100) {
    const page = await call<{ data: Array<{ id: number; id_brand: string | null }>; total_count: number }>(url, 'GET', `/api/pelanggan/?skip=${skip}&limit=100&fields=id,id_brand`, headers);
    ids.push(...page.data.filter((p) => p.id_brand).map((p) => p.id));
    if (skip + 100 >= page.total_count) break;
  }
  const used = async (m: number) => (await call<{ total_count: number }>(url, 'GET', `/api/invoices/?periode=${futureMonth(m)}&limit=1`, headers)).total_count > 0;
  // The months used so far are a prefix (each run takes the ones after the last): gallop, then bisect.
  let free = 0;
  if (await used(0)) {
    let lo = 0;
    let hi = 1;
    while (await used(hi)) {
      lo = hi;
      hi = Math.min(hi * 2, LAST_MONTH);
      if (lo === LAST_MONTH) throw new Error('setup: every month up to 9999-12 has bench invoices');
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await used(mid)) lo = mid;
      else hi = mid;
    }
    free = hi;
  }
  say(`write setup: run ${run}; invoices over ${ids.length} pelanggan from periode ${futureMonth(free)}`);

  results.push(
    await loadWrite(
      '002 create pelanggan (POST /api/pelanggan/)',
      url,
      headers,
      fresh('POST', (n) => ({
        path: '/api/pelanggan/',
        body: {
          nama: `Pelanggan Tulis ${run} ${n}`,
          email: `w${run}-${n}@bench-tulis.example`,
          no_telp: `0857${String(n % 100_000_000).padStart(8, '0')}`,
          no_ktp: `${run}${String(n % 1_000_000).padStart(6, '0')}`,
          alamat: `Jl. Cempaka No. ${n}`,
          id_brand: BENCH_BRANDS[n % BENCH_BRANDS.length],
          tanggal_instalasi: '2025-06-01',
        },
      })),
      defaults,
    ),
  );

  const invoices: number[] = [];
  results.push(
    await loadWrite(
      `002 create invoice (POST /api/invoices/, periode from ${futureMonth(free)})`,
      url,
      headers,
      fresh(
        'POST',
        (n) => {
          const periode = futureMonth(Math.min(free + Math.floor(n / ids.length), LAST_MONTH));
          return {
            path: '/api/invoices/',
            body: {
              pelanggan_id: ids[n % ids.length],
              periode,
              tanggal_jatuh_tempo: `${periode}-20`,
              items: [{ deskripsi: `Internet 50Mbps (${periode})`, jumlah: 1, harga: 300_000 }],
            },
          };
        },
        (body) => invoices.push((JSON.parse(body) as { id: number }).id),
      ),
      defaults,
    ),
  );

  if (invoices.length < defaults.connections) {
    say(`002 pay invoice: left out, only ${invoices.length} new invoices for ${defaults.connections} connections`);
  } else {
    results.push(
      await loadPool(
        '002 pay invoice (PATCH /api/invoices/{id}/status, Lunas, the invoices just created)',
        url,
        headers,
        fresh('PATCH', (n) => ({ path: `/api/invoices/${invoices[n % invoices.length]}/status`, body: { status_invoice: 'Lunas', metode_pembayaran: 'Transfer Bank' } })),
        invoices.length,
        defaults,
      ),
    );
  }
  return results;
}

/** Preloads (unless the data directory already holds a log), starts the product, measures. */
export async function runBillingBench(o: BillingBenchOptions): Promise<BillingBenchResult> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'isp-billing-bench-'));
  const reuse = o.dataDir !== undefined && existsSync(join(o.dataDir, 'events.db'));
  const product = PRODUCT;
  // The document's per-user limits (100/min, export 10/h) would refuse a load generator.
  const env = productEnv(dataDir, ADMIN, { BILLING_RATE_LIMIT_GENERAL: '0', BILLING_RATE_LIMIT_EXPORT: '0', BILLING_RATE_LIMIT_IMPORT: '0' });
  const defaults = { connections: o.connections, seconds: o.seconds };
  const periods = benchPeriods(o.invoicesPerPelanggan);
  let events = 0;
  try {
    if (!reuse) {
      mkdirSync(dataDir, { recursive: true });
      const first = await startProcess(product, env);
      await waitHealthy(first.url);
      await first.stop();
      const pre = await preloadBilling(dataDir, { pelanggan: o.pelanggan, invoicesPerPelanggan: o.invoicesPerPelanggan }, o.say);
      events = pre.events;
      o.say(`preload: ${o.pelanggan} pelanggan, ${o.pelanggan * o.invoicesPerPelanggan} invoices, ${pre.events} events in ${pre.seconds.toFixed(0)} s`);
    } else {
      o.say(`preload: skipped, measuring on the log already in ${dataDir}`);
    }
    const server = await startProcess(product, env);
    const startupMs = await waitHealthy(server.url);
    const rss = rssMb(server.proc.pid!);
    o.say(`start-up (every read model from the log): ${(startupMs / 1000).toFixed(1)} s; resident memory ${rss} MB`);
    const login = await fetch(`${server.url}/api/users/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: ADMIN.email, password: ADMIN.password }).toString(),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token}` };
    const one = Math.floor(o.pelanggan / 2) + 1;
    const bare = await startProcess(BARE, {});
    const lists: LoadResult[] = [await load('bare express handler', { url: `${bare.url}/` }, defaults)];
    const scenarios: Array<[string, string]> = [
      ['pelanggan, unfiltered, page 67 (skip=1000)', '/api/pelanggan/?skip=1000&limit=15'],
      ['pelanggan, id_brand=ARTA (half of them)', '/api/pelanggan/?id_brand=ARTA&limit=15'],
      ['pelanggan, search one name (narrow)', `/api/pelanggan/?search=${one}&limit=15`],
      ['pelanggan, alamat=kenanga (a quarter)', '/api/pelanggan/?alamat=kenanga&limit=15'],
      ['invoices, one pelanggan (narrow)', `/api/invoices/?pelanggan_id=${one}`],
      [`invoices, a whole periode (${periods.at(-1)})`, `/api/invoices/?periode=${periods.at(-1)}&skip=100`],
      ['invoices, every Lunas invoice', '/api/invoices/?status_invoice=Lunas&skip=100'],
      [`invoices, periode ${periods[0]} + Lunas`, `/api/invoices/?periode=${periods[0]}&status_invoice=Lunas`],
    ];
    for (const [name, path] of scenarios) lists.push(await load(name, { url: `${server.url}${path}`, headers }, defaults));
    // The lines above ask one URL again and again (the answer kept for it); this one makes its answer at each request.
    lists.push(await loadMadeEachTime('pelanggan, alamat=kenanga, made at each request', server.url, '/api/pelanggan/?alamat=kenanga&limit=15', headers, defaults));

    // The export (on the data the lists saw, before the writes), read to its end while the product's memory is sampled.
    const rssBeforeMb = rssMb(server.proc.pid!);
    let rssPeakMb = rssBeforeMb;
    const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(server.proc.pid!))), 20);
    const t0 = Date.now();
    const res = await fetch(`${server.url}/api/pelanggan/export/csv?limit=50000`, { headers });
    let bytes = 0;
    let rows = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 0x0a) rows++;
    }
    const ms = Date.now() - t0;
    clearInterval(sampler);
    rows = Math.max(0, rows - 1); // the header

    const writes = await billingWrites(server.url, headers, defaults, o.say);
    const again = await load(BARE_AGAIN, { url: `${bare.url}/` }, defaults);
    await bare.stop();
    const imported = await importRows(server.url, headers, Number(process.env.BENCH_IMPORT_ROWS ?? 5000));
    o.say('');
    table([...lists, ...writes, again], [lists[0]!, again], o.say);
    o.say('');
    o.say(`CSV export of ${rows} rows (${(bytes / 1024 / 1024).toFixed(1)} MB) in ${(ms / 1000).toFixed(2)} s; product resident memory ${rssBeforeMb} MB before, ${rssPeakMb} MB at most while streaming`);
    o.say(`CSV import of ${imported.rows} new pelanggan in ${(imported.ms / 1000).toFixed(2)} s = ${Math.round(imported.rows / (imported.ms / 1000))} rows/s`);
    await server.stop();
    return { events, startupMs, rssMb: rss, lists, writes, export: { rows, bytes, ms, rssBeforeMb, rssPeakMb }, import: imported };
  } finally {
    killStarted();
    if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const say = (s: string) => process.stdout.write(`${s}\n`);
  runBillingBench({
    pelanggan: Number(process.argv[2] ?? 10_000),
    invoicesPerPelanggan: Number(process.argv[3] ?? 3),
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
    dataDir: process.env.BENCH_DATA_DIR,
    say,
  }).catch((err: unknown) => {
    process.stderr.write(`billing bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
