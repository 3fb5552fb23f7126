import { auth, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/**
 * Document 002 authentication: POST /api/users/token (OAuth2 password form or JSON), refresh,
 * logout; the same users, sessions and tokens as /api/auth (documents 000 and 001).
 */
describe('Authentication (document 002)', () => {
  let t: TestApp;
  let manager: TestUser;

  beforeEach(async () => {
    // The auth limit is tested on its own below; here it stays out of the way.
    t = await startBillingApp({ BILLING_RATE_LIMIT_AUTH: '1000' });
    manager = await t.user('manager');
  });
  afterEach(async () => {
    await t.stop();
  });

  const token = (body: Record<string, string>, form = true) =>
    form ? t.http.post('/api/users/token').type('form').send(body) : t.http.post('/api/users/token').send(body);

  it('answers the OAuth2 token body for a form login, and the access token works on every staff API', async () => {
    const res = await token({ username: manager.email, password: manager.password, grant_type: 'password' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 900, refresh_token: expect.any(String) });
    const bearer = { token: res.body.access_token as string };
    expect((await t.http.get('/api/pelanggan/').set(auth(bearer))).status).toBe(200);
    expect((await t.http.get('/api/customers').set(auth(bearer))).status).toBe(200);
    // And a token of /api/auth/login works here.
    expect((await t.http.get('/api/pelanggan/').set(auth(manager))).status).toBe(200);
  });

  it('takes the same login as JSON', async () => {
    const res = await token({ username: manager.email, password: manager.password }, false);
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('bearer');
  });

  it('401 for a wrong password or an unknown user, 403 for an inactive user, 422 for a missing field', async () => {
    for (const body of [{ username: manager.email, password: 'wrong' }, { username: 'nobody@example.com', password: 'whatever' }]) {
      const res = await token(body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Email atau password salah', status: 'error', error_code: 'INVALID_CREDENTIALS' });
    }
    const admin = await t.user('super_admin');
    const off = await t.user('customer_service');
    expect((await t.http.put(`/api/users/${off.userId}`).set(auth(admin)).send({ is_active: false })).status).toBe(200);
    const inactive = await token({ username: off.email, password: off.password });
    expect(inactive.status).toBe(403);
    expect(inactive.body).toEqual({ detail: 'User tidak aktif', status: 'error', error_code: 'USER_INACTIVE' });
    // With a wrong password the inactive account is just wrong credentials (nothing told).
    expect((await token({ username: off.email, password: 'wrong' })).status).toBe(401);
    const missing = await token({ username: manager.email });
    expect(missing.status).toBe(422);
    expect(missing.body.detail.errors).toEqual([{ field: 'password', message: 'The password field is required.' }]);
  });

  it('refresh rotates the refresh token; the old one revokes the session (reuse)', async () => {
    const first = (await token({ username: manager.email, password: manager.password })).body;
    t.clock.advance(1000);
    const refreshed = await t.http.post('/api/users/refresh').send({ refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect((await t.http.get('/api/pelanggan/').set(auth({ token: refreshed.body.access_token }))).status).toBe(200);
    const reused = await t.http.post('/api/users/refresh').send({ refresh_token: first.refresh_token });
    expect(reused.status).toBe(401);
    expect(reused.body.error_code).toBe('UNAUTHORIZED');
    expect((await t.http.post('/api/users/refresh').send({ refresh_token: refreshed.body.refresh_token })).status).toBe(401);
    expect((await t.http.post('/api/users/refresh').send({ refresh_token: 'not-a-token' })).status).toBe(401);
  });

  it('logout blacklists the refresh token and ends the session’s access tokens', async () => {
    const session = (await token({ username: manager.email, password: manager.password })).body;
    const out = await t.http.post('/api/users/logout').send({ refresh_token: session.refresh_token });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ detail: 'Successfully logged out' });
    expect((await t.http.post('/api/users/refresh').send({ refresh_token: session.refresh_token })).status).toBe(401);
    expect((await t.http.get('/api/pelanggan/').set(auth({ token: session.access_token }))).status).toBe(401);
    // Other sessions of the user go on.
    expect((await t.http.get('/api/pelanggan/').set(auth(manager))).status).toBe(200);
  });

  it('leaves document 000’s /api/users routes to document 000', async () => {
    const res = await t.http.get('/api/users').set(auth(manager));
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect((await t.http.get('/api/users')).body).toMatchObject({ success: false });
  });
});

describe('Authentication rate limit (document 002)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.stop();
  });

  it('allows 5 attempts per 5 minutes per IP, then 429 with Retry-After, and again after the window', async () => {
    t = await startBillingApp();
    const user = await t.user('manager');
    const attempt = () => t.http.post('/api/users/token').type('form').send({ username: user.email, password: 'wrong' });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ detail: 'Rate limit exceeded', status: 'error', error_code: 'RATE_LIMIT_EXCEEDED', retry_after: expect.any(Number) });
    expect(Number(limited.headers['retry-after'])).toBe(limited.body.retry_after);
    expect(limited.body.retry_after).toBeGreaterThan(0);
    expect(limited.body.retry_after).toBeLessThanOrEqual(600);
    // Refresh and logout count under the same limit.
    expect((await t.http.post('/api/users/refresh').send({ refresh_token: 'x' })).status).toBe(429);
    t.clock.advance(10 * 60_000);
    expect((await t.http.post('/api/users/token').type('form').send({ username: user.email, password: user.password })).status).toBe(200);
  });

  it('takes its numbers from BILLING_RATE_LIMIT_AUTH and BILLING_RATE_LIMIT_AUTH_WINDOW_SECONDS', async () => {
    t = await startBillingApp({ BILLING_RATE_LIMIT_AUTH: '2', BILLING_RATE_LIMIT_AUTH_WINDOW_SECONDS: '60' });
    const attempt = () => t.http.post('/api/users/token').type('form').send({ username: 'a@example.com', password: 'b' });
    expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(120);
  });
});
