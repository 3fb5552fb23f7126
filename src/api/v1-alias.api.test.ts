import { customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../test/support/test-app';
import { as } from '../../test/support/inventory';

/**
 * Document 000 gives its base URL as https://api.isp-management.com/v1, so its clients call
 * /v1/api/...: every route of document 000 (its login too) answers there as it does under /api,
 * reading and writing the same data (one mount of the same routers, src/api/http-app.ts).
 * Other documents' routes are not aliased.
 */
describe('document 000 under /v1/api', () => {
  let t: TestApp;
  let manager: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager', { full_name: 'Mia Manager' });
  });
  afterAll(async () => {
    await t.stop();
  });

  const strip = (body: unknown) => JSON.parse(JSON.stringify(body).replace(/"(access_token|refresh_token|token)":"[^"]+"/g, '"$1":"…"'));

  it('logs in, reads and writes the same data as /api', async () => {
    const direct = await t.http.post('/v1/api/auth/login').send({ email: manager.email, password: manager.password });
    expect(direct.status).toBe(200);
    expect(strip(direct.body)).toEqual(strip((await t.http.post('/api/auth/login').send({ email: manager.email, password: manager.password })).body));
    const token = { token: direct.body.token as string };

    const { customerId } = await customerWithLogin(t, manager);
    const created = await t.http
      .post('/v1/api/tickets')
      .set(as(token))
      .send({ customer_id: customerId, type: 'repair', priority: 'high', title: 'Lewat /v1', description: 'x', location: { lat: 0, lng: 0 } });
    expect(created.status).toBe(201);
    const id = created.body.data.ticket.id;
    for (const path of [`/tickets/${id}`, '/tickets', '/users', `/customers/${customerId}`, '/reports/dashboard', '/notifications', '/technicians']) {
      const [alias, primary] = await Promise.all([t.http.get(`/v1/api${path}`).set(as(token)), t.http.get(`/api${path}`).set(as(token))]);
      expect([path, alias.status, alias.body]).toEqual([path, primary.status, primary.body]);
    }
    const item = await t.http.post('/v1/api/inventory/items').set(as(token)).send({ name: 'ONT', category: 'ONT', sku: 'V1-ONT', unit_price: 1, stock_quantity: 1, min_stock_level: 0 });
    expect(item.status).toBe(201);
    expect((await t.http.get(`/api/inventory/items/${item.body.data.item.id}`).set(as(token))).body.data.item.sku).toBe('V1-ONT');
    // Errors in document 000's format there too.
    const missing = await t.http.get('/v1/api/tickets/00000000-0000-4000-8000-000000000000').set(as(token));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, error: { code: 'RESOURCE_NOT_FOUND' } });
    expect((await t.http.get('/v1/api/tickets')).status).toBe(401);
  });

  it('does not alias other documents', async () => {
    for (const path of ['/v1/api/services', '/v1/api/v1/admin/devices']) {
      const res = await t.http.get(path).set(as(manager));
      expect(res.status).toBe(404);
    }
  });
});
