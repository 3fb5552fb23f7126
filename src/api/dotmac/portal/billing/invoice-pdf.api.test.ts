import type { Response } from 'supertest';
import { createInvoice } from '../../../../../test/support/billing';
import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../../test/support/test-app';

/** Use case: a customer downloads one of their invoices as a PDF (document 004 GET /api/portal/v1/billing/invoices/{id}/pdf). */
describe('portal invoice PDF', () => {
  let t: TestApp;
  let admin: TestUser;
  let c: PortalCustomer;
  let other: PortalCustomer;
  let invoice: { id: number; nomor_invoice: string };
  let othersInvoice: { id: number };
  const pdf = (id: number | string, who: PortalCustomer = c) =>
    t.http
      .get(`/api/portal/v1/billing/invoices/${id}/pdf`)
      .set(bearer(who.token))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    c = await portalCustomer(t, admin);
    other = await portalCustomer(t, admin);
    invoice = await createInvoice(t, admin, c.pelangganId, '2026-01');
    othersInvoice = await createInvoice(t, admin, other.pelangganId, '2026-01');
  });
  afterAll(() => t.stop());

  it('answers a real PDF as an attachment named after the invoice number', async () => {
    const res: Response = await pdf(invoice.id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="invoice-${invoice.nomor_invoice}.pdf"`);
    expect(res.headers['x-ratelimit-limit']).toEqual(expect.any(String));
    const body = res.body as Buffer;
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(body.subarray(-6).toString('latin1')).toContain('%%EOF');
    expect(body.toString('latin1')).toContain(`(Invoice ${invoice.nomor_invoice})`);
    expect((body.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length).toBe(1);
  });

  it("answers another customer's invoice, an unknown one and a malformed id 404 in 004's format", async () => {
    for (const id of [othersInvoice.id, 999_999, 'abc']) {
      const res = await t.http.get(`/api/portal/v1/billing/invoices/${id}/pdf`).set(bearer(c.token));
      expect({ id, status: res.status }).toEqual({ id, status: 404 });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ success: false, error: { code: 'RESOURCE_NOT_FOUND' } });
    }
    // The owner gets it.
    expect((await pdf(othersInvoice.id, other)).status).toBe(200);
  });
});
