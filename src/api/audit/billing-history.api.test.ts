import { auth, catalog, createInvoice, createPelanggan, startBillingApp, subscribe } from '../../../test/support/billing';
import type { TestApp, TestUser } from '../../../test/support/test-app';

/**
 * A customer's complete billing history in one answer: invoices, payments and suspensions (and
 * refunds, when there are any) from the log, in order; the customer is the one document 000 and
 * 002 share (its UUID is in the X-Event-Stream of its reads).
 */
describe('GET /api/v1/audit/customers/{id}/billing-history', () => {
  let t: TestApp;
  let admin: TestUser;
  let auditor: TestUser;
  let customerId: string;
  let invoiceId: number;
  let subscriptionId: number;

  beforeAll(async () => {
    t = await startBillingApp();
    admin = await t.user('super_admin');
    auditor = await t.user('auditor');
    const { paketId } = await catalog(t, admin);
    const pelanggan = await createPelanggan(t, admin);
    const read = await t.http.get(`/api/pelanggan/${pelanggan.id}`).set(auth(admin));
    customerId = String(read.headers['x-event-stream']).replace(/^customer-/, '');
    subscriptionId = await subscribe(t, admin, pelanggan.id, paketId);
    invoiceId = (await createInvoice(t, admin, pelanggan.id, '2026-01')).id;
    t.clock.advance(60_000);
    expect((await t.http.patch(`/api/langganan/${subscriptionId}`).set(auth(admin)).send({ status: 'Suspended' })).status).toBe(200);
    t.clock.advance(60_000);
    expect((await t.http.patch(`/api/invoices/${invoiceId}/status`).set(auth(admin)).send({ status_invoice: 'Lunas', paid_amount: 300_000 })).status).toBe(200);
    // Another customer's bills stay out.
    await createInvoice(t, admin, (await createPelanggan(t, admin)).id, '2026-01');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('merges the invoices, payments and the subscription’s suspension of the customer in log order', async () => {
    const res = await t.http.get(`/api/v1/audit/customers/${customerId}/billing-history`).set(auth(auditor));
    expect(res.status).toBe(200);
    const { data } = res.body;
    expect(data.customer_id).toBe(customerId);
    const kinds = data.entries.map((e: { kind: string; type: string }) => `${e.kind} ${e.type}`);
    expect(kinds).toEqual(expect.arrayContaining(['subscription SubscriptionCreated', 'invoice InvoiceCreated', 'suspension SubscriptionSuspended', 'payment PaymentReceived', 'invoice InvoicePaid']));
    // In log order: the suspension before the payment that came a minute later.
    expect(kinds.indexOf('suspension SubscriptionSuspended')).toBeLessThan(kinds.indexOf('payment PaymentReceived'));
    const positions = data.entries.map((e: { position: number }) => e.position);
    expect(positions).toEqual([...positions].sort((a: number, b: number) => a - b));
    expect(data.streams.sort()).toEqual(expect.arrayContaining([`invoice-${invoiceId}`, `subscription-${subscriptionId}`]));
    expect(data.streams.every((s: string) => /^(invoice|payment|subscription)-/.test(s))).toBe(true);
    for (const e of data.entries) expect(e.data.customerId).toBe(customerId);
    const paid = data.entries.find((e: { type: string }) => e.type === 'PaymentReceived');
    expect(paid).toMatchObject({ stream: expect.stringMatching(/^payment-\d+$/), actor: { userId: admin.userId, role: 'super_admin' }, data: { amount: 300_000, currency: 'IDR' }, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('answers 404 for an id that never was a customer, 403 for other roles', async () => {
    expect((await t.http.get('/api/v1/audit/customers/00000000-0000-4000-8000-000000000000/billing-history').set(auth(auditor))).status).toBe(404);
    expect((await t.http.get('/api/v1/audit/customers/not-a-uuid/billing-history').set(auth(auditor))).status).toBe(404);
    const manager = await t.user('manager');
    expect((await t.http.get(`/api/v1/audit/customers/${customerId}/billing-history`).set(auth(manager))).status).toBe(403);
  });
});
