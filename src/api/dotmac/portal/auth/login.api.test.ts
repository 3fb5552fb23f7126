import jwt from 'jsonwebtoken';
import { bearer, NEW_PASSWORD, portalCustomer, portalLogin, startPortalApp, TEMP_PASSWORD } from '../../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../../test/support/test-app';

/** Use case: a customer logs in to the portal with the Portal ID (document 004 POST /api/portal/v1/auth/login). */
describe('POST /api/portal/v1/auth/login', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
  });
  afterAll(() => t.stop());

  it('signs a pending account in with the temporary password and asks for a password change', async () => {
    const c = await portalCustomer(t, admin, { activate: false });
    const res = await portalLogin(t, c.portalId.toLowerCase(), TEMP_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      message: 'Login successful',
      data: { token_type: 'bearer', expires_in: 3600, portal_id: c.portalId, account_type: 'customer', require_password_change: true, require_two_factor: false },
    });
    expect(res.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
    const claims = jwt.decode(res.body.data.access_token) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: c.portalAccountId, portal_id: c.portalId, account_type: 'customer', type: 'access', aud: 'portal' });
    expect(claims.session_id).toEqual(expect.any(String));
    // Until the password is changed, only the profile, change-password and logout answer.
    const token = res.body.data.access_token as string;
    expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(token))).status).toBe(200);
    const blocked = await t.http.post('/api/portal/v1/account/two-factor/setup').set(bearer(token));
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toMatchObject({ code: 'ACCESS_DENIED', details: { require_password_change: true } });
  });

  it('answers an unknown Portal ID and a wrong password alike: 400 INVALID_CREDENTIALS', async () => {
    const c = await portalCustomer(t, admin);
    for (const body of [
      { portal_id: 'ACDEFGHJ', password: NEW_PASSWORD },
      { portal_id: c.portalId, password: 'not-the-password-1' },
    ]) {
      const res = await t.http.post('/api/portal/v1/auth/login').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: { code: 'INVALID_CREDENTIALS', message: 'Invalid credentials', details: {} } });
      expect(res.body.request_id).toEqual(expect.any(String));
    }
    const missing = await t.http.post('/api/portal/v1/auth/login').send({ portal_id: c.portalId });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'password', fields: { password: [expect.any(String)] } } });
  });

  it('lengthens the refresh lifetime with remember_me', async () => {
    const c = await portalCustomer(t, admin);
    const lifetime = async (rememberMe: boolean) => {
      const res = await portalLogin(t, c.portalId, c.password, { remember_me: rememberMe });
      const claims = jwt.decode(res.body.data.refresh_token) as { exp: number; iat: number };
      return claims.exp - claims.iat;
    };
    expect(await lifetime(false)).toBe(86_400);
    expect(await lifetime(true)).toBe(30 * 86_400);
  });

  it('refreshes (rotating the refresh token; a reused one ends the session) and logs out', async () => {
    const c = await portalCustomer(t, admin);
    const login = await portalLogin(t, c.portalId, c.password);
    const first = login.body.data.refresh_token as string;
    t.clock.advance(1000);
    const refreshed = await t.http.post('/api/portal/v1/auth/refresh').send({ refresh_token: first });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.data).toMatchObject({ expires_in: 3600, token_type: 'bearer' });
    const access = refreshed.body.data.access_token as string;
    expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(access))).status).toBe(200);

    const logout = await t.http.post('/api/portal/v1/auth/logout').set(bearer(access));
    expect(logout.status).toBe(200);
    expect(logout.body).toMatchObject({ success: true, message: 'Logged out successfully' });
    expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(access))).status).toBe(401);
    const again = await t.http.post('/api/portal/v1/auth/refresh').send({ refresh_token: refreshed.body.data.refresh_token });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('AUTHENTICATION_REQUIRED');

    const other = await portalLogin(t, c.portalId, c.password);
    const token = other.body.data.refresh_token as string;
    expect((await t.http.post('/api/portal/v1/auth/refresh').send({ refresh_token: token })).status).toBe(200);
    // The same refresh token a second time: the session is revoked.
    expect((await t.http.post('/api/portal/v1/auth/refresh').send({ refresh_token: token })).status).toBe(401);
    expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(other.body.data.access_token))).status).toBe(401);
  });

  // Last: it moves the clock past the staff fixture's token lifetime.
  it('locks the account after 5 failures for 30 minutes (423), then lets the right password in again', async () => {
    const c = await portalCustomer(t, admin);
    for (let i = 1; i <= 4; i++) expect((await portalLogin(t, c.portalId, `wrong-password-${i}`)).status).toBe(400);
    const fifth = await portalLogin(t, c.portalId, 'wrong-password-5');
    expect(fifth.status).toBe(423);
    expect(fifth.body.error.code).toBe('ACCOUNT_LOCKED');
    const until = fifth.body.error.details.locked_until as string;
    expect(Date.parse(until) - t.clock.now().getTime()).toBe(30 * 60_000);
    // The right password changes nothing while the lock lasts.
    expect((await portalLogin(t, c.portalId, c.password)).status).toBe(423);
    t.clock.advance(29 * 60_000);
    expect((await portalLogin(t, c.portalId, c.password)).status).toBe(423);
    t.clock.advance(60_000);
    const after = await portalLogin(t, c.portalId, c.password);
    expect(after.status).toBe(200);
    // Lock and unlock are events in the account's stream.
    const types = (await t.eventStore.readStream(`portal_account-${c.portalAccountId}`)).map((e) => e.type);
    expect(types.filter((x) => x === 'PortalLoginFailed')).toHaveLength(5);
    expect(types).toEqual(expect.arrayContaining(['PortalAccountLocked', 'PortalAccountUnlocked']));
    expect(types.indexOf('PortalAccountUnlocked')).toBeGreaterThan(types.indexOf('PortalAccountLocked'));
  });
});
