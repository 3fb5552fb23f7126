/**
 * Figures for document 002's lists and CSV export (a script, not a test), against DESIGN.md §9:
 * a filtered, paginated list at least 40% of a bare Express handler's rate with p99 under 50 ms,
 * filters matching a few documents or tens of thousands, totals included; the export streamed in
 * bounded memory.
 *
 *   npm run build && node dist/bench/billing.js [pelanggan=10000] [invoicesPerPelanggan=3]
 *
 * The product runs in its own process (dist/src/main.js) on a data directory preloaded through
 * the command layer (bench/billing-preload.ts), so start-up replays the whole log into every
 * read model. autocannon in this process measures the bare handler and each list; the export is
 * read to its end while the product's resident memory is sampled. `npm run bench` runs it too
 * (`runBillingBench`, BENCH_PELANGGAN); BENCH_SECONDS, BENCH_CONNECTIONS and BENCH_DATA_DIR work
 * as they do there.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BARE, killStarted, load, PRODUCT, productEnv, rssMb, startProcess, table, waitHealthy, type LoadResult } from './harness';
import { benchPeriods, preloadBilling } from './billing-preload';

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
  export: { rows: number; bytes: number; ms: number; rssBeforeMb: number; rssPeakMb: number };
}

const ADMIN = { email: 'bench-billing@example.com', password: 'bench-password-1' };

/** Preloads (unless the data directory already holds a log), starts the product, measures. */
export async function runBillingBench(o: BillingBenchOptions): Promise<BillingBenchResult> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'isp-billing-bench-'));
  const reuse = o.dataDir !== undefined && existsSync(join(o.dataDir, 'events.db'));
  const product = PRODUCT;
  // The document's per-user limits (100/min, export 10/h) would refuse a load generator.
  const env = productEnv(dataDir, ADMIN, { BILLING_RATE_LIMIT_GENERAL: '0', BILLING_RATE_LIMIT_EXPORT: '0' });
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
    await bare.stop();
    o.say('');
    table(lists, lists[0]!.rps, o.say);

    // The export, read to its end while the product's memory is sampled.
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
    o.say('');
    o.say(`CSV export of ${rows} rows (${(bytes / 1024 / 1024).toFixed(1)} MB) in ${(ms / 1000).toFixed(2)} s; product resident memory ${rssBeforeMb} MB before, ${rssPeakMb} MB at most while streaming`);
    await server.stop();
    return { events, startupMs, rssMb: rss, lists, export: { rows, bytes, ms, rssBeforeMb, rssPeakMb } };
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
