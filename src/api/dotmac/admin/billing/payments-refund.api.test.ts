import { adminCustomer, adminInvoice, auth, recordPayment } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/**
 * Document 004 `POST /api/v1/billing/payments/{id}/refund`: partial or full, never more than was
 * paid, recorded as events; the invoice's status follows; Idempotency-Key.
 */
describe('POST /api/v1/billing/payments/{id}/refund (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let admin: TestUser;
  let customerId: string;
  const refund = (paymentId: number, body: Record<string, unknown>, as: { token: string } = admin) => t.http.post(`/api/v1/billing/payments/${paymentId}/refund`).set(auth(as)).send(body);

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    cs = await t.user('customer_service');
    admin = await t.user('manager');
    customerId = await adminCustomer(t, cs);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refunds part of a payment (the invoice stays paid), then the rest (the invoice is refunded)', async () => {
    const invoice = await adminInvoice(t, cs, customerId);
    const paymentId = await recordPayment(t, invoice.id);
    const part = await refund(paymentId, { amount: 30.0, reason: 'Service downtime credit', refund_method: 'original_payment_method' });
    expect(part.status).toBe(200);
    expect(part.body.message).toBe('Refund processed');
    expect(part.body.data.refund).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), amount: 30, reason: 'Service downtime credit', refund_method: 'original_payment_method', refunded_at: '2026-01-15T12:00:00Z' });
    expect(part.body.data.payment).toMatchObject({ id: String(paymentId), amount: 64.79, amount_refunded: 30, status: 'partially_refunded', payment_method: 'credit_card' });
    expect(part.body.data.invoice).toMatchObject({ id: invoice.id, status: 'paid', amount_paid: 34.79, amount_refunded: 30 });
    const rest = await refund(paymentId, { amount: 34.79, reason: 'Cancelled service' });
    expect(rest.status).toBe(200);
    expect(rest.body.data.payment).toMatchObject({ amount_refunded: 64.79, status: 'refunded', refunds: [expect.objectContaining({ amount: 30 }), expect.objectContaining({ amount: 34.79 })] });
    expect(rest.body.data.invoice).toMatchObject({ status: 'refunded', amount_paid: 0, amount_refunded: 64.79 });
    // The refunds are events on the payment's and the invoice's streams.
    const events = await t.eventStore.readStream(`payment-${paymentId}`);
    expect(events.map((e) => e.type)).toEqual(['PaymentReceived', 'PaymentRefunded', 'PaymentRefunded']);
    expect((await t.eventStore.readStream(`invoice-${invoice.id}`)).filter((e) => e.type === 'InvoiceRefundRecorded')).toHaveLength(2);
  });

  it('never refunds more than what is left of the payment (422)', async () => {
    const invoice = await adminInvoice(t, cs, customerId);
    const paymentId = await recordPayment(t, invoice.id);
    const res = await refund(paymentId, { amount: 64.8 });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'amount', issue: 'The refund may not exceed what is left of the payment (6479 minor units).' } });
    expect((await refund(paymentId, { amount: 64.79 })).status).toBe(200);
    expect((await refund(paymentId, { amount: 0.01 })).status).toBe(409);
    for (const body of [{ amount: 0 }, { amount: -5 }, { amount: 1.234 }, {}, { amount: 1, refund_method: 'bitcoin' }]) expect({ body, status: (await refund(paymentId, body)).status }).toEqual({ body, status: 422 });
  });

  it('refunds once for a retried request with the same Idempotency-Key', async () => {
    const invoice = await adminInvoice(t, cs, customerId);
    const paymentId = await recordPayment(t, invoice.id);
    const send = () => t.http.post(`/api/v1/billing/payments/${paymentId}/refund`).set(auth(admin)).set('Idempotency-Key', 'refund-1').send({ amount: 10 });
    const first = await send();
    const again = await send();
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body.data.refund.id).toBe(first.body.data.refund.id);
    expect((await t.eventStore.readStream(`payment-${paymentId}`)).filter((e) => e.type === 'PaymentRefunded')).toHaveLength(1);
  });

  it('knows no unknown payment, and is for admins only', async () => {
    expect((await refund(777777, { amount: 1 })).status).toBe(404);
    const invoice = await adminInvoice(t, cs, customerId, [{ description: 'Big', quantity: 1, unit_price: 1000 }]);
    const paymentId = await recordPayment(t, invoice.id);
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, status: (await refund(paymentId, { amount: 1 }, u)).status }).toEqual({ role, status: allows('payments.refund', role) ? 200 : 403 });
    }
  });
});
