import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { as } from '../../../test/support/inventory';

/**
 * Document 003: "100 requests per minute per user. Exceeding this returns a 429". Counted per
 * user (two users do not share a budget), answered in the document's error format with
 * Retry-After, and configurable (INVENTORY_RATE_LIMIT_PER_MINUTE; 0 switches it off).
 */
describe('document 003 rate limit', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.stop();
  });

  it('allows 100 requests a minute per user, then 429 ERR_TOO_MANY_REQUESTS with Retry-After, until the minute has passed', async () => {
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '3600' });
    const a: TestUser = await t.user('manager');
    const b: TestUser = await t.user('super_admin');
    const call = (u: TestUser) => t.http.get('/api/v1/admin/branches').set(as(u));
    for (let i = 0; i < 100; i++) {
      const res = await call(a);
      expect([i, res.status]).toEqual([i, 200]);
      expect(res.headers['x-ratelimit-remaining']).toBe(String(99 - i));
    }
    const refused = await call(a);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ message: 'Too many requests.', errorCode: 'ERR_TOO_MANY_REQUESTS' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['x-ratelimit-limit']).toBe('100');
    // Another user has a budget of their own; other documents are not counted.
    expect((await call(b)).status).toBe(200);
    expect((await t.http.get('/api/inventory/items').set(as(a))).status).toBe(200);
    t.clock.advance(2 * 60_000);
    expect((await call(a)).status).toBe(200);
  });

  it('takes its limit from INVENTORY_RATE_LIMIT_PER_MINUTE', async () => {
    t = await startTestApp({ INVENTORY_RATE_LIMIT_PER_MINUTE: '3' });
    const a: TestUser = await t.user('manager');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.http.get('/api/v1/admin/devices').set(as(a))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});
