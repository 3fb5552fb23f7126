import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { bearer, registerServerFor } from '../../../../test/support/mikrotik';
import { REFUSED_PORT, RouterOsStandIn } from '../../../../test/support/routeros-standin';
import type { Role } from '../../../domain/user';

/** POST /api/mikrotik_servers/{id}/test against a RouterOS stand-in on loopback (document 002). */

let t: TestApp;
let admin: TestUser;
let router: RouterOsStandIn;

beforeAll(async () => {
  t = await startTestApp({ MIKROTIK_TIMEOUT_MS: '500' });
  admin = await t.user('super_admin');
  router = await RouterOsStandIn.start({ identity: 'POP-Cibubur-CCR', version: '7.18.2 (stable)' });
});
afterAll(async () => {
  await router.stop();
  await t.stop();
});

it('connects, logs in with the stored login, and reports the router; the server shows online', async () => {
  const { id } = await registerServerFor(t, admin, router);
  const res = await t.http.post(`/api/mikrotik_servers/${id}/test`).set(bearer(admin));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    success: true,
    status: 'online',
    message: 'Connected to POP-Cibubur-CCR (RouterOS 7.18.2 (stable))',
    server_id: id,
    identity: 'POP-Cibubur-CCR',
    router_version: '7.18.2 (stable)',
    board_name: 'CCR2004-StandIn',
    latency_ms: expect.any(Number),
    tested_at: t.clock.now().toISOString(),
  });
  expect(router.received.find((r) => r.words[0] === '/login')!.words).toContain(`=password=${router.password}`);
  const server = await t.http.get(`/api/mikrotik_servers/${id}`).set(bearer(admin));
  expect(server.body).toEqual(
    expect.objectContaining({ connection_status: 'online', last_tested_at: t.clock.now().toISOString(), last_test_message: 'Connected to POP-Cibubur-CCR' }),
  );
  expect(router.openConnections).toBe(0);
});

it('a refused login is a 200 with success false and the router’s reason, recorded as offline', async () => {
  const { id } = await registerServerFor(t, admin, { ...router, password: 'wrong-password' });
  const res = await t.http.post(`/api/mikrotik_servers/${id}/test`).set(bearer(admin));
  expect(res.status).toBe(200);
  expect(res.body).toEqual(
    expect.objectContaining({ success: false, status: 'offline', message: `login to 127.0.0.1:${router.port} refused: invalid user name or password (6)`, identity: null }),
  );
  expect(JSON.stringify(res.body)).not.toContain('wrong-password');
  const server = await t.http.get(`/api/mikrotik_servers/${id}`).set(bearer(admin));
  expect([server.body.connection_status, server.body.last_test_message]).toEqual(['offline', res.body.message]);
  const events = await t.eventStore.readStream(`mikrotik_server-${id}`);
  expect(events.at(-1)!.type).toBe('MikrotikServerConnectionTested');
  expect(events.at(-1)!.data).toEqual(expect.objectContaining({ ok: false, error: res.body.message }));
});

it('an address nothing listens on is offline: connection refused', async () => {
  const port = REFUSED_PORT;
  const { id } = await registerServerFor(t, admin, { ...router, port });
  const res = await t.http.post(`/api/mikrotik_servers/${id}/test`).set(bearer(admin));
  expect([res.status, res.body.success, res.body.message]).toEqual([200, false, `connection refused by 127.0.0.1:${port}`]);
});

it('a router that stops answering times out (MIKROTIK_TIMEOUT_MS)', async () => {
  const { id } = await registerServerFor(t, admin, router);
  router.failNext('/system/resource/print', { kind: 'silence' });
  const res = await t.http.post(`/api/mikrotik_servers/${id}/test`).set(bearer(admin));
  expect([res.status, res.body.success]).toEqual([200, false]);
  expect(res.body.message).toBe(`/system/resource/print got no answer from 127.0.0.1:${router.port} within 500 ms`);
});

it('a server edited to point elsewhere is tested where it points now', async () => {
  const other = await RouterOsStandIn.start({ identity: 'Other-Router' });
  try {
    const { id } = await registerServerFor(t, admin, router);
    await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).send({ port: other.port });
    const res = await t.http.post(`/api/mikrotik_servers/${id}/test`).set(bearer(admin));
    expect([res.body.success, res.body.identity]).toEqual([true, 'Other-Router']);
  } finally {
    await other.stop();
  }
});

it('answers 404 for an unknown server', async () => {
  const res = await t.http.post('/api/mikrotik_servers/987654/test').set(bearer(admin));
  expect(res.status).toBe(404);
  expect(res.body.error_code).toBe('NOT_FOUND');
});

it.each<[Role, number]>([
  ['manager', 200],
  ['supervisor', 200],
  ['technician', 200],
  ['customer_service', 403],
  ['customer', 403],
])('role %s → %i', async (role, status) => {
  const { id } = await registerServerFor(t, admin, router);
  const u = await t.user(role);
  expect((await t.http.post(`/api/mikrotik_servers/${id}/test`).set(bearer(u))).status).toBe(status);
});
