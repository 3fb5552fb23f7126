import type request from 'supertest';
import { createInvoice } from '../../../../test/support/billing';
import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../test/support/test-app';
import { registeredRoutes } from '../../openapi/routes';

/**
 * Use case: every portal read and write is limited to the caller's own data. For EVERY portal
 * route that names a resource by id (in the path or the body), the id of another customer's
 * resource answers 404 RESOURCE_NOT_FOUND, without its contents and without changing it. The
 * table below must list every such route the application registers (checked first), so a new
 * route cannot be added without its cross-customer case.
 */
describe('portal: another customer\'s ids name nothing', () => {
  let t: TestApp;
  let admin: TestUser;
  let me: PortalCustomer;
  let them: PortalCustomer;
  let theirInvoice: number;
  let theirTicket: string;

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    me = await portalCustomer(t, admin);
    them = await portalCustomer(t, admin);
    theirInvoice = (await createInvoice(t, admin, them.pelangganId, '2026-01')).id;
    const ticket = await t.http
      .post('/api/portal/v1/support/tickets')
      .set(bearer(them.token))
      .send({ subject: 'Their secret subject', description: 'Their secret description', service_id: String(them.subscriptionId) });
    theirTicket = ticket.body.data.ticket.id;
  });
  afterAll(() => t.stop());

  const as = (who: PortalCustomer) => ({
    get: (path: string) => t.http.get(`/api/portal/v1${path}`).set(bearer(who.token)),
    post: (path: string, body: object) => t.http.post(`/api/portal/v1${path}`).set(bearer(who.token)).send(body),
  });

  /** Route (method and OpenAPI path) → the request with the other customer's id. */
  const CASES: Record<string, () => Promise<request.Response>> = {
    'GET /api/portal/v1/services/{service_id}/usage': () => as(me).get(`/services/${them.subscriptionId}/usage`),
    'GET /api/portal/v1/billing/invoices/{invoice_id}/pdf': () => as(me).get(`/billing/invoices/${theirInvoice}/pdf`),
    'POST /api/portal/v1/billing/payments': () => as(me).post('/billing/payments', { invoice_id: String(theirInvoice), amount: 300_000, payment_method_id: 'pm_card_visa' }),
    'GET /api/portal/v1/support/tickets/{ticket_id}': () => as(me).get(`/support/tickets/${theirTicket}`),
    'POST /api/portal/v1/support/tickets/{ticket_id}/comments': () => as(me).post(`/support/tickets/${theirTicket}/comments`, { message: 'Mine now?' }),
    'POST /api/portal/v1/support/tickets': () => as(me).post('/support/tickets', { subject: 'x', description: 'y', service_id: String(them.subscriptionId) }),
  };
  /** Routes that take an id in the body rather than the path. */
  const BODY_IDS = ['POST /api/portal/v1/billing/payments', 'POST /api/portal/v1/support/tickets'];

  it('has a case for every portal route that takes an id', () => {
    const withIds = registeredRoutes(t.app.http)
      .filter((r) => r.path.startsWith('/api/portal/v1/') && r.path.includes('{'))
      .map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(CASES).sort()).toEqual([...withIds, ...BODY_IDS].sort());
  });

  it.each(Object.keys(CASES))('%s: 404 without the other customer\'s data, nothing changed', async (name) => {
    const invoiceBefore = await t.eventStore.readStream(`invoice-${theirInvoice}`);
    const ticketBefore = await t.eventStore.readStream(`ticket-${theirTicket}`);
    const res = await CASES[name]!();
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, error: { code: 'RESOURCE_NOT_FOUND' } });
    expect(JSON.stringify(res.body)).not.toMatch(/secret|INV-|Internet 50Mbps/);
    expect(await t.eventStore.readStream(`invoice-${theirInvoice}`)).toHaveLength(invoiceBefore.length);
    expect(await t.eventStore.readStream(`ticket-${theirTicket}`)).toHaveLength(ticketBefore.length);
    expect(await t.eventStore.readStream(`invoice_checkout-${theirInvoice}`)).toEqual([]);
  });

  it('serves the owner the same ids', async () => {
    expect((await as(them).get(`/services/${them.subscriptionId}/usage`)).status).toBe(200);
    expect((await as(them).get(`/support/tickets/${theirTicket}`)).status).toBe(200);
    expect((await as(them).get(`/billing/invoices/${theirInvoice}/pdf`)).status).toBe(200);
  });
});
