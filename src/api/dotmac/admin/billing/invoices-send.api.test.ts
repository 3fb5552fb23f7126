import { adminCustomer, adminInvoice, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `POST /api/v1/billing/invoices/{id}/send`: through the mail port, the invoice's PDF attached, recorded on the invoice. */
describe('POST /api/v1/billing/invoices/{id}/send (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let admin: TestUser;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    cs = await t.user('customer_service');
    admin = await t.user('manager');
    customerId = await adminCustomer(t, cs, { email: 'jane.send@example.com' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it("mails the customer with the PDF attached and records when", async () => {
    const invoice = await adminInvoice(t, cs, customerId);
    t.clock.advance(60_000);
    const res = await t.http.post(`/api/v1/billing/invoices/${invoice.id}/send`).set(auth(cs)).send({ message: 'Thank you for your business.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ message: 'Invoice sent to jane.send@example.com', data: { sent_to: 'jane.send@example.com', invoice: { id: invoice.id, sent_at: '2026-01-15T12:01:00Z' } } });
    const mail = t.mail.filter((m) => m.to === 'jane.send@example.com');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Invoice ${invoice.invoice_number}`);
    expect(mail[0]!.text).toContain('Thank you for your business.');
    expect(mail[0]!.text).toContain('Total: USD 64.79');
    const [pdf] = mail[0]!.attachments!;
    expect(pdf).toMatchObject({ filename: `invoice-${invoice.invoice_number}.pdf`, contentType: 'application/pdf' });
    expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf!.content.length).toBeGreaterThan(1000);
  });

  it('sends to another address when given one', async () => {
    const invoice = await adminInvoice(t, cs, customerId);
    const res = await t.http.post(`/api/v1/billing/invoices/${invoice.id}/send`).set(auth(cs)).send({ email: 'accounts@corp.example' });
    expect(res.status).toBe(200);
    expect(t.mail.some((m) => m.to === 'accounts@corp.example' && m.attachments?.length === 1)).toBe(true);
  });

  it('does not send a cancelled invoice (409), knows no unknown one (404), and checks the email', async () => {
    const invoice = await adminInvoice(t, cs, customerId);
    expect((await t.http.post(`/api/v1/billing/invoices/${invoice.id}/void`).set(auth(admin))).status).toBe(200);
    const before = t.mail.length;
    const res = await t.http.post(`/api/v1/billing/invoices/${invoice.id}/send`).set(auth(cs));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'INVALID_STATE_TRANSITION', details: { current: 'cancelled' } });
    expect(t.mail.length).toBe(before);
    expect((await t.http.post('/api/v1/billing/invoices/99999/send').set(auth(cs))).status).toBe(404);
    expect((await t.http.post('/api/v1/billing/invoices/abc/send').set(auth(cs))).status).toBe(404);
    expect((await t.http.post(`/api/v1/billing/invoices/${invoice.id}/send`).set(auth(cs)).send({ email: 'nope' })).status).toBe(422);
  });

  it('follows the role matrix', async () => {
    const invoice = await adminInvoice(t, cs, customerId);
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      const res = await t.http.post(`/api/v1/billing/invoices/${invoice.id}/send`).set(auth(u));
      expect({ role, status: res.status }).toEqual({ role, status: allows('invoices.send', role) ? 200 : 403 });
    }
  });
});
