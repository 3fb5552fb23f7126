import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { bearer } from '../../../../test/support/mikrotik';
import type { Role } from '../../../domain/user';

/** DELETE /api/mikrotik_servers/{id} (document 002). */

let t: TestApp;
let admin: TestUser;
let n = 0;

const create = async (name = `POP Delete ${++n}`) => {
  const res = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send({ name, host_ip: '10.2.0.1', username: 'u', password: 'p' });
  return res.body.id as number;
};

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.user('super_admin');
});
afterAll(async () => {
  await t.stop();
});

it('removes a server: 204, then 404 everywhere; its history stays in its stream', async () => {
  const id = await create('POP Gone');
  const res = await t.http.delete(`/api/mikrotik_servers/${id}`).set(bearer(admin));
  expect(res.status).toBe(204);
  expect(res.text).toBe('');
  expect((await t.http.get(`/api/mikrotik_servers/${id}`).set(bearer(admin))).status).toBe(404);
  expect((await t.http.delete(`/api/mikrotik_servers/${id}`).set(bearer(admin))).status).toBe(404);
  expect((await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).send({ port: 1 })).status).toBe(404);
  expect((await t.http.post(`/api/mikrotik_servers/${id}/test`).set(bearer(admin))).status).toBe(404);
  const stream = await t.eventStore.readStream(`mikrotik_server-${id}`);
  expect(stream.map((e) => e.type)).toEqual(['MikrotikServerRegistered', 'MikrotikServerRemoved']);
  expect(stream[1]!.metadata.actor).toEqual({ userId: admin.userId, role: 'super_admin' });
});

it('frees the name for a new server', async () => {
  const id = await create('POP Reused');
  await t.http.delete(`/api/mikrotik_servers/${id}`).set(bearer(admin));
  const again = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send({ name: 'POP Reused', host_ip: '10.2.0.2', username: 'u', password: 'p' });
  expect(again.status).toBe(201);
  expect(again.body.id).not.toBe(id);
});

it('honours If-Match (412 when stale)', async () => {
  const id = await create();
  await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).send({ port: 8800 });
  expect((await t.http.delete(`/api/mikrotik_servers/${id}`).set(bearer(admin)).set('If-Match', '"0"')).status).toBe(412);
  expect((await t.http.delete(`/api/mikrotik_servers/${id}`).set(bearer(admin)).set('If-Match', '"1"')).status).toBe(204);
});

it.each<[Role, number]>([
  ['manager', 204],
  ['supervisor', 403],
  ['customer_service', 403],
  ['technician', 403],
])('role %s → %i', async (role, status) => {
  const id = await create();
  const u = await t.user(role);
  expect((await t.http.delete(`/api/mikrotik_servers/${id}`).set(bearer(u))).status).toBe(status);
});
