import { adminCustomer, adminInvoice, auth, recordPayment } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `GET /api/v1/billing/payments`: every payment, by customer, invoice and status. */
describe('GET /api/v1/billing/payments (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let admin: TestUser;
  const list = (q = '') => t.http.get(`/api/v1/billing/payments${q}`).set(auth(cs));
  const ids = (res: { body: { data: { payments: Array<{ id: string }> } } }) => res.body.data.payments.map((p) => p.id);
  let a: string;
  let inv1: string;
  let p1: number;
  let p2: number;
  let p3: number;

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    cs = await t.user('customer_service');
    admin = await t.user('manager');
    a = await adminCustomer(t, cs);
    const b = await adminCustomer(t, cs);
    inv1 = (await adminInvoice(t, cs, a)).id;
    p1 = await recordPayment(t, inv1, 1000);
    t.clock.advance(60_000);
    p2 = await recordPayment(t, inv1);
    t.clock.advance(60_000);
    p3 = await recordPayment(t, (await adminInvoice(t, cs, b)).id);
    expect((await t.http.post(`/api/v1/billing/payments/${p3}/refund`).set(auth(admin)).send({ amount: 64.79 })).status).toBe(200);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists newest first in the document shape with pagination', async () => {
    const res = await list('?limit=2');
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([String(p3), String(p2)]);
    expect(res.body.pagination).toEqual({ total: 3, limit: 2, offset: 0, has_more: true, next_offset: 2, prev_offset: null });
    expect(res.body.data.payments[1]).toEqual({
      id: String(p2),
      invoice_id: inv1,
      invoice_number: expect.stringMatching(/^INV-/),
      customer_id: a,
      amount: 54.79,
      amount_refunded: 0,
      currency: 'USD',
      payment_method: 'credit_card',
      payment_date: '2026-01-15T12:01:00Z',
      status: 'completed',
      transaction_id: null,
      last_four: null,
      refunds: [],
    });
  });

  it('filters by customer, invoice and status', async () => {
    expect(ids(await list(`?customer_id=${a}`))).toEqual([String(p2), String(p1)]);
    expect(ids(await list(`?invoice_id=${inv1}`))).toEqual([String(p2), String(p1)]);
    expect(ids(await list('?status=refunded'))).toEqual([String(p3)]);
    expect(ids(await list('?status=completed'))).toEqual([String(p2), String(p1)]);
  });

  it('refuses bad filters and follows the role matrix', async () => {
    for (const q of ['?status=bounced', '?invoice_id=x', '?customer_id=1']) expect({ q, status: (await list(q)).status }).toEqual({ q, status: 422 });
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, status: (await t.http.get('/api/v1/billing/payments').set(auth(u))).status }).toEqual({ role, status: allows('payments.list', role) ? 200 : 403 });
    }
  });
});
