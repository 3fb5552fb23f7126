import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { bearer } from '../../../../test/support/mikrotik';
import type { Role } from '../../../domain/user';

/** GET /api/mikrotik_servers/ and GET /api/mikrotik_servers/{id} (document 002). */

let t: TestApp;
let admin: TestUser;
const ids: number[] = [];

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.user('super_admin');
  for (let i = 1; i <= 20; i++) {
    const res = await t.http
      .post('/api/mikrotik_servers/')
      .set(bearer(admin))
      .send({ name: `POP ${String(i).padStart(2, '0')}`, host_ip: `10.0.0.${i}`, username: 'u', password: 'p' });
    ids.push(res.body.id);
  }
});
afterAll(async () => {
  await t.stop();
});

it('lists servers by id in document 002’s list body, 15 by default', async () => {
  const res = await t.http.get('/api/mikrotik_servers/').set(bearer(admin));
  expect(res.status).toBe(200);
  expect(Object.keys(res.body)).toEqual(['data', 'total_count', 'skip', 'limit']);
  expect([res.body.total_count, res.body.skip, res.body.limit, res.body.data.length]).toEqual([20, 0, 15, 15]);
  expect(res.body.data.map((s: { id: number }) => s.id)).toEqual(ids.slice(0, 15));
  expect(res.body.data[0]).toEqual(expect.objectContaining({ name: 'POP 01', host_ip: '10.0.0.1', port: 8728 }));
  expect(res.body.data[0].password).toBeUndefined();
  expect(res.body.data[0].username).toBeUndefined();
});

it('pages with skip and limit, also without the trailing slash', async () => {
  const res = await t.http.get('/api/mikrotik_servers?skip=15&limit=3').set(bearer(admin));
  expect([res.status, res.body.total_count, res.body.skip, res.body.limit]).toEqual([200, 20, 15, 3]);
  expect(res.body.data.map((s: { id: number }) => s.id)).toEqual(ids.slice(15, 18));
});

it('refuses a limit above 100 or a negative skip, per field', async () => {
  const res = await t.http.get('/api/mikrotik_servers/?limit=101&skip=-1').set(bearer(admin));
  expect(res.status).toBe(422);
  expect(res.body.detail.errors).toEqual([
    { field: 'skip', message: 'skip must be 0 or more' },
    { field: 'limit', message: 'limit may not be greater than 100' },
  ]);
});

it('leaves removed servers out of the list and answers 404 for them', async () => {
  const gone = ids[19]!;
  expect((await t.http.delete(`/api/mikrotik_servers/${gone}`).set(bearer(admin))).status).toBe(204);
  const list = await t.http.get('/api/mikrotik_servers/?limit=100').set(bearer(admin));
  expect(list.body.total_count).toBe(19);
  expect(list.body.data.map((s: { id: number }) => s.id)).not.toContain(gone);
  expect((await t.http.get(`/api/mikrotik_servers/${gone}`).set(bearer(admin))).status).toBe(404);
});

it('gets one server with its ETag', async () => {
  const res = await t.http.get(`/api/mikrotik_servers/${ids[2]}`).set(bearer(admin));
  expect(res.status).toBe(200);
  expect(res.headers.etag).toBe('"0"');
  expect(res.body).toEqual(expect.objectContaining({ id: ids[2], name: 'POP 03', host_ip: '10.0.0.3', connection_status: 'unknown' }));
});

it('answers 404 in document 002’s format for an unknown or malformed id', async () => {
  for (const id of ['999999', 'abc', '0', '-1', '1.5']) {
    const res = await t.http.get(`/api/mikrotik_servers/${id}`).set(bearer(admin));
    expect([id, res.status]).toEqual([id, 404]);
    expect(res.body).toEqual({ detail: expect.any(String), status: 'error', error_code: 'NOT_FOUND' });
  }
});

it.each<[Role, number]>([
  ['super_admin', 200],
  ['manager', 200],
  ['supervisor', 200],
  ['customer_service', 200],
  ['technician', 200],
])('role %s may list and read (%i)', async (role, status) => {
  const u = await t.user(role);
  expect((await t.http.get('/api/mikrotik_servers/').set(bearer(u))).status).toBe(status);
  expect((await t.http.get(`/api/mikrotik_servers/${ids[0]}`).set(bearer(u))).status).toBe(status);
});

it('a customer login may not (403), and no token is 401', async () => {
  const user = await t.user('customer');
  expect((await t.http.get('/api/mikrotik_servers/').set(bearer(user))).status).toBe(403);
  expect((await t.http.get('/api/mikrotik_servers/')).status).toBe(401);
});
