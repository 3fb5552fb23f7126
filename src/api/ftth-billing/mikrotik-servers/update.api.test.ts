import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { bearer } from '../../../../test/support/mikrotik';
import type { Role } from '../../../domain/user';

/** PATCH /api/mikrotik_servers/{id} (document 002). */

let t: TestApp;
let admin: TestUser;
let n = 0;

const create = async (more: Record<string, unknown> = {}) => {
  n++;
  const res = await t.http
    .post('/api/mikrotik_servers/')
    .set(bearer(admin))
    .send({ name: `POP Update ${n}`, host_ip: '10.1.0.1', username: 'api', password: 'first-pass', ...more });
  return res.body.id as number;
};

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.user('super_admin');
});
afterAll(async () => {
  await t.stop();
});

it('changes only the fields sent, and moves the ETag', async () => {
  const id = await create();
  t.clock.advance(60_000);
  const res = await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).send({ host_ip: '10.1.0.2', port: 8729, use_ssl: true, ros_version: '7.19' });
  expect(res.status).toBe(200);
  expect(res.headers.etag).toBe('"1"');
  expect(res.body).toEqual(
    expect.objectContaining({ id, name: `POP Update ${n}`, host_ip: '10.1.0.2', port: 8729, use_ssl: true, ros_version: '7.19', updated_at: t.clock.now().toISOString() }),
  );
  const events = await t.eventStore.readStream(`mikrotik_server-${id}`);
  expect(events.at(-1)!.data).toEqual(
    expect.objectContaining({
      changes: { host: '10.1.0.2', port: 8729, useTls: true, rosVersion: '7.19' },
      previous: { host: '10.1.0.1', port: 8728, useTls: false, rosVersion: null },
      credentials: null,
    }),
  );
});

it('seals a new password; the same password again changes nothing', async () => {
  const id = await create();
  const same = await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).send({ password: 'first-pass', username: 'api' });
  expect([same.status, same.headers.etag]).toEqual([200, '"0"']);
  const res = await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).send({ password: 'second-pass' });
  expect([res.status, res.headers.etag]).toEqual([200, '"1"']);
  expect(JSON.stringify(res.body)).not.toContain('second-pass');
  const last = (await t.eventStore.readStream(`mikrotik_server-${id}`)).at(-1)!;
  expect(JSON.stringify(last.data)).not.toContain('second-pass');
  const sealed = (last.data.credentials as { passwordSealed: string }).passwordSealed;
  expect(t.app.deps.commands.secrets.open(sealed)).toBe('second-pass');
});

it('renames, freeing the old name; a name another server has is 409', async () => {
  const a = await create({ name: 'POP Rename A' });
  await create({ name: 'POP Rename B' });
  const taken = await t.http.patch(`/api/mikrotik_servers/${a}`).set(bearer(admin)).send({ name: 'pop rename b' });
  expect(taken.status).toBe(409);
  expect(taken.body.error_code).toBe('DUPLICATE_ENTRY');
  const renamed = await t.http.patch(`/api/mikrotik_servers/${a}`).set(bearer(admin)).send({ name: 'POP Rename C' });
  expect([renamed.status, renamed.body.name]).toEqual([200, 'POP Rename C']);
  const reuse = await t.http.post('/api/mikrotik_servers/').set(bearer(admin)).send({ name: 'POP Rename A', host_ip: '10.1.0.9', username: 'u', password: 'p' });
  expect(reuse.status).toBe(201);
});

it('If-Match with a stale ETag is 412 and changes nothing; the current one applies', async () => {
  const id = await create();
  await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).send({ port: 9000 });
  const stale = await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).set('If-Match', '"0"').send({ port: 9001 });
  expect(stale.status).toBe(412);
  expect(stale.body).toEqual({ detail: expect.any(String), status: 'error', error_code: 'PRECONDITION_FAILED' });
  expect((await t.http.get(`/api/mikrotik_servers/${id}`).set(bearer(admin))).body.port).toBe(9000);
  const fresh = await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).set('If-Match', '"1"').send({ port: 9001 });
  expect([fresh.status, fresh.body.port]).toEqual([200, 9001]);
});

it('refuses invalid values per field (422), and answers 404 for an unknown server', async () => {
  const id = await create();
  const bad = await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(admin)).send({ host_ip: 'not a host', port: 70000, password: '' });
  expect(bad.status).toBe(422);
  expect(bad.body.detail.errors.map((e: { field: string }) => e.field).sort()).toEqual(['host_ip', 'password', 'port']);
  const missing = await t.http.patch('/api/mikrotik_servers/424242').set(bearer(admin)).send({ port: 1 });
  expect([missing.status, missing.body.error_code]).toEqual([404, 'NOT_FOUND']);
});

it.each<[Role, number]>([
  ['manager', 200],
  ['supervisor', 403],
  ['customer_service', 403],
  ['technician', 403],
])('role %s → %i', async (role, status) => {
  const id = await create();
  const u = await t.user(role);
  expect((await t.http.patch(`/api/mikrotik_servers/${id}`).set(bearer(u)).send({ ros_version: '7.20' })).status).toBe(status);
});
