import { systemMeta } from '../../commands/context';
import { payInvoiceFromPortal } from '../../commands/portal-payments';
import type { ProjectedEvent } from '../../projections/engine/projector';
import { getPortalAccountOfCustomer } from '../../projections/portal-accounts/queries';
import { adminCustomer, auth, recordPayment } from '../../../test/support/dotmac-admin';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { ANNOUNCES, announcementsOf, WEBHOOK_SOURCE_EVENTS, type Announcement } from './catalogue';

/**
 * The event catalogue of document 004, each webhook event produced by the product's own use
 * cases and read back from the log through the one mapping (catalogue.ts), with its payload data.
 */
describe('webhook event catalogue', () => {
  let t: TestApp;
  const announced: Announcement[] = [];

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    const admin = await t.user('manager');
    const cs = await t.user('customer_service');
    const customerId = await adminCustomer(t, cs, { create_portal_account: true, portal_password: 'temp_password123' });
    expect((await t.http.put(`/api/customers/${customerId}`).set(auth(cs)).send({ phone: '+15550999' })).status).toBe(200);
    const service = (await t.http.post('/api/v1/services/catalog').set(auth(admin)).send({ name: 'Fiber 100', monthly_price: 59.99, features: { download_speed: 100 } })).body.data.service.id;
    const instance = (await t.http.post('/api/v1/services/instances').set(auth(cs)).send({ customer_id: customerId, service_id: service, installation_date: '2026-02-01' })).body.data.instance.id;
    await t.http.put(`/api/v1/services/instances/${instance}/status`).set(auth(cs)).send({ status: 'active', reason: 'Installed' });
    await t.http.put(`/api/v1/services/instances/${instance}/status`).set(auth(cs)).send({ status: 'suspended', reason: 'Non-payment' });
    const invoice = (await t.http.post('/api/v1/billing/invoices').set(auth(cs)).send({ customer_id: customerId, due_date: '2026-02-01', line_items: [{ description: 'Fiber', quantity: 1, unit_price: 59.99, tax_rate: 0.08 }] })).body.data.invoice;
    const declined = await payInvoiceFromPortal(
      t.app.deps.commands,
      { customerId, invoiceId: Number(invoice.id), amount: 6479, paymentMethodToken: 'pm_card_chargeDeclined', savePaymentMethod: false, idempotencyKey: null },
      systemMeta(t.app.deps.commands.ids, 'test'),
    ).catch((err: unknown) => err);
    expect(declined).toBeInstanceOf(Error);
    await recordPayment(t, invoice.id);
    const ticket = (await t.http.post('/api/v1/support/tickets').set(auth(cs)).send({ customer_id: customerId, subject: 'Slow', description: 'Slow line', category: 'technical', priority: 'high' })).body.data.ticket.id;
    await t.http.post(`/api/v1/support/tickets/${ticket}/close`).set(auth(cs)).send({ resolution: 'Replaced the ONT' });
    await t.app.deps.sync.waitFor(await t.eventStore.headPosition(), 5000);

    const ctx = { readStore: t.app.deps.readStore, portalIdOf: async (c: string) => (await getPortalAccountOfCustomer(t.app.deps.readStore, c))?.portal_id ?? null };
    for (const e of await t.eventStore.readAll()) {
      const projected: ProjectedEvent = { id: e.id, type: e.type, streamName: e.streamName, revision: e.revision, position: e.position, data: e.data, metadata: e.metadata };
      announced.push(...(await announcementsOf(projected, ctx)));
    }
  });
  afterAll(async () => {
    await t.stop();
  });

  const one = (event: string) => {
    const found = announced.filter((a) => a.event === event);
    expect({ event, count: found.length }).toEqual({ event, count: 1 });
    return found[0]!.data as Record<string, Record<string, unknown>>;
  };

  it('announces each of the nine catalogue events, in the order they happened', () => {
    expect(announced.map((a) => a.event)).toEqual([
      'customer.created',
      'customer.updated',
      'service.activated',
      'service.suspended',
      'invoice.created',
      'payment.failed',
      'invoice.paid',
      'ticket.created',
      'ticket.resolved',
    ]);
  });

  it('writes each payload in document 004 words', () => {
    expect(one('customer.created').customer).toMatchObject({ customer_number: 'CUST-000001', display_name: expect.stringMatching(/^Jane Smith/), customer_type: 'residential', account_status: 'pending' });
    expect(one('customer.updated')).toMatchObject({ customer: { customer_number: 'CUST-000001', portal_id: expect.stringMatching(/^[A-Z0-9]{8}$/) }, changed_fields: ['phone'] });
    expect(one('service.activated').service).toMatchObject({ plan_name: 'Fiber 100', status: 'active', reason: 'Installed', service_id: expect.any(String) });
    expect(one('service.suspended').service).toMatchObject({ status: 'suspended', reason: 'Non-payment' });
    expect(one('invoice.created').invoice).toMatchObject({ subtotal: 59.99, tax: 4.8, total: 64.79, currency: 'USD', due_date: '2026-02-01T00:00:00Z' });
    expect(one('invoice.paid')).toMatchObject({ invoice: { total: 64.79, amount_paid: 64.79, currency: 'USD' }, payment: { id: expect.any(String) } });
    expect(one('payment.failed').payment).toMatchObject({ amount: 64.79, currency: 'USD', reason: expect.any(String), invoice_number: expect.stringMatching(/^INV-/) });
    expect(one('ticket.created').ticket).toMatchObject({ subject: 'Slow', status: 'open', priority: 'high', category: 'technical' });
    expect(one('ticket.resolved').ticket).toMatchObject({ subject: 'Slow', status: 'resolved', resolution: 'Replaced the ONT' });
  });
});

describe('the catalogue’s index of what each domain event announces', () => {
  it('names every mapped domain event type and nothing else', () => {
    expect(Object.keys(ANNOUNCES).sort()).toEqual([...WEBHOOK_SOURCE_EVENTS].sort());
  });
});
