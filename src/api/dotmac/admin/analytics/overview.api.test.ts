import { systemMeta } from '../../../../commands/context';
import { closeCustomer, registerCustomer } from '../../../../commands/customers';
import type { CustomerDetails } from '../../../../domain/customer';
import { adminCustomer, adminInvoice, auth, recordPayment } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `GET /api/v1/analytics/dashboards/overview`: KPIs and 12-month trends of customers and revenue, from counters. */
describe('GET /api/v1/analytics/dashboards/overview (document 004)', () => {
  let t: TestApp;
  let manager: TestUser;
  const details = (n: number): CustomerDetails => ({
    fullName: `Old Customer ${n}`,
    phone: '+15550100',
    email: `old${n}@example.com`,
    nationalId: null,
    address: { line: '1 Road', line2: null, block: null, unit: null, city: null, province: null, postalCode: null, country: null },
    coordinates: null,
    serviceArea: null,
    servicePackage: null,
    brand: null,
    installationDate: null,
    customerType: 'business',
  });

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    const meta = () => systemMeta(t.app.deps.commands.ids, 'test');
    // November: two customers; December: one more, and one of November's closed.
    t.clock.set('2025-11-10T09:00:00.000Z');
    const first = await registerCustomer(t.app.deps.commands, { details: details(1), createLogin: false }, meta());
    await registerCustomer(t.app.deps.commands, { details: details(2), createLogin: false }, meta());
    t.clock.set('2025-12-05T09:00:00.000Z');
    await registerCustomer(t.app.deps.commands, { details: details(3), createLogin: false }, meta());
    await closeCustomer(t.app.deps.commands, first.customerId, { reason: null }, meta());
    // January (the test's "now"): a customer with a service, a paid invoice partly refunded, tickets closed with ratings.
    t.clock.set('2026-01-15T12:00:00.000Z');
    manager = await t.user('manager');
    const cs = await t.user('customer_service');
    const customerId = await adminCustomer(t, cs);
    const service = (await t.http.post('/api/v1/services/catalog').set(auth(manager)).send({ name: 'Fiber', monthly_price: 50, features: { download_speed: 100 } })).body.data.service.id;
    expect((await t.http.post('/api/v1/services/instances').set(auth(cs)).send({ customer_id: customerId, service_id: service, installation_date: '2026-01-15' })).status).toBe(201);
    const invoice = await adminInvoice(t, cs, customerId, [{ description: 'Fiber', quantity: 1, unit_price: 100 }]);
    const paymentId = await recordPayment(t, invoice.id);
    expect((await t.http.post(`/api/v1/billing/payments/${paymentId}/refund`).set(auth(manager)).send({ amount: 10 })).status).toBe(200);
    for (const rating of [4, 5, null]) {
      const ticket = (await t.http.post('/api/v1/support/tickets').set(auth(cs)).send({ customer_id: customerId, subject: 'Help', description: 'Please' })).body.data.ticket.id;
      if (rating !== null) expect((await t.http.post(`/api/v1/support/tickets/${ticket}/close`).set(auth(cs)).send({ resolution: 'Done', customer_satisfaction: rating })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers the KPIs and the 12-month trends', async () => {
    const res = await t.http.get('/api/v1/analytics/dashboards/overview').set(auth(manager));
    expect(res.status).toBe(200);
    expect(res.body.data.kpis).toEqual({ total_customers: 3, active_services: 1, monthly_revenue: 90, customer_satisfaction: 4.5, network_uptime: null, open_tickets: 1, currency: 'USD' });
    const growth = res.body.data.trends.customer_growth;
    expect(growth.period).toBe('12_months');
    expect(growth.data).toHaveLength(12);
    expect(growth.data[0]).toEqual({ month: '2025-02', customers: 0 });
    expect(growth.data.slice(-3)).toEqual([
      { month: '2025-11', customers: 2 },
      { month: '2025-12', customers: 2 },
      { month: '2026-01', customers: 3 },
    ]);
    const revenue = res.body.data.trends.revenue_trend;
    expect(revenue.data.map((m: { month: string }) => m.month)).toEqual(growth.data.map((m: { month: string }) => m.month));
    expect(revenue.data.slice(-2)).toEqual([
      { month: '2025-12', revenue: 0 },
      { month: '2026-01', revenue: 90 },
    ]);
  });

  it('is for management roles only', async () => {
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, status: (await t.http.get('/api/v1/analytics/dashboards/overview').set(auth(u))).status }).toEqual({ role, status: allows('analytics.read', role) ? 200 : 403 });
    }
  });
});
