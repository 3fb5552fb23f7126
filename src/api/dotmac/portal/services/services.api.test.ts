import { auth } from '../../../../../test/support/billing';
import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../../test/support/test-app';

/**
 * Use case: a customer looks at their services and their usage (document 004 GET
 * /api/portal/v1/services and /services/{service_id}/usage); the services are document 002's
 * subscriptions, the usage the daily aggregates sent through POST /api/v1/services/usage.
 */
describe('portal services and usage', () => {
  let t: TestApp;
  let admin: TestUser;
  let c: PortalCustomer;
  let other: PortalCustomer;
  const get = (path: string, who: PortalCustomer = c) => t.http.get(`/api/portal/v1/services${path}`).set(bearer(who.token));

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    c = await portalCustomer(t, admin);
    other = await portalCustomer(t, admin);
    const usage = await t.http
      .post('/api/v1/services/usage')
      .set(bearer(admin.token))
      .send({
        records: [
          { service_id: String(c.subscriptionId), date: '2025-12-31', download_gb: 100, upload_gb: 10 },
          { service_id: String(c.subscriptionId), date: '2026-01-01', download_gb: 25.6, upload_gb: 5.2 },
          { service_id: String(c.subscriptionId), date: '2026-01-14', download_gb: 40, upload_gb: 5.8 },
          { service_id: String(other.subscriptionId), date: '2026-01-14', download_gb: 999, upload_gb: 99 },
        ],
      });
    expect(usage.status).toBe(200);
  });
  afterAll(() => t.stop());

  it("lists the customer's own services with plan, price, bandwidth and this month's usage", async () => {
    const res = await get('');
    expect(res.status).toBe(200);
    expect(res.body.data.total).toBe(1);
    expect(res.body.data.services).toEqual([
      {
        id: String(c.subscriptionId),
        service_type: 'internet',
        plan_name: 'Internet 50Mbps',
        status: 'active',
        monthly_price: 300_000,
        currency: 'IDR',
        installation_date: '2026-01-10T00:00:00Z',
        next_billing_date: '2026-01-10T00:00:00Z',
        bandwidth: { download: 50, upload: 50, unit: 'mbps' },
        data_usage: { current_month: 76.6, limit: null, unit: 'gb' },
      },
    ]);
    expect((await get('?status=suspended')).body.data).toEqual({ services: [], total: 0 });
    expect((await get('?type=tv')).body.data).toEqual({ services: [], total: 0 });
    expect((await get('?status=active&type=internet')).body.data.total).toBe(1);
    expect((await get('?status=gone')).status).toBe(422);
  });

  it('follows the subscription: a suspended service shows as suspended', async () => {
    const s = await portalCustomer(t, admin);
    const suspended = await t.http.patch(`/api/langganan/${s.subscriptionId}`).set(auth(admin)).send({ status: 'Suspended' });
    expect(suspended.status).toBeLessThan(300);
    const res = await get('?status=suspended', s);
    expect(res.body.data.services.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([[String(s.subscriptionId), 'suspended']]);
  });

  it('gives usage by day (the default: this month), by week and by month, with the summary', async () => {
    const daily = await get(`/${c.subscriptionId}/usage`);
    expect(daily.status).toBe(200);
    expect(daily.body.data).toMatchObject({ service_id: String(c.subscriptionId), period: 'daily', start_date: '2026-01-01', end_date: '2026-01-15' });
    expect(daily.body.data.usage_data).toHaveLength(15);
    expect(daily.body.data.usage_data[0]).toEqual({ date: '2026-01-01', download: 25.6, upload: 5.2, total: 30.8, unit: 'gb' });
    expect(daily.body.data.summary).toEqual({ total_download: 65.6, total_upload: 11, total_usage: 76.6, average_daily: 5.11, peak_usage: 45.8, unit: 'gb' });

    const monthly = await get(`/${c.subscriptionId}/usage?period=monthly&start_date=2025-12-01&end_date=2026-01-31`);
    expect(monthly.body.data.usage_data.map((m: { date: string; total: number }) => [m.date, m.total])).toEqual([
      ['2025-12-01', 110],
      ['2026-01-01', 76.6],
    ]);
    const weekly = await get(`/${c.subscriptionId}/usage?period=weekly&start_date=2025-12-29T00:00:00Z&end_date=2026-01-04`);
    expect(weekly.body.data.usage_data).toEqual([{ date: '2025-12-29', download: 125.6, upload: 15.2, total: 140.8, unit: 'gb' }]);
    expect((await get(`/${c.subscriptionId}/usage?period=hourly`)).status).toBe(422);
    expect((await get(`/${c.subscriptionId}/usage?start_date=2026-01-10&end_date=2026-01-01`)).status).toBe(422);
  });

  it("answers another customer's service, and an id that names nothing, 404 without its contents", async () => {
    for (const path of [`/${other.subscriptionId}/usage`, '/999999/usage', '/abc/usage']) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      // The whole error: nothing of the service, nor the id asked for, is echoed back.
      expect(res.body.error).toEqual({ code: 'RESOURCE_NOT_FOUND', message: expect.stringMatching(/^(Service|Resource) not found$/), details: {} });
    }
  });
});
