import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaw } from '../support/raw-http';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * Two findings of issue 11 on the real server process: path parameters that are not valid
 * percent-encoding (the requests of the issue, sent byte for byte over a socket; they used to
 * answer 500) are answered by the route that owns them as values that name nothing, and the
 * stored password hash that /ops/streams/user-<id> used to show is redacted.
 */
describe('the real server: undecodable path parameters and stored secrets', () => {
  let server: ServerProcess;
  let dataDir: string;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'isp-paths-e2e-'));
    server = await startServer({ DATA_DIR: dataDir, ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'root-password-123' });
    await waitUntilHealthy(server.url);
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.com', password: 'root-password-123' }),
    });
    const body = (await res.json()) as { token: string; data: { user: { id: string } } };
    token = body.token;
    userId = body.data.user.id;
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The raw request target as the issue gives it: no client re-encodes it on the way. */
  const get = async (target: string) => {
    const conn = await openRaw(server.url);
    await conn.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
    return conn.response();
  };

  it.each([
    ['/api/customers/%ED%A0%80', 'tms'],
    ['/api/tickets/%00%ff', 'tms'],
    ['/api/technicians/%E0%A4%A/performance', 'tms'],
    ['/api/users/%', 'tms'],
    ['/api/services/%C0%AF', '001'],
    ['/api/services/%ff/timeline', '001'],
    ['/ops/streams/%E0%A4%A/verify', 'ops'],
  ])('answers GET %s with 404 (a value that names nothing) or 400, in its document\'s format, and goes on', async (target, format) => {
    const res = await get(target);
    expect([400, 404]).toContain(res.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(res.body) as Record<string, any>;
    if (format === '001') expect(body).toEqual({ message: expect.any(String) });
    else {
      expect(body).toEqual({ success: false, error: { code: expect.any(String), message: expect.any(String), details: expect.any(Object) } });
      expect(body.error.code).toBe(res.status === 404 ? 'RESOURCE_NOT_FOUND' : 'BAD_REQUEST');
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it("shows a user's stream with the password hash redacted and a chain that still verifies", async () => {
    const auth = { authorization: `Bearer ${token}` };
    const res = await fetch(`${server.url}/ops/streams/user-${userId}`, { headers: auth });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/scrypt\$/);
    const events = (JSON.parse(text) as { data: { events: Array<{ type: string; data: Record<string, unknown>; redacted: string[] }> } }).data.events;
    const registered = events.find((e) => e.type === 'UserRegistered')!;
    expect(registered.data.passwordHash).toBe('[redacted]');
    expect(registered.redacted).toEqual(['data.passwordHash']);
    const verify = await fetch(`${server.url}/ops/streams/user-${userId}/verify`, { headers: auth });
    expect(((await verify.json()) as { data: { verification: { valid: boolean } } }).data.verification.valid).toBe(true);
  });
});
