import { adminCustomer, adminInvoice, auth, recordPayment } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `GET /api/v1/billing/invoices`: customer, status, issue dates and amount range. */
describe('GET /api/v1/billing/invoices (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let a: string;
  let b: string;
  const invoices: Record<string, string> = {};
  const list = (q = '') => t.http.get(`/api/v1/billing/invoices${q}`).set(auth(cs));
  /** A day later (the access token would have expired: sign in again). */
  const nextDay = async () => {
    t.clock.advance(86_400_000);
    cs = { ...cs, token: (await t.login(cs.email, cs.password)).body.token };
  };
  const ids = (res: { body: { data: { invoices: Array<{ id: string }> } } }) => res.body.data.invoices.map((i) => i.id);

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    cs = await t.user('customer_service');
    a = await adminCustomer(t, cs);
    b = await adminCustomer(t, cs);
    invoices.small = (await adminInvoice(t, cs, a, [{ description: 'Small', quantity: 1, unit_price: 10 }])).id;
    await nextDay();
    invoices.big = (await adminInvoice(t, cs, a, [{ description: 'Big', quantity: 1, unit_price: 500 }])).id;
    await nextDay();
    invoices.other = (await adminInvoice(t, cs, b, [{ description: 'Other', quantity: 2, unit_price: 50 }])).id;
    await recordPayment(t, invoices.big);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists newest issue date first with the documented pagination', async () => {
    const res = await list('?limit=2');
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([invoices.other, invoices.big]);
    expect(res.body.pagination).toEqual({ total: 3, limit: 2, offset: 0, has_more: true, next_offset: 2, prev_offset: null });
  });

  it('filters by customer, status, issue dates and amount, alone and together', async () => {
    expect(ids(await list(`?customer_id=${a}`))).toEqual([invoices.big, invoices.small]);
    expect(ids(await list('?status=paid'))).toEqual([invoices.big]);
    expect(ids(await list('?status=pending'))).toEqual([invoices.other, invoices.small]);
    expect(ids(await list(`?customer_id=${a}&status=pending`))).toEqual([invoices.small]);
    expect(ids(await list('?date_from=2026-01-16'))).toEqual([invoices.other, invoices.big]);
    expect(ids(await list('?date_to=2026-01-16'))).toEqual([invoices.big, invoices.small]);
    expect(ids(await list('?date_from=2026-01-16T00:00:00Z&date_to=2026-01-16'))).toEqual([invoices.big]);
    expect(ids(await list('?amount_min=50'))).toEqual([invoices.other, invoices.big]);
    expect(ids(await list('?amount_max=100'))).toEqual([invoices.other, invoices.small]);
    expect(ids(await list('?amount_min=100&amount_max=100'))).toEqual([invoices.other]);
    expect(ids(await list('?status=cancelled'))).toEqual([]);
  });

  it('refuses bad filters, and follows the role matrix', async () => {
    for (const q of ['?status=unpaid', '?date_from=yesterday', '?amount_min=-1', '?customer_id=42']) expect({ q, status: (await list(q)).status }).toEqual({ q, status: 422 });
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, status: (await t.http.get('/api/v1/billing/invoices').set(auth(u))).status }).toEqual({ role, status: allows('invoices.list', role) ? 200 : 403 });
    }
  });
});
