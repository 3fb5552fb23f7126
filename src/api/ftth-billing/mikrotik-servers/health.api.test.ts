import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { bearer, registerServerFor } from '../../../../test/support/mikrotik';
import { REFUSED_PORT, RouterOsStandIn } from '../../../../test/support/routeros-standin';
import type { Role } from '../../../domain/user';

/** GET /api/mikrotik_servers/health: every server probed now (document 002). */

let t: TestApp;
let admin: TestUser;
let up: RouterOsStandIn;
let down: RouterOsStandIn;

beforeAll(async () => {
  t = await startTestApp({ MIKROTIK_TIMEOUT_MS: '500' });
  admin = await t.user('super_admin');
  up = await RouterOsStandIn.start({ identity: 'Up-Router' });
  down = await RouterOsStandIn.start();
});
afterAll(async () => {
  await up.stop();
  await down.stop();
  await t.stop();
});

it('answers an empty report when there are no servers', async () => {
  const res = await t.http.get('/api/mikrotik_servers/health').set(bearer(admin));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ data: [], total_count: 0, online_count: 0, offline_count: 0, checked_at: t.clock.now().toISOString() });
});

it('reports each server online or offline with why, records nothing, and leaves removed servers out', async () => {
  const a = await registerServerFor(t, admin, up, { name: 'POP Up' });
  const b = await registerServerFor(t, admin, down, { name: 'POP Bad Login', password: 'nope' });
  const gone = await registerServerFor(t, admin, up, { name: 'POP Gone' });
  await t.http.delete(`/api/mikrotik_servers/${gone.id}`).set(bearer(admin));
  const head = await t.eventStore.headPosition();
  const res = await t.http.get('/api/mikrotik_servers/health').set(bearer(admin));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    data: [
      { id: a.id, name: 'POP Up', host_ip: '127.0.0.1', port: up.port, status: 'online', latency_ms: expect.any(Number), identity: 'Up-Router', router_version: '7.18.2 (stable)', error: null },
      {
        id: b.id,
        name: 'POP Bad Login',
        host_ip: '127.0.0.1',
        port: down.port,
        status: 'offline',
        latency_ms: expect.any(Number),
        identity: null,
        router_version: null,
        error: `login to 127.0.0.1:${down.port} refused: invalid user name or password (6)`,
      },
    ],
    total_count: 2,
    online_count: 1,
    offline_count: 1,
    checked_at: t.clock.now().toISOString(),
  });
  expect(await t.eventStore.headPosition()).toBe(head);
});

it('a router that does not listen (gone, or not yet there) shows offline, with why', async () => {
  // Registered where nothing listens (a port below the ephemeral range, which no parallel
  // test's server can take, unlike the port of a stand-in stopped a moment ago).
  const s = await registerServerFor(t, admin, { ...up, port: REFUSED_PORT }, { name: 'POP Vanishing' });
  const res = await t.http.get('/api/mikrotik_servers/health').set(bearer(admin));
  const entry = res.body.data.find((d: { id: number }) => d.id === s.id);
  expect([entry.status, entry.error]).toEqual(['offline', `connection refused by 127.0.0.1:${REFUSED_PORT}`]);
});

it.each<[Role, number]>([
  ['technician', 200],
  ['customer_service', 200],
  ['customer', 403],
])('role %s → %i', async (role, status) => {
  const u = await t.user(role);
  expect((await t.http.get('/api/mikrotik_servers/health').set(bearer(u))).status).toBe(status);
});
