import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';

/** POST /api/auth/login rate limits through HTTP, on the embedded adapters with a manual clock. */
describe('login rate limits', () => {
  let t: TestApp;
  let u: TestUser;
  const env = { LOGIN_RATE_LIMIT_PER_EMAIL: '3', LOGIN_RATE_LIMIT_PER_IP: '8', LOGIN_RATE_LIMIT_WINDOW_SECONDS: '60' };

  afterEach(async () => {
    await t.stop();
  });

  const wrong = (email: string) => t.http.post('/api/auth/login').send({ email, password: 'not-the-password' });

  it('refuses the attempt after the limit with 429, Retry-After and RATE_LIMIT_EXCEEDED, until the window has slid past', async () => {
    t = await startTestApp(env);
    u = await t.user('technician');
    for (let i = 0; i < 3; i++) {
      const res = await wrong(u.email);
      expect(res.status).toBe(401);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    const refused = await wrong(u.email);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(refused.body).toEqual({
      success: false,
      message: `Too many login attempts. Try again in ${retryAfter} seconds.`,
      error: {
        code: 'RATE_LIMIT_EXCEEDED',
        message: `Too many login attempts. Try again in ${retryAfter} seconds.`,
        details: { limit: 3, retry_after: retryAfter, reset_time: expect.any(String) },
      },
    });
    expect(Date.parse(refused.body.error.details.reset_time) - t.clock.now().getTime()).toBeLessThanOrEqual(retryAfter * 1000);
    // The right password does not get through either while refused.
    expect((await t.login(u.email, u.password)).status).toBe(429);

    t.clock.advance((retryAfter - 1) * 1000);
    expect((await t.login(u.email, u.password)).status).toBe(429);
    t.clock.advance(1000);
    expect((await t.login(u.email, u.password)).status).toBe(200);
  });

  it('a successful login clears the per-e-mail count; the per-IP limit covers every e-mail', async () => {
    t = await startTestApp(env);
    u = await t.user('technician'); // one login from this IP
    await wrong(u.email);
    await wrong(u.email);
    expect((await t.login(u.email, u.password)).status).toBe(200);
    // Cleared: three more wrong attempts are answered 401, not 429.
    for (let i = 0; i < 3; i++) expect((await wrong(u.email)).status).toBe(401);
    // 1 + 2 + 1 + 3 = 7 attempts from this IP so far; the 8th is allowed, the 9th refused whatever the e-mail.
    expect((await wrong('someone.else@example.com')).status).toBe(401);
    const res = await wrong('a.third.person@example.com');
    expect(res.status).toBe(429);
    expect(res.body.error.details.limit).toBe(8);
  });

  it('counts behind a proxy by the client address only when TRUST_PROXY says so', async () => {
    t = await startTestApp({ ...env, LOGIN_RATE_LIMIT_PER_IP: '2' });
    // Not trusted: X-Forwarded-For cannot be used to dodge the per-IP limit.
    const from = (ip: string) => t.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ email: `x${ip}@example.com`, password: 'nope' });
    expect((await from('203.0.113.1')).status).toBe(401);
    expect((await from('203.0.113.2')).status).toBe(401);
    expect((await from('203.0.113.3')).status).toBe(429);
    await t.stop();

    t = await startTestApp({ ...env, LOGIN_RATE_LIMIT_PER_IP: '2', TRUST_PROXY: 'loopback' });
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) expect((await from(ip)).status).toBe(401);
    expect((await from('203.0.113.1')).status).toBe(401);
    expect((await from('203.0.113.1')).status).toBe(429);
  });

  it('a limit of 0 switches a policy off', async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT_PER_EMAIL: '0', LOGIN_RATE_LIMIT_PER_IP: '0' });
    for (let i = 0; i < 15; i++) expect((await wrong('nobody@example.com')).status).toBe(401);
    expect((await wrong('nobody@example.com')).headers['x-ratelimit-limit']).toBeUndefined();
  });
});
