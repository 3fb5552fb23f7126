import { registeredRoutes } from '../openapi/routes';
import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth } from '../../../test/support/audit';

/**
 * The `auditor` role reads the audit API and nothing else: every other route of every document,
 * as the application registers them, refuses it (or, for the signed-in user's own session and
 * profile, and for what needs no token at all, answers as for anyone). Only a super admin makes
 * an auditor.
 */

/** Routes every signed-in user (or anyone) may call: login, refresh, logout, one's own profile, health, documentation, signed file links, gateway callbacks. */
const NOT_ROLE_CHECKED = [
  /^\/(v1\/)?api\/auth\//,
  /^\/api\/v1\/auth\//,
  /^\/api\/portal\/v1\/auth\//,
  /^\/api\/users\/(token|refresh|logout)$/,
  /^\/health$/,
  /^\/openapi\.json$/,
  /^\/docs/,
  /^\/files\//,
  /^\/api\/invoices\/xendit-callback$/,
  /^\/api\/v1\/audit\//,
];

describe('the auditor role', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;
  let auditor: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin');
    manager = await t.user('manager');
    auditor = await t.user('auditor');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('is refused by every route outside the audit API', async () => {
    const routes = registeredRoutes(t.app.http).filter((r) => !NOT_ROLE_CHECKED.some((p) => p.test(r.path)));
    expect(routes.length).toBeGreaterThan(100);
    const allowed: string[] = [];
    const statuses: Record<number, number> = {};
    for (const r of routes) {
      const path = r.path.replace(/\{id\}/g, '0f8fad5b-d9cb-469f-a165-70867728950e').replace(/\{[^}]+\}/g, '1');
      const call = t.http[r.method.toLowerCase() as 'get'](path).set(auth(auditor));
      const res = r.method === 'GET' || r.method === 'DELETE' ? await call : await call.send({});
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      // The customer portal (document 004) takes portal tokens only: a staff token is 401 there.
      const refused = res.status === 403 || res.status === 404 || (res.status === 401 && r.path.startsWith('/api/portal/'));
      if (!refused) allowed.push(`${r.method} ${r.path} → ${res.status}`);
    }
    // 403; 404 where a path names something the caller may not see (as for anyone).
    expect(allowed).toEqual([]);
    expect(Object.keys(statuses).filter((s) => !['401', '403', '404'].includes(s))).toEqual([]);
    expect(statuses[403]!).toBeGreaterThan(routes.filter((r) => !r.path.startsWith('/api/portal/')).length * 0.9);
  });

  it('reads the audit API', async () => {
    const res = await t.http.get(`/api/v1/audit/streams/user-${auditor.userId}`).set(auth(auditor));
    expect(res.status).toBe(200);
    expect((await t.http.post('/api/v1/audit/verify').set(auth(auditor)).send({})).body.data.ok).toBe(true);
  });

  it('is given only by a super admin', async () => {
    const body = (n: number) => ({ email: `auditor.${n}@example.com`, password: 'auditor-password-1', role: 'auditor', profile: { full_name: `Auditor ${n}`, phone: '081234567890' } });
    const byManager = await t.http.post('/api/users').set(auth(manager)).send(body(1));
    expect([byManager.status, byManager.body.error?.code]).toEqual([403, 'INSUFFICIENT_PERMISSIONS']);
    const byAdmin = await t.http.post('/api/users').set(auth(admin)).send(body(2));
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.data.user.role).toBe('auditor');
    const promote = await t.http.put(`/api/users/${manager.userId}`).set(auth(manager)).send({ role: 'auditor' });
    expect(promote.status).toBe(403);
    const other = await t.user('customer_service');
    expect((await t.http.put(`/api/users/${other.userId}`).set(auth(manager)).send({ role: 'auditor' })).status).toBe(403);
    expect((await t.http.put(`/api/users/${other.userId}`).set(auth(admin)).send({ role: 'auditor' })).status).toBe(200);
  });
});
