import type { Role } from '../../domain/user';
import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { as, device, inventoryWorld } from '../../../test/support/inventory';
import { ALL_ROLES } from '../technician-management/permissions';
import { INVENTORY_ADMIN_PERMISSIONS as P } from './permissions';

/**
 * Document 003's role matrix (docs/api/003-inventory.md): every endpoint for every role. Admin
 * (super_admin, manager) may do everything; everyone else is 403 ERR_FORBIDDEN; no token is 401
 * ERR_UNAUTHENTICATED; an unknown path is 404 in the document's format.
 */
describe('document 003 permissions', () => {
  let t: TestApp;
  const users = {} as Record<Role, { token: string }>;
  let deviceId: number;

  beforeAll(async () => {
    t = await startTestApp({ INVENTORY_RATE_LIMIT_PER_MINUTE: '0' });
    for (const role of ALL_ROLES) users[role] = (await t.user(role)) as TestUser;
    await inventoryWorld(t, users.super_admin as TestUser);
    deviceId = (await device(t, users.super_admin as TestUser)).deviceId;
  });
  afterAll(async () => {
    await t.stop();
  });

  type Call = (token: { token: string }) => Promise<{ status: number; body: { errorCode?: string } }>;
  const get = (path: string): Call => (u) => t.http.get(`/api/v1/admin/${path}`).set(as(u));
  // Writes that would change something are sent with an invalid body: an allowed role gets 422
  // (validation comes after the permission check), a refused one 403.
  const write = (method: 'post' | 'put' | 'delete', path: string): Call => (u) => t.http[method](`/api/v1/admin/${path}`).set(as(u)).send({ name: '', unit_name: '' });
  const endpoints: Record<string, { call: Call; allowed: readonly Role[]; ok: number }> = {
    'GET kpis': { call: get('dashboard/kpis'), allowed: P.dashboard, ok: 200 },
    'GET charts': { call: get('dashboard/charts'), allowed: P.dashboard, ok: 200 },
    'GET devices': { call: get('devices'), allowed: P.viewDevices, ok: 200 },
    'GET devices/{id}': { call: (u) => get(`devices/${deviceId}`)(u), allowed: P.viewDevices, ok: 200 },
    'POST devices': { call: write('post', 'devices'), allowed: P.manageDevices, ok: 422 },
    'PUT devices/{id}': { call: (u) => t.http.put(`/api/v1/admin/devices/${deviceId}`).set(as(u)).send({ condition: 'x' }), allowed: P.manageDevices, ok: 422 },
    'DELETE devices/{id}': { call: (u) => t.http.delete('/api/v1/admin/devices/987654').set(as(u)), allowed: P.manageDevices, ok: 404 },
    'GET device-assignments': { call: get('device-assignments'), allowed: P.viewAssignments, ok: 200 },
    'POST device-assignments': { call: write('post', 'device-assignments'), allowed: P.manageAssignments, ok: 422 },
    'PUT device-assignments/{id}': { call: (u) => t.http.put('/api/v1/admin/device-assignments/987654').set(as(u)).send({}), allowed: P.manageAssignments, ok: 404 },
    'POST device-assignments/{id}/return': { call: (u) => t.http.post('/api/v1/admin/device-assignments/987654/return').set(as(u)), allowed: P.manageAssignments, ok: 404 },
    'GET users': { call: get('users'), allowed: P.viewUsers, ok: 200 },
    'GET branches': { call: get('branches'), allowed: P.viewReference, ok: 200 },
    'POST branches': { call: write('post', 'branches'), allowed: P.manageReference, ok: 422 },
    'PUT branches/{id}': { call: write('put', 'branches/1'), allowed: P.manageReference, ok: 422 },
    'GET categories': { call: get('categories'), allowed: P.viewReference, ok: 200 },
    'POST categories': { call: write('post', 'categories'), allowed: P.manageReference, ok: 422 },
    'PUT categories/{briboxId}': { call: write('put', 'categories/01'), allowed: P.manageReference, ok: 422 },
    'GET main-branches': { call: get('main-branches'), allowed: P.viewReference, ok: 200 },
    'POST main-branches': { call: write('post', 'main-branches'), allowed: P.manageReference, ok: 422 },
    'PUT main-branches/{id}': { call: write('put', 'main-branches/1'), allowed: P.manageReference, ok: 422 },
    'GET departments': { call: get('departments'), allowed: P.viewReference, ok: 200 },
    'POST departments': { call: write('post', 'departments'), allowed: P.manageReference, ok: 422 },
    'PUT departments/{id}': { call: write('put', 'departments/1'), allowed: P.manageReference, ok: 422 },
    'GET parent-categories': { call: get('parent-categories'), allowed: P.viewReference, ok: 200 },
    'POST parent-categories': { call: write('post', 'parent-categories'), allowed: P.manageReference, ok: 422 },
    'PUT parent-categories/{id}': { call: write('put', 'parent-categories/1'), allowed: P.manageReference, ok: 422 },
  };
  const cases = Object.entries(endpoints).flatMap(([name, e]) => ALL_ROLES.map((role) => [name, role, e.allowed.includes(role) ? e.ok : 403] as const));

  it('admin is super_admin and manager, on every endpoint', () => {
    expect(cases).toHaveLength(Object.keys(endpoints).length * ALL_ROLES.length);
    for (const e of Object.values(endpoints)) expect([...e.allowed].sort()).toEqual(['manager', 'super_admin']);
  });

  it.each(cases)('%s as %s → %i', async (name, role, expected) => {
    const res = await endpoints[name]!.call(users[role]);
    expect(res.status).toBe(expected);
    if (expected === 403) expect(res.body).toEqual({ message: 'This action is unauthorized.', errorCode: 'ERR_FORBIDDEN' });
  });

  it('answers 401 ERR_UNAUTHENTICATED without a valid token, and 404 for a path the document does not have', async () => {
    for (const path of ['devices', 'dashboard/kpis', 'nothing/here']) {
      const res = await t.http.get(`/api/v1/admin/${path}`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Unauthenticated.', errorCode: 'ERR_UNAUTHENTICATED' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await t.http.get('/api/v1/admin/devices').set('Authorization', 'Bearer nope')).body.errorCode).toBe('ERR_UNAUTHENTICATED');
    const unknown = await t.http.get('/api/v1/admin/nothing/here').set(as(users.manager));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: 'Resource not found.', errorCode: 'ERR_RESOURCE_NOT_FOUND' });
    const badJson = await t.http.post('/api/v1/admin/devices').set(as(users.manager)).set('content-type', 'application/json').send('{"brand":');
    expect(badJson.status).toBe(400);
    expect(badJson.body.errorCode).toBe('ERR_BAD_REQUEST');
  });
});
