import { adminCustomer, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `GET` and `POST /api/v1/services/instances`: provisioning the same subscriptions document 002 bills. */
describe('/api/v1/services/instances (document 004)', () => {
  let t: TestApp;
  let admin: TestUser;
  let cs: TestUser;
  let serviceId: string;

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    admin = await t.user('manager');
    cs = await t.user('customer_service');
    serviceId = (
      await t.http
        .post('/api/v1/services/catalog')
        .set(auth(admin))
        .send({ name: 'Fiber 100', monthly_price: 59.99, features: { download_speed: 100, upload_speed: 20 }, availability: { residential: true, business: true, enterprise: false } })
    ).body.data.service.id;
  });
  afterAll(async () => {
    await t.stop();
  });

  const provision = (body: Record<string, unknown>, as: { token: string } = cs) => t.http.post('/api/v1/services/instances').set(auth(as)).send(body);

  it('provisions a service installed today active at once, and the customer with it', async () => {
    const customerId = await adminCustomer(t, cs);
    const res = await provision({ customer_id: customerId, service_id: serviceId, installation_date: '2026-01-15', configuration: { static_ip: true, additional_emails: 5 }, notes: 'Customer requested static IP' });
    expect(res.status).toBe(201);
    expect(res.body.data.instance).toEqual({
      id: expect.stringMatching(/^\d+$/),
      customer_id: customerId,
      service_id: serviceId,
      plan_name: 'Fiber 100',
      service_type: 'internet',
      status: 'active',
      monthly_price: 59.99,
      installation_date: '2026-01-15T00:00:00Z',
      next_billing_date: '2026-02-15T00:00:00Z',
      configuration: { static_ip: true, additional_emails: 5 },
      notes: 'Customer requested static IP',
      status_reason: null,
      status_effective_date: null,
      created_at: '2026-01-15T12:00:00Z',
    });
    const customer = await t.http.get(`/api/v1/identity/customers?search=${encodeURIComponent(customerId.slice(0, 0))}&limit=100`).set(auth(cs));
    expect(customer.body.data.customers.find((c: { id: string }) => c.id === customerId).account_status).toBe('active');
    // Document 002 sees the same subscription.
    const langganan = await t.http.get(`/api/langganan/${res.body.data.instance.id}`).set(auth(await t.user('super_admin')));
    expect(langganan.status).toBe(200);
  });

  it('provisions a later installation pending; a second current instance is refused', async () => {
    const customerId = await adminCustomer(t, cs);
    const res = await provision({ customer_id: customerId, service_id: serviceId, installation_date: '2026-02-01' });
    expect(res.status).toBe(201);
    expect(res.body.data.instance).toMatchObject({ status: 'pending', installation_date: '2026-02-01T00:00:00Z', next_billing_date: '2026-03-01T00:00:00Z' });
    const again = await provision({ customer_id: customerId, service_id: serviceId, installation_date: '2026-02-01' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'DUPLICATE_RESOURCE', details: { field: 'customer_id' } });
  });

  it('refuses unknown customers and services, a service not offered to the customer type, and bad dates', async () => {
    const enterprise = await adminCustomer(t, cs, { customer_type: 'enterprise' });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ customer_id: '7d0c3c53-0000-4000-8000-000000000000', service_id: serviceId, installation_date: '2026-01-20' }, 'customer_id'],
      [{ customer_id: enterprise, service_id: '9999', installation_date: '2026-01-20' }, 'service_id'],
      [{ customer_id: enterprise, service_id: serviceId, installation_date: '2026-01-20' }, 'service_id'],
      [{ customer_id: enterprise, service_id: serviceId, installation_date: '20-01-2026' }, 'installation_date'],
    ];
    for (const [body, field] of cases) {
      const res = await provision(body);
      expect({ field, status: res.status, got: res.body.error?.details?.field }).toEqual({ field, status: 422, got: field });
    }
  });

  it('lists instances newest first by status, customer and service, and follows the role matrix', async () => {
    const all = await t.http.get('/api/v1/services/instances').set(auth(cs));
    expect(all.status).toBe(200);
    expect(all.body.data.instances.map((i: { status: string }) => i.status)).toEqual(['pending', 'active']);
    expect(all.body.pagination.total).toBe(2);
    const active = await t.http.get('/api/v1/services/instances?status=active').set(auth(cs));
    expect(active.body.data.instances).toHaveLength(1);
    const of = active.body.data.instances[0].customer_id;
    expect((await t.http.get(`/api/v1/services/instances?customer_id=${of}`).set(auth(cs))).body.data.instances).toHaveLength(1);
    expect((await t.http.get(`/api/v1/services/instances?service_id=${serviceId}`).set(auth(cs))).body.pagination.total).toBe(2);
    expect((await t.http.get('/api/v1/services/instances?status=gone').set(auth(cs))).status).toBe(422);
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      const customerId = await adminCustomer(t, admin);
      expect({
        role,
        list: (await t.http.get('/api/v1/services/instances').set(auth(u))).status,
        provision: (await provision({ customer_id: customerId, service_id: serviceId, installation_date: '2026-01-15' }, u)).status,
      }).toEqual({ role, list: allows('instances.list', role) ? 200 : 403, provision: allows('instances.provision', role) ? 201 : 403 });
    }
  });
});
