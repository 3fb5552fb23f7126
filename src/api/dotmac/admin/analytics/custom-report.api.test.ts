import { adminCustomer, adminInvoice, auth, recordPayment } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';

/** Document 004 `GET /api/v1/analytics/reports/custom`: report type, period, grouping and filters; 5 reports a minute per user. */
describe('GET /api/v1/analytics/reports/custom (document 004)', () => {
  let t: TestApp;
  let manager: TestUser;
  let serviceId: string;

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC', DOTMAC_RATE_LIMIT_REPORT: '1000' });
    manager = await t.user('manager');
    const cs = await t.user('customer_service');
    const a = await adminCustomer(t, cs, { customer_type: 'business' });
    const b = await adminCustomer(t, cs);
    serviceId = (await t.http.post('/api/v1/services/catalog').set(auth(manager)).send({ name: 'Fiber', monthly_price: 50, features: { download_speed: 100 } })).body.data.service.id;
    const instance = (await t.http.post('/api/v1/services/instances').set(auth(cs)).send({ customer_id: a, service_id: serviceId, installation_date: '2026-01-15' })).body.data.instance.id;
    await t.http.put(`/api/v1/services/instances/${instance}/status`).set(auth(cs)).send({ status: 'suspended', reason: 'Non-payment' });
    await recordPayment(t, (await adminInvoice(t, cs, a, [{ description: 'x', quantity: 1, unit_price: 30 }])).id);
    await recordPayment(t, (await adminInvoice(t, cs, b, [{ description: 'y', quantity: 2, unit_price: 10 }])).id);
    const ticket = (await t.http.post('/api/v1/support/tickets').set(auth(cs)).send({ customer_id: b, subject: 'Bill', description: 'Q', category: 'billing' })).body.data.ticket.id;
    await t.http.post(`/api/v1/support/tickets/${ticket}/close`).set(auth(cs)).send({ resolution: 'Answered', customer_satisfaction: 3 });
    await t.http.post('/api/v1/support/tickets').set(auth(cs)).send({ customer_id: a, subject: 'Down', description: 'Q', category: 'technical' });
  });
  afterAll(async () => {
    await t.stop();
  });

  const report = (q: string) => t.http.get(`/api/v1/analytics/reports/custom?${q}`).set(auth(manager));

  it('reports revenue by month over a period, and by payment method', async () => {
    const res = await report('report_type=revenue&date_from=2025-12-01&date_to=2026-01-31&group_by=month');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      report_type: 'revenue',
      date_from: '2025-12-01',
      date_to: '2026-01-31',
      group_by: 'month',
      filters: {},
      currency: 'USD',
      rows: [
        { period: '2025-12', payments: 0, refunds: 0, net_revenue: 0, invoiced: 0 },
        { period: '2026-01', payments: 50, refunds: 0, net_revenue: 50, invoiced: 50 },
      ],
      totals: { payments: 50, refunds: 0, net_revenue: 50, invoiced: 50 },
    });
    const byMethod = await report(`report_type=revenue&date_from=2026-01-15&date_to=2026-01-15&group_by=day&filters=${encodeURIComponent('{"payment_method":"credit_card"}')}`);
    expect(byMethod.body.data.rows).toEqual([{ period: '2026-01-15', payments: 50, refunds: null, net_revenue: null, invoiced: null }]);
  });

  it('reports customers, services and support, with their filters', async () => {
    const customers = await report(`report_type=customers&date_from=2026-01-01&date_to=2026-01-31&group_by=quarter`);
    expect(customers.body.data.rows).toEqual([{ period: '2026-Q1', new_customers: 2, closed_customers: 0 }]);
    const business = await report(`report_type=customers&date_from=2026-01-01&date_to=2026-01-31&filters=${encodeURIComponent('{"customer_type":"business"}')}`);
    expect(business.body.data.totals).toEqual({ new_customers: 1, closed_customers: null });
    const services = await report(`report_type=services&date_from=2026-01-12&date_to=2026-01-18&group_by=week&filters=${encodeURIComponent(JSON.stringify({ service_id: serviceId }))}`);
    expect(services.body.data.rows).toEqual([{ period: '2026-W03', activated: 1, suspended: 1, terminated: 0 }]);
    const support = await report('report_type=support&date_from=2026-01-15&date_to=2026-01-15&group_by=day');
    expect(support.body.data.totals).toEqual({ created: 2, resolved: 1, closed: 1, rating_sum: 3, rating_count: 1, sla_breaches: 0, average_satisfaction: 3 });
    const billing = await report(`report_type=support&date_from=2026-01-15&date_to=2026-01-15&filters=${encodeURIComponent('{"category":"billing"}')}`);
    expect(billing.body.data.totals).toMatchObject({ created: 1, resolved: 1, closed: 1, rating_sum: null, average_satisfaction: null });
  });

  it('defaults to the last 12 months by month, and refuses what it cannot answer', async () => {
    const res = await report('report_type=customers');
    expect(res.body.data).toMatchObject({ date_from: '2025-02-01', date_to: '2026-01-15', group_by: 'month' });
    expect(res.body.data.rows).toHaveLength(12);
    for (const q of ['', 'report_type=profit', 'report_type=revenue&group_by=year', 'report_type=revenue&filters=notjson', 'report_type=revenue&filters=%7B%22category%22%3A%22x%22%7D', 'report_type=revenue&date_from=2026-02-01&date_to=2026-01-01', 'report_type=revenue&date_from=2020-01-01&date_to=2026-01-01']) {
      const r = await report(q);
      expect({ q, status: r.status }).toEqual({ q, status: 422 });
    }
  });

  it('counts report generation against its own limit: 5 a minute per user by default', async () => {
    const limited = await startTestApp();
    try {
      const u = await limited.user('manager');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await limited.http.get('/api/v1/analytics/reports/custom?report_type=support').set(auth(u))).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = await limited.http.get('/api/v1/analytics/reports/custom?report_type=support').set(auth(u));
      expect(refused.body.error).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', details: { limit: 5 } });
      expect(refused.headers['x-ratelimit-limit']).toBe('5');
      expect(refused.headers['x-ratelimit-remaining']).toBe('0');
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      // The dashboard is not a report: it still answers.
      expect((await limited.http.get('/api/v1/analytics/dashboards/overview').set(auth(u))).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
