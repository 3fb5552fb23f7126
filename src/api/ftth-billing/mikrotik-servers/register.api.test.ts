import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { bearer } from '../../../../test/support/mikrotik';
import type { Role } from '../../../domain/user';

/** POST /api/mikrotik_servers/: register a Mikrotik server (document 002). */

let t: TestApp;
let admin: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.user('super_admin');
});
afterAll(async () => {
  await t.stop();
});

const body = (more: Record<string, unknown> = {}) => ({
  name: 'POP Cibubur',
  host_ip: '10.10.0.1',
  username: 'api-billing',
  password: 'Router-Pass-123',
  ros_version: '7.18',
  ...more,
});

it('registers a server, answers 201 with its integer id, Location and ETag, never its login', async () => {
  const res = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send(body());
  expect(res.status).toBe(201);
  expect(res.body).toEqual({
    id: expect.any(Number),
    name: 'POP Cibubur',
    host_ip: '10.10.0.1',
    port: 8728,
    ros_version: '7.18',
    use_ssl: false,
    connection_status: 'unknown',
    last_tested_at: null,
    last_test_message: null,
    created_at: t.clock.now().toISOString(),
    updated_at: t.clock.now().toISOString(),
  });
  expect(Number.isInteger(res.body.id) && res.body.id > 0).toBe(true);
  expect(res.headers.location).toBe(`/api/mikrotik_servers/${res.body.id}`);
  expect(res.headers.etag).toBe('"0"');
  expect(JSON.stringify(res.body)).not.toMatch(/api-billing|Router-Pass-123/);
  // The list and the read model do not hold them either.
  const list = await t.http.get('/api/mikrotik_servers/').set(bearer(admin));
  expect(JSON.stringify(list.body)).not.toMatch(/api-billing|Router-Pass-123/);
});

it('stores the login sealed: no event holds it in clear text, and it opens to what was sent', async () => {
  const res = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send(body({ name: 'POP Sealed', username: 'sealed-user', password: 'Sealed-Pass-9' }));
  expect(res.status).toBe(201);
  const events = await t.eventStore.readStream(`mikrotik_server-${res.body.id}`);
  expect(events.map((e) => e.type)).toEqual(['MikrotikServerRegistered']);
  const all = JSON.stringify(await t.eventStore.readAll({ maxCount: 10_000 }));
  expect(all).not.toContain('Sealed-Pass-9');
  expect(all).not.toContain('sealed-user');
  const { usernameSealed, passwordSealed } = events[0]!.data as { usernameSealed: string; passwordSealed: string };
  const box = t.app.deps.commands.secrets;
  expect(box.isSealed(passwordSealed)).toBe(true);
  expect([box.open(usernameSealed), box.open(passwordSealed)]).toEqual(['sealed-user', 'Sealed-Pass-9']);
});

it('defaults the port to 8728, or 8729 with use_ssl; takes any host name or address', async () => {
  const ssl = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send(body({ name: 'POP SSL', use_ssl: true, host_ip: 'router.pop-2.example.net' }));
  expect([ssl.status, ssl.body.port, ssl.body.use_ssl, ssl.body.host_ip]).toEqual([201, 8729, true, 'router.pop-2.example.net']);
  const v6 = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send(body({ name: 'POP v6', host_ip: 'fe80::1', port: 18728, ros_version: null }));
  expect([v6.status, v6.body.port, v6.body.ros_version]).toEqual([201, 18728, null]);
});

it('refuses a name already taken (any case) with 409 in document 002’s format', async () => {
  await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send(body({ name: 'POP Unique' }));
  const res = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send(body({ name: ' pop unique ' }));
  expect(res.status).toBe(409);
  expect(res.body).toEqual({ detail: 'name is already registered', status: 'error', error_code: 'DUPLICATE_ENTRY' });
});

it('answers validation failures 422 with a message per field', async () => {
  const res = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send({ name: '', host_ip: '300.1.1.1', port: 0, ros_version: 'latest' });
  expect(res.status).toBe(422);
  expect(res.body.detail.message).toBe('Validation failed');
  expect([res.body.status, res.body.error_code]).toEqual(['error', 'VALIDATION_ERROR']);
  expect(res.body.detail.errors).toEqual(
    expect.arrayContaining([
      { field: 'name', message: 'The name may not be empty.' },
      { field: 'host_ip', message: 'The host ip must be an IPv4 or IPv6 address or a host name.' },
      { field: 'port', message: 'The port must be between 1 and 65535.' },
      { field: 'username', message: 'The username field is required.' },
      { field: 'password', message: 'The password field is required.' },
      { field: 'ros_version', message: 'The ros version must be a RouterOS version such as 7.18 or 6.49.10.' },
    ]),
  );
});

it('answers a body that is not JSON 400', async () => {
  const res = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).set('Content-Type', 'application/json').send('{"name":');
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ detail: 'The request body is not valid JSON', status: 'error', error_code: 'BAD_REQUEST' });
});

it('replays the first answer for the same Idempotency-Key and body, registering once', async () => {
  const send = () => t.http.post('/api/mikrotik_servers/').set(bearer(admin)).set('Idempotency-Key', 'create-pop-idem').send(body({ name: 'POP Idem' }));
  const first = await send();
  const again = await send();
  expect(first.status).toBe(201);
  expect(again.status).toBe(201);
  expect(again.headers['idempotency-replayed']).toBe('true');
  expect(again.body.id).toBe(first.body.id);
});

it('needs a token (401 with WWW-Authenticate)', async () => {
  const res = await t.http.post('/api/mikrotik_servers/').send(body());
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toBe('Bearer');
  expect(res.body).toEqual({ detail: 'Unauthenticated', status: 'error', error_code: 'UNAUTHORIZED' });
});

it.each<[Role, number]>([
  ['super_admin', 201],
  ['manager', 201],
  ['supervisor', 403],
  ['customer_service', 403],
  ['technician', 403],
])('role %s → %i', async (role, status) => {
  const u = await t.user(role);
  const res = await t.http.post('/api/mikrotik_servers/').set(bearer(u)).send(body({ name: `POP by ${role}` }));
  expect(res.status).toBe(status);
  if (status === 403) expect(res.body).toEqual({ detail: 'You do not have permission to perform this action', status: 'error', error_code: 'FORBIDDEN' });
});
