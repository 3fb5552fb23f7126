import { adminCustomer, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';

/**
 * Use case: an operator keeps document 004's instance and customer lists open and reloads them.
 * Items shown before are not presented again while nothing they show changed (json-text.ts):
 * each reload must still show the instance's status, its plan's name (changed through document
 * 002) and the customer's name (changed through document 000), at every reload.
 */
describe('document 004 lists reloaded after what their items show changed', () => {
  let t: TestApp;
  let admin: TestUser;
  let customerId: string;
  let instanceId: string;
  let planId: string;

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    admin = await t.user('super_admin');
    planId = (await t.http.post('/api/v1/services/catalog').set(auth(admin)).send({ name: 'Fiber 100', monthly_price: 59.99, features: { download_speed: 100 } })).body.data.service.id;
    customerId = await adminCustomer(t, admin, { first_name: 'Jane', last_name: 'Reload' });
    const created = await t.http.post('/api/v1/services/instances').set(auth(admin)).send({ customer_id: customerId, service_id: planId, installation_date: '2026-02-01' });
    expect(created.status).toBe(201);
    instanceId = created.body.data.instance.id;
  });
  afterAll(() => t.stop());

  const reload = async (path: string, key: string, id: string, times = 2) => {
    let item: Record<string, unknown> | undefined;
    for (let i = 0; i < times; i++) {
      const res = await t.http.get(path).set(auth(admin));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toMatchObject({ success: true, pagination: { offset: 0 } });
      item = (res.body.data[key] as Array<Record<string, unknown>>).find((x) => x.id === id);
    }
    return item;
  };
  const instance = () => reload(`/api/v1/services/instances?customer_id=${customerId}`, 'instances', instanceId);
  const customer = () => reload(`/api/v1/identity/customers?search=Reload`, 'customers', customerId);

  it('shows the instance’s new status and its plan’s new name', async () => {
    expect(await instance()).toMatchObject({ plan_name: 'Fiber 100', status: 'pending' });

    const status = (body: Record<string, unknown>) => t.http.put(`/api/v1/services/instances/${instanceId}/status`).set(auth(admin)).send(body);
    expect((await status({ status: 'active', reason: 'Installed' })).status).toBe(200);
    expect(await instance()).toMatchObject({ plan_name: 'Fiber 100', status: 'active' });
    expect((await status({ status: 'suspended', reason: 'Unpaid' })).status).toBe(200);
    expect(await instance()).toMatchObject({ plan_name: 'Fiber 100', status: 'suspended' });

    const renamed = await t.http.patch(`/api/paket_layanan/${planId}`).set(auth(admin)).send({ nama_paket: 'Fiber 150' });
    expect(renamed.status).toBe(200);
    expect(await instance()).toMatchObject({ plan_name: 'Fiber 150', status: 'suspended' });
  });

  it('shows the customer’s new name, changed through document 000', async () => {
    expect(await customer()).toMatchObject({ display_name: 'Jane Reload' });
    const renamed = await t.http.put(`/api/customers/${customerId}`).set(auth(admin)).send({ full_name: 'Jane Reload-Santoso' });
    expect(renamed.status).toBe(200);
    expect(await customer()).toMatchObject({ display_name: 'Jane Reload-Santoso' });
  });
});
