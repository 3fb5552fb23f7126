import { adminCustomer, adminInvoice, auth, recordPayment } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `POST /api/v1/billing/invoices/{id}/void`: admin only; a paid invoice (or one with money on it) is refunded, not voided. */
describe('POST /api/v1/billing/invoices/{id}/void (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let admin: TestUser;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    cs = await t.user('customer_service');
    admin = await t.user('manager');
    customerId = await adminCustomer(t, cs);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('cancels a pending invoice; voiding it again changes nothing', async () => {
    const invoice = await adminInvoice(t, cs, customerId);
    const res = await t.http.post(`/api/v1/billing/invoices/${invoice.id}/void`).set(auth(admin)).send({ reason: 'Issued in error' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ message: 'Invoice voided', data: { invoice: { id: invoice.id, status: 'cancelled', amount_due: 0 } } });
    const again = await t.http.post(`/api/v1/billing/invoices/${invoice.id}/void`).set(auth(admin));
    expect(again.status).toBe(200);
    expect(again.body.data.invoice.status).toBe('cancelled');
    expect((await t.http.get('/api/v1/billing/invoices?status=cancelled').set(auth(admin))).body.data.invoices.map((i: { id: string }) => i.id)).toEqual([invoice.id]);
  });

  it('refuses a paid invoice and one with a partial payment (409): they are refunded', async () => {
    const paid = await adminInvoice(t, cs, customerId);
    await recordPayment(t, paid.id);
    const res = await t.http.post(`/api/v1/billing/invoices/${paid.id}/void`).set(auth(admin));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'INVALID_STATE_TRANSITION', details: { current: 'paid', allowed: ['draft', 'issued', 'overdue'] } });
    const partial = await adminInvoice(t, cs, customerId);
    await recordPayment(t, partial.id, 1000);
    const refused = await t.http.post(`/api/v1/billing/invoices/${partial.id}/void`).set(auth(admin));
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('refund the payments');
  });

  it('is for admins only (the role matrix), and knows no unknown invoice', async () => {
    expect((await t.http.post('/api/v1/billing/invoices/424242/void').set(auth(admin))).status).toBe(404);
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const invoice = await adminInvoice(t, cs, customerId);
      const u = await t.user(role);
      const res = await t.http.post(`/api/v1/billing/invoices/${invoice.id}/void`).set(auth(u));
      expect({ role, status: res.status }).toEqual({ role, status: allows('invoices.void', role) ? 200 : 403 });
      if (res.status === 403) expect(res.body.error.code).toBe('ACCESS_DENIED');
    }
  });
});
