import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth, createCustomer, createTicket } from '../../../test/support/audit';

const TOKEN = 'metrics-token-0123456789abcdef';

/**
 * GET /metrics: Prometheus text for the scraper holding METRICS_TOKEN (401 for anyone else, 404
 * when no token is configured), with requests by route template and status, their durations,
 * events appended, subscription reconnects and every projector's checkpoint and lag.
 */
describe('GET /metrics', () => {
  let t: TestApp;
  let manager: TestUser;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN: TOKEN });
    manager = await t.user('manager');
    ticketId = await createTicket(t, manager, await createCustomer(t, manager));
    for (let i = 0; i < 3; i++) await t.http.get(`/api/tickets/${ticketId}`).set(auth(manager));
    await t.http.get('/api/tickets/00000000-0000-4000-8000-000000000000').set(auth(manager));
    await t.http.get('/api/tickets');
  });
  afterAll(async () => {
    await t.stop();
  });

  const scrape = () => t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
  const sample = (text: string, name: string, labels: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };

  it('answers only the bearer of METRICS_TOKEN', async () => {
    for (const header of [undefined, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`, `Bearer ${manager.token}`, `Bearer ${TOKEN}x`]) {
      const call = t.http.get('/metrics');
      const res = header ? await call.set('Authorization', header) : await call;
      expect([header, res.status, res.headers['www-authenticate']]).toEqual([header, 401, 'Bearer']);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts requests by route template and status, with their durations', async () => {
    const text = (await scrape()).text;
    expect(sample(text, 'http_requests_total', 'method="GET",route="/api/tickets/{id}",status="200"')).toBe(3);
    expect(sample(text, 'http_requests_total', 'method="GET",route="/api/tickets/{id}",status="404"')).toBe(1);
    expect(sample(text, 'http_requests_total', 'method="POST",route="/api/tickets",status="201"')).toBe(1);
    // Refused before a route matched: the router's mount path.
    expect(sample(text, 'http_requests_total', 'method="GET",route="/api/tickets/*",status="401"')).toBe(1);
    expect(text).not.toContain(ticketId);
    expect(sample(text, 'http_request_duration_seconds_count', 'method="GET",route="/api/tickets/{id}",status="200"')).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_bucket', 'le="10",method="GET",route="/api/tickets/{id}",status="200"')).toBe(3);
  });

  it('counts events appended by aggregate, and reports every projector’s checkpoint and lag', async () => {
    const text = (await scrape()).text;
    expect(sample(text, 'events_appended_total', 'aggregate="ticket"')).toBe(1);
    expect(sample(text, 'events_appended_total', 'aggregate="customer"')).toBe(1);
    expect(sample(text, 'event_subscription_reconnects_total', '')).toBe(0);
    const head = await t.eventStore.headPosition();
    expect(sample(text, 'projection_checkpoint', 'projector="tickets"')).toBe(head);
    expect(sample(text, 'projection_lag_events', 'projector="tickets"')).toBe(0);
    expect(sample(text, 'projection_lag_seconds', 'projector="audit-index"')).toBe(0);
    expect(sample(text, 'projection_faulted', 'projector="users"')).toBe(0);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('is not found when METRICS_TOKEN is not set', async () => {
    const off = await startTestApp();
    try {
      const res = await off.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect([res.status, res.body.error.code]).toEqual([404, 'RESOURCE_NOT_FOUND']);
    } finally {
      await off.stop();
    }
  });
});
