import { createInvoice } from '../../../../../test/support/billing';
import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../../test/support/test-app';
import type { ChargeInput, PaymentGateway } from '../../../../ports/payment-gateway';

/**
 * Use case: a customer pays an invoice by card in the portal (document 004 POST
 * /api/portal/v1/billing/payments) through the payment gateway port (the simulated gateway),
 * and sees the payment and the saved card in the history (GET /billing/payments).
 */
describe('portal payments', () => {
  let t: TestApp;
  let admin: TestUser;
  const charges: ChargeInput[] = [];
  const pay = (who: PortalCustomer, body: object, key?: string) => {
    const req = t.http.post('/api/portal/v1/billing/payments').set(bearer(who.token));
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const invoiceOf = async (who: PortalCustomer, periode = '2026-01') => (await createInvoice(t, admin, who.pelangganId, periode)).id;
  const eventsOf = async (stream: string) => (await t.eventStore.readStream(stream)).map((e) => e.type);

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    // Count what reaches the gateway.
    const original = t.app.deps.commands.paymentGateway;
    t.app.deps.commands.paymentGateway = (provider) => {
      const gateway: PaymentGateway = original(provider);
      return {
        ...gateway,
        createPaymentLink: (i) => gateway.createPaymentLink(i),
        chargePaymentMethod: async (input) => {
          charges.push(input);
          return gateway.chargePaymentMethod!(input);
        },
      };
    };
  });
  afterAll(() => t.stop());

  it('pays what is outstanding, saves the card (token, brand, last four, expiry only), and shows both in the history', async () => {
    const c = await portalCustomer(t, admin);
    const invoiceId = await invoiceOf(c);
    const res = await pay(c, { invoice_id: String(invoiceId), amount: 300_000, payment_method_id: 'pm_card_mastercard', save_payment_method: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      success: true,
      message: 'Payment successful',
      data: {
        payment: { invoice_id: String(invoiceId), amount: 300_000, currency: 'IDR', payment_method: 'credit_card', status: 'completed', last_four: '4444', transaction_id: expect.stringMatching(/^txn_/) },
        invoice: { id: String(invoiceId), status: 'paid', amount_due: 0 },
      },
    });
    const history = await t.http.get('/api/portal/v1/billing/payments').set(bearer(c.token));
    expect(history.status).toBe(200);
    expect(history.body.data.total).toBe(1);
    expect(history.body.data.payments[0]).toEqual(res.body.data.payment);
    expect(history.body.data.payment_methods).toEqual([{ id: 'pm_card_mastercard', type: 'credit_card', last_four: '4444', brand: 'mastercard', expires: '12/29', is_default: true }]);
    expect(history.body.pagination).toMatchObject({ total: 1, limit: 20, offset: 0, has_more: false });
    // The invoice is paid for every document: 002 shows it Lunas.
    const invoices = await t.http.get('/api/portal/v1/billing/invoices?status=paid').set(bearer(c.token));
    expect(invoices.body.data.invoices.map((i: { id: string }) => i.id)).toEqual([String(invoiceId)]);
    const in002 = await t.http.get(`/api/invoices/${invoiceId}`).set(bearer(admin.token));
    expect(in002.body.status_invoice).toBe('Lunas');
    // Nothing but the token and what may be shown of the card is stored.
    // (Its exact fields: a run of digits would not do, since the event's hash and ids may hold one.)
    const stored = await t.eventStore.readStream(`payment_methods-${c.customerId}`);
    expect(stored.map((e) => e.data)).toEqual([
      {
        customerId: c.customerId,
        methodId: 'pm_card_mastercard',
        gateway: 'simulated',
        type: 'credit_card',
        brand: 'mastercard',
        lastFour: '4444',
        expMonth: 12,
        expYear: 2029,
        isDefault: true,
        savedAt: expect.any(String),
      },
    ]);
    // A saved method pays again by its id.
    const second = await invoiceOf(c, '2026-02');
    expect((await pay(c, { invoice_id: second, amount: 300_000, payment_method_id: 'pm_card_mastercard' })).status).toBe(201);
  });

  it('charges once for a payment retried with the same Idempotency-Key, and answers it again', async () => {
    const c = await portalCustomer(t, admin);
    const invoiceId = await invoiceOf(c);
    const before = charges.length;
    const body = { invoice_id: invoiceId, amount: 300_000, payment_method_id: 'pm_card_visa' };
    const first = await pay(c, body, 'pay-once-1');
    const again = await pay(c, body, 'pay-once-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body.data).toEqual(first.body.data);
    expect(charges.length - before).toBe(1);
    expect((await eventsOf(`invoice-${invoiceId}`)).filter((e) => e === 'InvoicePaymentRecorded')).toHaveLength(1);
    // Without the key a second payment of the paid invoice is refused before the gateway is asked.
    const paidAgain = await pay(c, body);
    expect(paidAgain.status).toBe(409);
    expect(charges.length - before).toBe(1);
  });

  it('requires what is outstanding unless partial payments are allowed, never more; at most the currency\'s decimals', async () => {
    const c = await portalCustomer(t, admin);
    const invoiceId = await invoiceOf(c);
    for (const amount of [100_000, 400_000, 300_000.5]) {
      const res = await pay(c, { invoice_id: invoiceId, amount, payment_method_id: 'pm_card_visa' });
      expect({ amount, status: res.status }).toEqual({ amount, status: 422 });
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'amount' } });
    }
    t.app.deps.commands.portal.allowPartialPayments = true;
    try {
      const part = await pay(c, { invoice_id: invoiceId, amount: 100_000, payment_method_id: 'pm_card_visa' });
      expect(part.status).toBe(201);
      expect(part.body.data.invoice).toMatchObject({ status: 'pending', amount_due: 200_000 });
      expect((await pay(c, { invoice_id: invoiceId, amount: 250_000, payment_method_id: 'pm_card_visa' })).status).toBe(422);
      expect((await pay(c, { invoice_id: invoiceId, amount: 200_000, payment_method_id: 'pm_card_visa' })).body.data.invoice.status).toBe('paid');
    } finally {
      t.app.deps.commands.portal.allowPartialPayments = false;
    }
  });

  it('answers a declined card 422 PAYMENT_FAILED and records the failure (payment.failed); the invoice stays owed', async () => {
    const c = await portalCustomer(t, admin);
    const invoiceId = await invoiceOf(c);
    const res = await pay(c, { invoice_id: invoiceId, amount: 300_000, payment_method_id: 'pm_card_chargeDeclined', save_payment_method: true });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'PAYMENT_FAILED', details: { reason: 'card_declined' } });
    expect(await eventsOf(`invoice_checkout-${invoiceId}`)).toEqual(['PortalPaymentStarted', 'PortalPaymentFailed']);
    expect(await eventsOf(`invoice-${invoiceId}`)).not.toContain('InvoicePaymentRecorded');
    const history = await t.http.get('/api/portal/v1/billing/payments').set(bearer(c.token));
    expect(history.body.data).toMatchObject({ total: 0, payment_methods: [] });
    // Another card then works.
    expect((await pay(c, { invoice_id: invoiceId, amount: 300_000, payment_method_id: 'pm_card_visa' })).status).toBe(201);
  });

  it("answers another customer's invoice 404 and charges nothing", async () => {
    const c = await portalCustomer(t, admin);
    const other = await portalCustomer(t, admin);
    const othersInvoice = await invoiceOf(other);
    const before = charges.length;
    for (const invoice_id of [othersInvoice, 999_999]) {
      const res = await pay(c, { invoice_id, amount: 300_000, payment_method_id: 'pm_card_visa' });
      expect({ invoice_id, status: res.status }).toEqual({ invoice_id, status: 404 });
      expect(res.body.error.code).toBe('RESOURCE_NOT_FOUND');
    }
    expect(charges.length).toBe(before);
    expect(await eventsOf(`invoice_checkout-${othersInvoice}`)).toEqual([]);
  });
});
