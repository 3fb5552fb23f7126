import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const SERVER_ENTRY = join(ROOT, 'dist', 'src', 'main.js');

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Every log line so far (pino JSON, parsed when possible). */
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real server process (`node dist/src/main.js`, as `npm start` does after building)
 * on a free port (PORT=0) and resolves once it logs where it listens. `nodeArgs` go to node
 * before the entry (e.g. a --require hook).
 */
export async function startServer(env: Record<string, string>, timeoutMs = 20_000, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npm run build\` (npm test does it first)`);
  const proc = spawn(process.execPath, [...nodeArgs, SERVER_ENTRY], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffer = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed start (it would keep the test process from exiting).
      proc.kill('SIGKILL');
      reject(new Error(`server did not log that it listens within ${timeoutMs} ms (LOG_LEVEL must include info); stderr: ${stderr}`));
    }, timeoutMs);
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line) as Record<string, unknown>;
        } catch {
          parsed = { raw: line };
        }
        logs.push(parsed);
        if (typeof parsed.url === 'string' && String(parsed.msg).startsWith('listening')) {
          clearTimeout(timer);
          resolve(parsed.url);
        }
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  return {
    url,
    proc,
    logs,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}

/** Polls GET /health until it answers 200 (the read models have caught up). */
export async function waitUntilHealthy(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) return;
    } catch {
      // not accepting yet
    }
    if (Date.now() > deadline) throw new Error(`${url}/health did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the server entry with an environment and returns how it ended (for start-up failures). */
export function runToExit(env: Record<string, string>, timeoutMs = 10_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [SERVER_ENTRY], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error('process did not exit'));
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
