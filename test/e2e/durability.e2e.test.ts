import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToExit, startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * The real server process, started as a user starts it, driven over real HTTP, killed and
 * restarted on the same data directory.
 */
describe('server process: durability, graceful shutdown, first start', () => {
  let dataDir: string;
  const servers: ServerProcess[] = [];
  const env = () => ({
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    JWT_SECRET: 'e2e-secret-'.padEnd(48, 'x'),
    SECRETS_KEY: 'e2e-secrets-key-'.padEnd(48, 'k'),
    ADMIN_EMAIL: 'root@example.com',
    ADMIN_PASSWORD: 'root-password-123',
  });
  const start = async (extra: Record<string, string> = {}) => {
    const s = await startServer({ ...env(), ...extra });
    servers.push(s);
    await waitUntilHealthy(s.url);
    return s;
  };
  const login = async (url: string, email = 'root@example.com', password = 'root-password-123') => {
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  const call = async (url: string, token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> & { id: number } } };
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'isp-e2e-'));
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged request or timeline entry across SIGKILL and restart', async () => {
    const first = await start();
    const token = await login(first.url);
    const acknowledged: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await call(first.url, token, 'POST', '/api/services', {
        device_type: 'Laptop',
        serial_number: `E2E-${i}`,
        service_type: 'Hardware',
        description: `Request ${i}`,
      });
      expect(res.status).toBe(201);
      acknowledged.push(res.body.data.id);
      if (i % 3 === 0) expect((await call(first.url, token, 'POST', `/api/services/${res.body.data.id}/approve`, {})).status).toBe(200);
    }
    const before = await Promise.all(acknowledged.map((id) => call(first.url, token, 'GET', `/api/services/${id}`)));
    await first.stop('SIGKILL');

    const second = await start();
    // The JWT secret and the sessions are durable too: the old token still works.
    const after = await Promise.all(acknowledged.map((id) => call(second.url, token, 'GET', `/api/services/${id}`)));
    expect(after.map((r) => r.status)).toEqual(acknowledged.map(() => 200));
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
    const list = await call(second.url, token, 'GET', '/api/services?per_page=100');
    expect((list.body as unknown as { pagination: { total: number } }).pagination.total).toBe(15);
    // Numbering continues after the restart: no code is handed out twice.
    const next = await call(second.url, token, 'POST', '/api/services', {
      device_type: 'Laptop',
      serial_number: 'AFTER',
      service_type: 'Hardware',
      description: 'After restart',
    });
    expect(next.body.data.code).toBe('REQ-016');
  });

  it('finishes requests in flight on SIGTERM, exits 0, and keeps every acknowledged write', async () => {
    const server = await start();
    const token = await login(server.url);
    const inFlight = Array.from({ length: 40 }, (_, i) =>
      call(server.url, token, 'POST', '/api/services', {
        device_type: 'Laptop',
        serial_number: `TERM-${i}`,
        service_type: 'Hardware',
        description: 'during shutdown',
      }).catch(() => null),
    );
    await new Promise((r) => setTimeout(r, 15));
    const code = await server.stop('SIGTERM');
    const results = await Promise.all(inFlight);
    expect(code).toBe(0);
    expect(server.logs.some((l) => l.msg === 'stopped')).toBe(true);
    const acknowledged = results.filter((r) => r?.status === 201).map((r) => r!.body.data.serial_number);
    expect(acknowledged.length).toBeGreaterThan(0);

    const again = await start();
    const list = await call(again.url, await login(again.url), 'GET', '/api/services?per_page=100');
    const stored = (list.body.data as unknown as Array<{ serial_number: string }>).map((d) => d.serial_number);
    expect(stored).toEqual(expect.arrayContaining(acknowledged));
  });

  it('creates the first super admin with a generated password printed once', async () => {
    const server = await start({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    const line = server.logs.find((l) => typeof l.msg === 'string' && l.msg.includes('generated password'));
    const password = / generated password (\S+) /.exec(String(line?.msg))?.[1];
    expect(password).toBeDefined();
    await login(server.url, 'admin@example.com', password!);
    await server.stop('SIGTERM');
    const second = await start({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    expect(second.logs.some((l) => typeof l.msg === 'string' && l.msg.includes('generated password'))).toBe(false);
  });

  it('refuses to start with a bad configuration, naming the variable', async () => {
    const bad = await runToExit({ DATA_DIR: dataDir, PORT: 'eighty' });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('PORT');
    const noSecret = await runToExit({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    expect(noSecret.code).toBe(78);
    expect(noSecret.stderr).toContain('JWT_SECRET is required when NODE_ENV is production');
    expect(noSecret.stderr).toContain('SECRETS_KEY is required when NODE_ENV is production');
  });
});
