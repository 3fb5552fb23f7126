import { auth, startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/**
 * Document 004 webhook endpoints through HTTP: create (secret answered once), list, get, update,
 * delete, in the document's envelope and error format, with the SSRF policy (private,
 * loopback and link-local targets refused unless allowed) and the role matrix.
 */

const ALL_ROLES: Role[] = ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'];

describe('Webhooks API: managing endpoints (document 004)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
    admin = await t.user('manager');
  });
  afterAll(async () => {
    await t.stop();
  });

  const create = (body: Record<string, unknown>, as: { token: string } = admin) => t.http.post('/api/v1/webhooks').set(auth(as)).send(body);

  it('creates an endpoint, answers its secret once, and shows it without the secret afterwards', async () => {
    const res = await create({ url: 'http://127.0.0.1:9999/hooks/dotmac', events: ['customer.created', 'invoice.paid'], secret: 'webhook_secret_key', active: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ success: true, message: 'Webhook created successfully', request_id: expect.any(String), timestamp: expect.stringMatching(/Z$/) });
    const { webhook, secret } = res.body.data;
    expect(secret).toBe('webhook_secret_key');
    expect(webhook).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: 'http://127.0.0.1:9999/hooks/dotmac',
      events: ['customer.created', 'invoice.paid'],
      active: true,
      description: null,
      secret_set: true,
      disabled_reason: null,
      disabled_at: null,
      consecutive_failures: 0,
      last_attempt_at: null,
      last_success_at: null,
      last_failure_at: null,
      created_at: '2026-01-15T12:00:00Z',
      updated_at: '2026-01-15T12:00:00Z',
    });
    const got = await t.http.get(`/api/v1/webhooks/${webhook.id}`).set(auth(admin));
    expect(got.status).toBe(200);
    expect(got.body.data.webhook).toEqual(webhook);
    expect(JSON.stringify(got.body)).not.toContain('webhook_secret_key');
  });

  it('generates a Standard Webhooks secret when none is given', async () => {
    const res = await create({ url: 'http://127.0.0.1:9999/generated', events: ['ticket.created'] });
    expect(res.status).toBe(201);
    expect(res.body.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('lists newest first with limit/offset pagination and the active filter', async () => {
    const a = (await create({ url: 'http://127.0.0.1:9999/a', events: ['ticket.created'] })).body.data.webhook;
    t.clock.advance(1000);
    const b = (await create({ url: 'http://127.0.0.1:9999/b', events: ['ticket.created'], active: false })).body.data.webhook;
    const res = await t.http.get('/api/v1/webhooks?limit=1&offset=0').set(auth(admin));
    expect(res.status).toBe(200);
    expect(res.body.data.webhooks.map((w: { id: string }) => w.id)).toEqual([b.id]);
    expect(res.body.pagination).toMatchObject({ limit: 1, offset: 0, has_more: true, next_offset: 1, prev_offset: null });
    const inactive = await t.http.get('/api/v1/webhooks?active=false').set(auth(admin));
    expect(inactive.body.data.webhooks.map((w: { id: string }) => w.id)).toEqual([b.id]);
    const active = await t.http.get('/api/v1/webhooks?active=true&limit=100').set(auth(admin));
    expect(active.body.data.webhooks.map((w: { id: string }) => w.id)).toContain(a.id);
  });

  it('updates only what is given, and deletes', async () => {
    const { id } = (await create({ url: 'http://127.0.0.1:9999/u', events: ['ticket.created'] })).body.data.webhook;
    t.clock.advance(1000);
    const changedAt = t.clock.now().toISOString().replace('.000Z', 'Z');
    const res = await t.http.put(`/api/v1/webhooks/${id}`).set(auth(admin)).send({ events: ['ticket.resolved', 'payment.failed'], active: false, description: 'CRM' });
    expect(res.status).toBe(200);
    expect(res.body.data.webhook).toMatchObject({ id, url: 'http://127.0.0.1:9999/u', events: ['ticket.resolved', 'payment.failed'], active: false, description: 'CRM', updated_at: changedAt });
    expect((await t.http.put(`/api/v1/webhooks/${id}`).set(auth(admin)).send({})).status).toBe(422);
    const del = await t.http.delete(`/api/v1/webhooks/${id}`).set(auth(admin));
    expect(del.status).toBe(200);
    expect(del.body.data).toEqual({ id, deleted: true });
    const gone = await t.http.get(`/api/v1/webhooks/${id}`).set(auth(admin));
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, error: { code: 'RESOURCE_NOT_FOUND' } });
    expect((await t.http.delete(`/api/v1/webhooks/${id}`).set(auth(admin))).status).toBe(404);
  });

  it('refuses URLs that resolve to loopback, link-local or private addresses (422) unless allowed', async () => {
    for (const url of ['http://10.0.0.5/hook', 'http://192.168.1.20/hook', 'http://169.254.169.254/latest/meta-data', 'http://localhost:8080/hook', 'http://[::1]/hook', 'http://127.0.0.2/hook']) {
      const res = await create({ url, events: ['customer.created'] });
      expect({ url, status: res.status }).toEqual({ url, status: 422 });
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'url', issue: expect.stringMatching(/(private|loopback|link-local) address/) } });
    }
    const { id } = (await create({ url: 'http://127.0.0.1:1/ok', events: ['customer.created'] })).body.data.webhook;
    const update = await t.http.put(`/api/v1/webhooks/${id}`).set(auth(admin)).send({ url: 'http://10.1.2.3/x' });
    expect(update.status).toBe(422);
    expect(update.body.error.details.field).toBe('url');
  });

  it('answers validation errors per field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ events: ['customer.created'] }, 'url'],
      [{ url: 'ftp://example.com/x', events: ['customer.created'] }, 'url'],
      [{ url: 'http://127.0.0.1:1/x', events: [] }, 'events'],
      [{ url: 'http://127.0.0.1:1/x', events: ['customer.deleted'] }, 'events.0'],
      [{ url: 'http://127.0.0.1:1/x', events: ['customer.created'], secret: 'short' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect({ body, status: res.status, field: res.body.error?.details?.field }).toEqual({ body, status: 422, field });
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await t.http.get('/api/v1/webhooks/not-a-uuid').set(auth(admin))).status).toBe(404);
  });

  it('needs a staff token of a role that manages webhooks; every answer has the rate-limit headers', async () => {
    const none = await t.http.get('/api/v1/webhooks');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('AUTHENTICATION_REQUIRED');
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) expect(none.headers[h]).toMatch(/^\d+$/);
    expect(none.headers['x-ratelimit-limit']).toBe('1000');
    for (const role of ALL_ROLES) {
      const u = await t.user(role);
      const res = await t.http.get('/api/v1/webhooks').set(auth(u));
      expect({ role, status: res.status }).toEqual({ role, status: allows('webhooks.manage', role) ? 200 : 403 });
      if (res.status === 403) expect(res.body.error.code).toBe('ACCESS_DENIED');
    }
  });
});
