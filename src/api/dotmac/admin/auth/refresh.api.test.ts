import { startTestApp, type TestApp } from '../../../../../test/support/test-app';

/** Document 004 `POST /api/v1/auth/refresh`: staff tokens, rotated; reuse revokes; portal and garbage tokens refused. */
describe('POST /api/v1/auth/refresh (document 004, staff tokens)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers a new access token and the next refresh token, which works on the staff APIs', async () => {
    const u = await t.user('manager');
    const res = await t.http.post('/api/v1/auth/refresh').send({ refresh_token: u.refreshToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, message: 'Token refreshed', data: { token_type: 'bearer', expires_in: 900, access_token: expect.any(String), refresh_token: expect.any(String) } });
    expect(res.headers['x-ratelimit-limit']).toBe('1000');
    expect(res.body.data.refresh_token).not.toBe(u.refreshToken);
    const me = await t.http.get('/api/v1/webhooks').set({ Authorization: `Bearer ${res.body.data.access_token}` });
    expect(me.status).toBe(200);
    // The next refresh token works once more.
    expect((await t.http.post('/api/v1/auth/refresh').send({ refresh_token: res.body.data.refresh_token })).status).toBe(200);
  });

  it('revokes the family when a spent refresh token comes back', async () => {
    const u = await t.user('supervisor');
    const first = await t.http.post('/api/v1/auth/refresh').send({ refresh_token: u.refreshToken });
    expect(first.status).toBe(200);
    const reuse = await t.http.post('/api/v1/auth/refresh').send({ refresh_token: u.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toMatchObject({ success: false, error: { code: 'AUTHENTICATION_REQUIRED' } });
    expect((await t.http.post('/api/v1/auth/refresh').send({ refresh_token: first.body.data.refresh_token })).status).toBe(401);
  });

  it('refuses an access token, garbage, and a missing token', async () => {
    const u = await t.user('manager');
    expect((await t.http.post('/api/v1/auth/refresh').send({ refresh_token: u.token })).status).toBe(401);
    expect((await t.http.post('/api/v1/auth/refresh').send({ refresh_token: 'not.a.jwt' })).status).toBe(401);
    const missing = await t.http.post('/api/v1/auth/refresh').send({});
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'refresh_token' } });
  });
});
