import { bearer, portalCustomer, portalLogin, startPortalApp, type PortalCustomer } from '../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../test/support/test-app';
import type request from 'supertest';

/**
 * Use case: document 004's rate limits. Every answer of the portal carries X-RateLimit-Limit,
 * -Remaining and -Reset (a 401, a 404 and a validation error too); the portal login is counted
 * per IP, the portal APIs per Portal ID; past the limit, 429 RATE_LIMIT_EXCEEDED with Retry-After.
 */
describe('document 004 rate limits', () => {
  let t: TestApp;
  let admin: TestUser;
  let a: PortalCustomer;
  let b: PortalCustomer;

  const expectHeaders = (res: request.Response, limit: number) => {
    expect(res.headers['x-ratelimit-limit']).toBe(String(limit));
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
    expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(t.clock.now().getTime() / 1000);
  };

  beforeAll(async () => {
    t = await startPortalApp({ DOTMAC_RATE_LIMIT_PORTAL_AUTH: '4', DOTMAC_RATE_LIMIT_PORTAL: '6', DOTMAC_RATE_LIMIT_WINDOW_SECONDS: '60' });
    admin = await t.user('super_admin');
    a = await portalCustomer(t, admin);
    b = await portalCustomer(t, admin);
    // Nothing of the fixtures' requests weighs any more (the limiter's window slides).
    t.clock.advance(121_000);
  });
  afterAll(() => t.stop());

  it('puts the headers on every answer: success, 401, 404, 422', async () => {
    const answers = [
      await t.http.get('/api/portal/v1/account/profile').set(bearer(a.token)),
      await t.http.get('/api/portal/v1/account/profile'),
      await t.http.get('/api/portal/v1/no-such-thing').set(bearer(a.token)),
      await t.http.put('/api/portal/v1/account/profile').set(bearer(a.token)).send({ email: 'nope' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 422]);
    for (const res of answers) expectHeaders(res, 6);
    expect(answers[2]!.body).toMatchObject({ success: false, error: { code: 'RESOURCE_NOT_FOUND' } });
    t.clock.advance(121_000);
  });

  it('counts the portal login per IP: the 5th within the minute is 429 with Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await portalLogin(t, a.portalId, i % 2 ? a.password : 'wrong-pass-123'));
    for (const res of answers) expectHeaders(res, 4);
    expect(answers.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['3', '2', '1', '0']);
    const refused = await portalLogin(t, b.portalId, b.password);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expectHeaders(refused, 4);
    expect(refused.body).toMatchObject({
      success: false,
      error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded. Try again later.', details: { limit: 4, reset_time: expect.stringMatching(/Z$/) } },
      timestamp: expect.any(String),
      request_id: expect.any(String),
    });
    t.clock.advance(Number(refused.headers['retry-after']) * 1000);
    expect((await portalLogin(t, b.portalId, b.password)).status).toBe(200);
  });

  it('counts the portal APIs per Portal ID', async () => {
    // Two windows on: nothing of the earlier tests weighs any more (the limiter slides).
    t.clock.advance(121_000);
    for (let i = 0; i < 6; i++) expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(a.token))).status).toBe(200);
    const refused = await t.http.get('/api/portal/v1/account/profile').set(bearer(a.token));
    expect(refused.status).toBe(429);
    expect(refused.body.error.details.limit).toBe(6);
    // Another customer from the same address has its own count.
    const other = await t.http.get('/api/portal/v1/account/profile').set(bearer(b.token));
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe('5');
  });
});
