/**
 * What every benchmark script shares: starting the product (or the bare handler) in its own
 * process and stopping it, waiting for /health, reading a process's resident memory, one
 * autocannon run reduced to its figures, and the table the figures are printed in. Every process
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

/** The figures as a table, each against the bare handler measured in the same run. */
export function table(results: readonly LoadResult[], base: number, say: (line: string) => void): void {
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
