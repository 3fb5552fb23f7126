/**
 * What every benchmark script shares: starting the product (or the bare handler) in its own
 * process and stopping it, waiting for /health, reading a process's resident memory, one
 * autocannon run reduced to its figures, and the table the figures are printed in; for write
 * scenarios, setup calls, a body made anew for every request, and bounded pools of requests. Every process
 * started is remembered so that a failed run stops them too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface Proc {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

const started: ChildProcess[] = [];

/** The built product (dist/src/main.js) and the bare Express handler (dist/bench/bare-server.js). */
export const PRODUCT = join(__dirname, '..', 'src', 'main.js');
export const BARE = join(__dirname, 'bare-server.js');

/** Starts a script on a free port and resolves with the URL it logs. */
export function startProcess(script: string, env: Record<string, string>): Promise<Proc> {
  const proc = spawn(process.execPath, ['--max-old-space-size=4096', script], {
    // Info level, as in production: one log line per request is part of the cost measured.
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(proc);
  return new Promise((resolve, reject) => {
    let buffer = '';
    let found = false;
    let stopping = false;
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (found) return; // the logs are drained, not kept
      buffer += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(buffer) ?? /^LISTENING (\S+)/m.exec(buffer);
      if (!m) return;
      found = true;
      buffer = '';
      resolve({
        proc,
        url: m[1]!,
        stop: () =>
          new Promise<void>((r) => {
            stopping = true;
            proc.once('exit', () => r());
            proc.kill('SIGTERM');
          }),
      });
    });
    proc.once('exit', (code, signal) => {
      if (!found) reject(new Error(`${script} exited with ${code ?? signal}`));
      else if (!stopping) process.stderr.write(`${script} exited unexpectedly with ${code ?? signal}\n`);
    });
  });
}

/** Kills whatever is still running (in a `finally`). */
export function killStarted(): void {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}

/** Milliseconds until GET /health answers 200. */
export async function waitHealthy(url: string): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return Date.now() - t0;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

export interface LoadResult {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** One autocannon run; a scenario whose every answer failed stops the run (a wrong URL, not a figure). */
export async function load(name: string, opts: autocannon.Options, defaults: { connections: number; seconds: number }): Promise<LoadResult> {
  const result = await autocannon({ connections: defaults.connections, duration: defaults.seconds, ...opts });
  if (result.non2xx > 0 && result.non2xx === result.requests.total) throw new Error(`${name}: every request failed (${opts.url})`);
  return {
    name,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * A list asked at a new URL at each request (a query parameter the lists ignore, `made=<n>`), so
 * that no answer kept for a URL is sent again (src/api/http/kept-answers.ts): each answer is
 * made, as the first request after a write to what the list shows makes it.
 */
export function loadMadeEachTime(name: string, base: string, path: string, headers: Record<string, string>, defaults: { connections: number; seconds: number }): Promise<LoadResult> {
  let n = 0;
  const sep = path.includes('?') ? '&' : '?';
  return load(name, { url: base, headers, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `${path}${sep}made=${n++}` }) }] }, defaults);
}

/** The name of the bare handler's second reading, taken after a part's scenarios. */
export const BARE_AGAIN = 'bare express handler, again after the scenarios above';

/**
 * The base of a part's percentages: the mean of the bare handler's two readings, before the
 * part's scenarios and after them. One reading alone tilted every line of a part when the
 * machine was busier or quieter at that moment than during the part (the twenty-first run's
 * ticket part read 6,145 req/s where its other parts read 7,700–8,414); both are printed.
 */
function bareBase(before: LoadResult, after: LoadResult): number {
  return Math.round((before.rps + after.rps) / 2);
}

/** The figures as a table, each against the bare handler's two readings in the same run (bareBase). */
export function table(results: readonly LoadResult[], bare: readonly [before: LoadResult, after: LoadResult], say: (line: string) => void): void {
  const base = bareBase(...bare);
  say(`percentages of ${base} req/s, the mean of the bare handler's readings before and after the scenarios`);
  say('| scenario | req/s | % of bare | p50 ms | p99 ms | non-2xx | errors |');
  say('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) say(`| ${r.name} | ${r.rps} | ${Math.round((100 * r.rps) / base)}% | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
}

/** The product's environment for a benchmark on `dataDir` (production mode, jobs off). */
export function productEnv(dataDir: string, admin: { email: string; password: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-'.padEnd(48, 'z'),
    SECRETS_KEY: 'bench-secrets-key-'.padEnd(48, 'k'),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    // Scheduled jobs would add their own writes during the runs; they are not what is measured.
    JOBS_ENABLED: 'false',
    ...extra,
  };
}

export type Defaults = { connections: number; seconds: number };
export type Headers = Record<string, string>;

/** A setup request (not measured): JSON in and out; anything but a 2xx stops the run, with the answer. */
export async function call<T>(url: string, method: string, path: string, headers: Headers, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method, headers: { ...headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`setup: ${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/**
 * A write request whose path and body are made anew for every request sent (autocannon calls
 * setupRequest once per request), with `onCreated` given the body of every 2xx answer.
 */
export function fresh(method: 'POST' | 'PATCH', make: (n: number) => { path: string; body: unknown }, onCreated?: (body: string) => void): autocannon.Request {
  let n = 0;
  return {
    method,
    setupRequest: (req) => {
      const next = make(n++);
      return { ...req, path: next.path, body: JSON.stringify(next.body) };
    },
    ...(onCreated ? { onResponse: (status: number, body: string) => (status >= 200 && status < 300 ? onCreated(body) : undefined) } : {}),
  };
}

/** A write scenario: one request made anew each time (`fresh`), with the usual connections and seconds. */
export function loadWrite(name: string, url: string, headers: Headers, request: autocannon.Request, defaults: Defaults): Promise<LoadResult> {
  return load(name, { url, headers, requests: [request] }, defaults);
}

/**
 * A write scenario over a bounded pool of prepared requests (each valid once): the same
 * connections and seconds, but no more than `pool` requests (autocannon's maxOverallRequests).
 * When the pool runs out before the seconds are up, the name says so and req/s is the answers
 * over the time from the start to the last answer (autocannon's per-second average would count
 * the last, partial second as a whole one).
 */
export async function loadPool(name: string, url: string, headers: Headers, request: autocannon.Request, pool: number, defaults: Defaults): Promise<LoadResult> {
  let answered = 0;
  let last = 0;
  const inner = request.onResponse;
  const counted: autocannon.Request = {
    ...request,
    onResponse: (status, body, context, resHeaders) => {
      answered++;
      last = performance.now();
      if (typeof inner === 'function') inner(status, body, context, resHeaders);
    },
  };
  const t0 = performance.now();
  const r = await load(name, { url, headers, maxOverallRequests: pool, requests: [counted] }, defaults);
  if (answered < pool) return r;
  const seconds = (last - t0) / 1000;
  return { ...r, name: `${name} [all ${pool} prepared requests, in ${seconds.toFixed(1)} s]`, rps: Math.round(answered / seconds) };
}
