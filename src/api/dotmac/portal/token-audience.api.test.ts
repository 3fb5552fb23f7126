import jwt from 'jsonwebtoken';
import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../../test/support/portal';
import { customerWithLogin, type TestApp, type TestUser } from '../../../../test/support/test-app';

/**
 * Use case: tokens stay in their API. Portal tokens (audience `portal`) are accepted only by
 * /api/portal/v1; staff tokens are refused there, and portal tokens on every staff API.
 */
describe('portal and staff token audiences', () => {
  let t: TestApp;
  let admin: TestUser;
  let customer: PortalCustomer;

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    customer = await portalCustomer(t, admin);
  });
  afterAll(() => t.stop());

  it('refuses a portal token on every staff API (401), whatever the document', async () => {
    const staffRoutes: Array<[string, string]> = [
      ['get', '/api/users'],
      ['get', '/api/customers'],
      ['get', '/api/tickets'],
      ['get', '/api/notifications'],
      ['post', '/api/auth/logout'],
      ['get', '/v1/api/tickets'],
      ['get', '/api/services'],
      ['get', '/api/pelanggan/'],
      ['get', '/api/invoices/'],
      ['get', '/api/dashboard/'],
      ['get', '/api/v1/admin/devices'],
      ['get', '/ops/projections'],
    ];
    for (const [method, path] of staffRoutes) {
      const res = await (t.http as unknown as Record<string, (p: string) => import('supertest').Test>)[method]!(path).set(bearer(customer.token));
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    // The same holds in the token service itself: audience and the portal claims.
    expect(() => t.app.deps.tokens.verifyAccess(customer.token, 'staff')).toThrow('Invalid token');
    expect(() => t.app.deps.tokens.verifyAccess(customer.token, 'portal')).toThrow('Invalid token');
  });

  it('refuses staff tokens on the portal API (401), a customer login included', async () => {
    const customerUser = (await customerWithLogin(t, admin)).user;
    for (const token of [admin.token, customerUser.token]) {
      const res = await t.http.get('/api/portal/v1/account/profile').set(bearer(token));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, error: { code: 'AUTHENTICATION_REQUIRED' } });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    expect(() => t.app.deps.tokens.verifyPortalAccess(admin.token)).toThrow('Invalid token');
  });

  it('refuses a portal-audience token without the portal claims, and a forged one', async () => {
    const staffShaped = t.app.deps.tokens.signAccess({ userId: admin.userId, role: 'super_admin', sessionId: 'x', sessionStartedAt: t.clock.now().toISOString(), audience: 'portal' });
    expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(staffShaped))).status).toBe(401);
    const claims = jwt.decode(customer.token) as Record<string, unknown>;
    const forged = jwt.sign({ ...claims }, 'another-secret-of-enough-length-0123456789', { algorithm: 'HS256' });
    expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(forged))).status).toBe(401);
    expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(customer.token))).status).toBe(200);
  });
});
