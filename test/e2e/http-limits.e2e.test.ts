import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multipartPart, openRaw, pngBytes } from '../support/raw-http';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * The HTTP server's limits for slow and oversize clients (src/api/http/http-server.ts), on the
 * real server process over raw sockets, with the limits configured small so each test takes
 * about a second. Each test measures how long the server took to act, against the limit set.
 */

const HEADERS_MS = 600;
const IDLE_MS = 1000;
const REQUEST_MS = 2000;
const KEEP_ALIVE_MS = 500;
const MAX_HEADER_BYTES = 4096;
/** The deadline checks run every quarter of the shortest limit here; the test allows for that and a slow machine. */
const SLACK_MS = 1500;
const NODE_KEEP_ALIVE_BUFFER_MS = 1000;

describe('HTTP server limits on the real server (slow and oversize clients)', () => {
  let server: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'isp-limits-e2e-'));
    server = await startServer({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: 'root@example.com',
      ADMIN_PASSWORD: 'root-password-123',
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
      HTTP_IDLE_TIMEOUT_MS: String(IDLE_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
      HTTP_MAX_HEADER_BYTES: String(MAX_HEADER_BYTES),
    });
    await waitUntilHealthy(server.url);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('answers 408 and disconnects a client that never finishes its headers (slowloris)', async () => {
    const conn = await openRaw(server.url);
    const started = Date.now();
    await conn.write('GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n');
    const received = (await conn.closed(HEADERS_MS + SLACK_MS * 2)).toString('latin1');
    const took = Date.now() - started;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(took).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(took).toBeLessThan(HEADERS_MS + SLACK_MS);
  });

  it('disconnects a client that stops sending its body, after the idle timeout', async () => {
    const conn = await openRaw(server.url);
    const started = Date.now();
    await conn.write('POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":');
    await conn.closed(IDLE_MS + SLACK_MS * 2);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(took).toBeLessThan(Math.min(REQUEST_MS, IDLE_MS + SLACK_MS));
  });

  it('answers 408 and disconnects a client that trickles its body, never idle, past the request timeout', async () => {
    const conn = await openRaw(server.url);
    const started = Date.now();
    await conn.write('POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":"');
    const trickle = setInterval(() => conn.socket.write('a'), IDLE_MS / 4);
    try {
      const received = (await conn.closed(REQUEST_MS + SLACK_MS * 2)).toString('latin1');
      const took = Date.now() - started;
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(took).toBeGreaterThanOrEqual(REQUEST_MS - 50);
      expect(took).toBeLessThan(REQUEST_MS + SLACK_MS);
    } finally {
      clearInterval(trickle);
    }
  });

  it('cuts off an upload trickled past the request timeout and keeps none of it', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.com', password: 'root-password-123' }),
    });
    const { token } = (await login.json()) as { token: string };
    const conn = await openRaw(server.url);
    const part = multipartPart('XX', 'photo', 'a.png', 'image/png', pngBytes(2000));
    await conn.write(
      `POST /api/services HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: ${part.length + 10_000}\r\n\r\n`,
    );
    await conn.write(part.subarray(0, 200));
    let at = 200;
    const trickle = setInterval(() => at < part.length && conn.socket.write(part.subarray(at, (at += 20))), IDLE_MS / 4);
    try {
      const received = (await conn.closed(REQUEST_MS + SLACK_MS * 2)).toString('latin1');
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(trickle);
    }
    const files = join(dataDir, 'files');
    const left = () => (existsSync(files) ? readdirSync(files, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : []);
    const deadline = Date.now() + 5000;
    while (left().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(left()).toEqual([]);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const conn = await openRaw(server.url);
    await conn.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const res = await conn.response();
    expect(res.status).toBe(200);
    expect(res.headers['keep-alive']).toBe(`timeout=${Math.floor(KEEP_ALIVE_MS / 1000)}`);
    const answered = Date.now();
    // Node closes the socket a fixed second after the advertised timeout (its keep-alive buffer),
    // so a client that believes the Keep-Alive header never reuses a connection being closed.
    await conn.closed(KEEP_ALIVE_MS + NODE_KEEP_ALIVE_BUFFER_MS + SLACK_MS * 2);
    const took = Date.now() - answered;
    expect(took).toBeGreaterThanOrEqual(KEEP_ALIVE_MS);
    expect(took).toBeLessThan(KEEP_ALIVE_MS + NODE_KEEP_ALIVE_BUFFER_MS + SLACK_MS);
  });

  it('answers 431 to request headers over the size limit', async () => {
    const conn = await openRaw(server.url);
    await conn.write(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(MAX_HEADER_BYTES)}\r\n\r\n`);
    const received = (await conn.closed()).toString('latin1');
    expect(received).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('still accepts headers just under the size limit', async () => {
    const res = await fetch(`${server.url}/health`, { headers: { 'x-big': 'a'.repeat(MAX_HEADER_BYTES - 512) } });
    expect(res.status).toBe(200);
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('shutdown with kept-alive connections', () => {
  it('closes a connection whose request was in flight at SIGTERM once it is answered, not after the keep-alive timeout', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'isp-limits-e2e-'));
    const server = await startServer({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: 'root@example.com',
      ADMIN_PASSWORD: 'root-password-123',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '60000',
      SHUTDOWN_TIMEOUT_MS: '30000',
    });
    try {
      await waitUntilHealthy(server.url);
      const conn = await openRaw(server.url);
      const body = JSON.stringify({ email: 'root@example.com', password: 'root-password-123' });
      await conn.write(`POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      await conn.write(body.slice(0, 10));
      const started = Date.now();
      const exited = server.stop('SIGTERM');
      await until(() => server.logs.some((l) => l.msg === 'shutting down'));
      await conn.write(body.slice(10));
      expect((await conn.response()).status).toBe(200);
      await conn.closed(5000);
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await server.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
