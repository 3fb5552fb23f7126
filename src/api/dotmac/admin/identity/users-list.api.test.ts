import { auth, startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `GET /api/v1/identity/users`: role, active, search, limit and offset, over the same users as every document. */
describe('GET /api/v1/identity/users (document 004)', () => {
  let t: TestApp;
  let admin: TestUser;
  let root: TestUser;
    const list = (q = '') => t.http.get(`/api/v1/identity/users${q}`).set(auth(admin));
  const ids = (res: { body: { data: { users: Array<{ id: string }> } } }) => res.body.data.users.map((u) => u.id);

  let support: string;
  let tech: string;
  let inactive: string;

  beforeAll(async () => {
    t = await startTestApp();
    root = await t.user('super_admin', { full_name: 'Root' });
    admin = await t.user('manager', { full_name: 'Mia Manager' });
    t.clock.advance(1000);
    support = (await t.http.post('/api/v1/identity/users').set(auth(admin)).send({ username: 'sari', email: 'sari@isp.com', password: 'secure_password', first_name: 'Sari', last_name: 'Support', roles: ['support'] })).body.data.user.id;
    t.clock.advance(1000);
    tech = (await t.http.post('/api/v1/identity/users').set(auth(admin)).send({ username: 'tono', email: 'tono@isp.com', password: 'secure_password', first_name: 'Tono', last_name: 'Teknisi', roles: ['technician'] })).body.data.user.id;
    t.clock.advance(1000);
    inactive = (await t.http.post('/api/v1/identity/users').set(auth(admin)).send({ username: 'old', email: 'old@isp.com', password: 'secure_password', first_name: 'Olga', last_name: 'Gone', roles: ['support'] })).body.data.user.id;
    // Deactivated through document 000's users API: the same user.
    expect((await t.http.put(`/api/users/${inactive}`).set(auth(root)).send({ is_active: false })).status).toBe(200);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists newest first, with total, limit and offset in data and the pagination beside it', async () => {
    const res = await list('?limit=2');
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([inactive, tech]);
    expect(res.body.data).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(res.body.pagination).toEqual({ total: 5, limit: 2, offset: 0, has_more: true, next_offset: 2, prev_offset: null });
    const next = await list('?limit=2&offset=2');
    expect(ids(next)).toEqual([support, admin.userId]);
    expect(next.body.pagination).toMatchObject({ has_more: true, next_offset: 4, prev_offset: 0 });
    expect(ids(await list('?limit=2&offset=4'))).toEqual([root.userId]);
    // Users created elsewhere: the email is the username, the name splits at its first space.
    expect(next.body.data.users[1]).toMatchObject({ username: admin.email, first_name: 'Mia', last_name: 'Manager', roles: ['tenant_admin'], last_login: '2026-01-15T12:00:00Z' });
  });

  it('filters by 004 role, active and search', async () => {
    expect(ids(await list('?role=support'))).toEqual([inactive, support]);
    expect(ids(await list('?role=technician'))).toEqual([tech]);
    expect(ids(await list('?role=tenant_admin'))).toEqual([admin.userId]);
    expect(ids(await list('?active=false'))).toEqual([inactive]);
    expect(ids(await list('?role=support&active=true'))).toEqual([support]);
    expect(ids(await list('?search=tono'))).toEqual([tech]);
    expect(ids(await list('?search=sari%40isp'))).toEqual([support]);
    expect((await list('?search=nobody')).body.data.total).toBe(0);
  });

  it('refuses bad filters, and roles the matrix does not allow', async () => {
    for (const q of ['?role=janitor', '?active=maybe', '?limit=0', '?limit=101', '?offset=-1']) {
      const res = await list(q);
      expect({ q, status: res.status }).toEqual({ q, status: 422 });
    }
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, status: (await t.http.get('/api/v1/identity/users').set(auth(u))).status }).toEqual({ role, status: allows('users.list', role) ? 200 : 403 });
    }
  });
});
