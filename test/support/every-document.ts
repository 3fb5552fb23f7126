import { systemMeta } from '../../src/commands/context';
import { payInvoiceFromPortal } from '../../src/commands/portal-payments';
import { auth, catalog, createInvoice, createPelanggan, startBillingApp, subscribe, xenditCallback } from './billing';
import { device, employee, inventoryWorld } from './inventory';
import { provisionablePelanggan, registerServerFor } from './mikrotik';
import { portalCustomer } from './portal';
import { RouterOsStandIn } from './routeros-standin';
import { customerWithLogin, type TestApp, type TestUser } from './test-app';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

/**
 * The product with everything a log of every document needs: document 002's payment gateway and
 * callback token, document 004's limits raised for fixtures and webhooks allowed to a local host.
 */
export function startAppForEveryDocument(): Promise<TestApp> {
  return startBillingApp({
    DOTMAC_RATE_LIMIT_PORTAL_AUTH: '100000',
    DOTMAC_RATE_LIMIT_PORTAL: '100000',
    DOTMAC_RATE_LIMIT_ADMIN: '100000',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  });
}

const ok = <R extends { status: number; body: unknown }>(what: string, res: R, ...statuses: number[]): R => {
  if (!(statuses.length ? statuses : [200, 201]).includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};

/**
 * A log with events of every document present, written through their HTTP APIs (and, where the
 * HTTP route is not the point, the use cases they call), as users work: document 000 (users,
 * customers, tickets with their whole workflow, technicians, notifications, mobile sync and
 * uploads, stock), 001 (service requests through their workflow), 002 (catalogue, pelanggan,
 * subscriptions, data teknis, invoices paid by hand and by gateway callback, a suspension, a
 * Mikrotik server and a PPPoE sync against a RouterOS stand-in), 003 (reference data, devices,
 * custody), 004 (a portal account signed in, a webhook, usage counters, a card payment).
 * Used by the rebuild-equality test of every projector.
 */
export async function writeLogOfEveryDocument(t: TestApp): Promise<{ admin: TestUser }> {
  const admin = await t.user('super_admin', { full_name: 'Ada Admin' });
  const manager = await t.user('manager', { full_name: 'Mia Manager' });
  const supervisor = await t.user('supervisor');
  const cs = await t.user('customer_service');
  const tech = await t.user('technician', { full_name: 'Tono Teknisi' });
  const tech2 = await t.user('technician', { full_name: 'Tari Teknisi' });
  await t.user('auditor');

  // Document 000: users and customers.
  ok('user update', await t.http.put(`/api/users/${tech2.userId}`).set(auth(manager)).send({ profile: { phone: '0812 1111 2222' } }));
  const leaver = await t.user('customer_service');
  ok('user deactivation', await t.http.delete(`/api/users/${leaver.userId}`).set(auth(admin)));
  const { customerId, user: customerUser } = await customerWithLogin(t, manager);
  ok('customer update', await t.http.put(`/api/customers/${customerId}`).set(auth(cs)).send({ service_package: 'Home 100 Mbps' }));

  // Tickets through their workflow, technicians, notifications and mobile.
  const ticketBody = { customer_id: customerId, type: 'repair', priority: 'high', title: 'No signal', description: 'ONT red light', location: { lat: -6.2, lng: 106.8 } };
  const ticketId = ok('ticket', await t.http.post('/api/tickets').set(auth(cs)).send(ticketBody)).body as { data: { ticket: { id: string } } };
  const id = ticketId.data.ticket.id;
  ok('ticket update', await t.http.put(`/api/tickets/${id}`).set(auth(manager)).send({ priority: 'critical' }));
  ok('assign', await t.http.post(`/api/tickets/${id}/assign`).set(auth(supervisor)).send({ technician_id: tech2.userId }));
  ok('reassign', await t.http.post(`/api/tickets/${id}/assign`).set(auth(supervisor)).send({ technician_id: tech.userId }));
  ok('in progress', await t.http.put(`/api/tickets/${id}/status`).set(auth(tech)).send({ status: 'in_progress' }));
  ok('comment', await t.http.post(`/api/tickets/${id}/comments`).set(auth(tech)).send({ comment: 'On my way' }));
  ok('customer comment', await t.http.post(`/api/tickets/${id}/comments`).set(auth(customerUser)).send({ comment: 'Thanks' }));
  ok('upload', await t.http.post('/api/mobile/upload').set(auth(tech)).field('type', 'photo').field('ticket_id', id).attach('file', PNG, 'after.png'));
  ok('sync', await t.http.post('/api/mobile/sync').set(auth(tech)).send({ device_info: { platform: 'android', version: '1.0', device_id: 'd1' } }));
  ok('resolved', await t.http.put(`/api/tickets/${id}/status`).set(auth(tech)).send({ status: 'resolved', notes: 'ONT replaced' }));
  ok('closed', await t.http.put(`/api/tickets/${id}/status`).set(auth(manager)).send({ status: 'closed', rating: 5 }));
  ok('portal-style ticket', await t.http.post('/api/tickets').set(auth(customerUser)).send({ ...ticketBody, priority: 'low', title: 'Slow' }));
  ok('location', await t.http.put(`/api/technicians/${tech.userId}/location`).set(auth(tech)).send({ lat: -6.21, lng: 106.81 }));
  ok('availability', await t.http.put(`/api/technicians/${tech.userId}/availability`).set(auth(tech)).send({ is_available: false, reason: 'Lunch' }));
  ok('skills', await t.http.put(`/api/technicians/${tech2.userId}`).set(auth(manager)).send({ skills: ['Fiber Splicing'] }));
  const inbox = ok('inbox', await t.http.get('/api/notifications').set(auth(tech))).body as { data: { notifications: Array<{ id: string }> } };
  ok('read one', await t.http.put(`/api/notifications/${inbox.data.notifications[0]!.id}/read`).set(auth(tech)));
  ok('read all', await t.http.put('/api/notifications/mark-all-read').set(auth(cs)));

  // Document 000's stock, and document 003's reference data, devices and custody.
  const item = ok('item', await t.http.post('/api/inventory/items').set(auth(admin)).send({ name: 'ONT', category: 'ONT', sku: 'EVERY-ONT', unit_price: 350_000, stock_quantity: 5, min_stock_level: 3 })).body as {
    data: { item: { id: string } };
  };
  const itemId = item.data.item.id;
  ok('received', await t.http.post(`/api/inventory/items/${itemId}/movements`).set(auth(admin)).send({ type: 'received', quantity: 2, reason: 'PO-1' }));
  const given = ok('stock out', await t.http.post('/api/inventory/assignments').set(auth(admin)).send({ item_id: itemId, technician_id: tech.userId, ticket_id: id, quantity: 5 })).body as {
    data: { assignment: { id: string } };
  };
  ok('stock back', await t.http.put(`/api/inventory/assignments/${given.data.assignment.id}/return`).set(auth(tech)).send({ quantity_returned: 1 }));
  const world = await inventoryWorld(t, admin);
  const d = await device(t, admin, { serial_number: 'EVERY-1', asset_code: 'EVERY/1' });
  const holder = await employee(t, admin, { name: 'Every Holder', branch_id: world.branches.jakarta, department_id: world.departmentId });
  ok('device update', await t.http.put(`/api/v1/admin/devices/${d.deviceId}`).set(auth(admin)).send({ spec1: 'i7' }));
  const custody = ok('custody', await t.http.post('/api/v1/admin/device-assignments').set(auth(admin)).send({ device_id: d.deviceId, user_id: holder.number, assigned_date: '2026-01-15' }))
    .body as { data: { assignmentId: number } };
  ok('custody notes', await t.http.put(`/api/v1/admin/device-assignments/${custody.data.assignmentId}`).set(auth(admin)).send({ notes: 'Handed over' }));
  ok('custody return', await t.http.post(`/api/v1/admin/device-assignments/${custody.data.assignmentId}/return`).set(auth(admin)));
  ok('branch', await t.http.put(`/api/v1/admin/branches/${world.branches.jakarta}`).set(auth(admin)).send({ address: 'Jl. Cabang 1' }));

  // Document 001: service requests through their workflow.
  const request = ok(
    'service request',
    await t.http.post('/api/services').set(auth(tech)).field('device', 'Laptop').field('brand', 'Lenovo').field('sn', 'SN-EVERY').field('service_type', 'Hardware').field('description', 'Keyboard rusak').attach('photo', PNG, 'k.png'),
  ).body as { data: { id: number } };
  const rid = request.data.id;
  ok('approve', await t.http.post(`/api/services/${rid}/approve`).set(auth(manager)).send({ note: 'ok' }));
  ok('start', await t.http.post(`/api/services/${rid}/start`).set(auth(tech)).send({}));
  ok('complete', await t.http.post(`/api/services/${rid}/complete`).set(auth(tech)).send({ resolution: 'Replaced' }));
  const rejected = ok('second request', await t.http.post('/api/services').set(auth(cs)).send({ device_type: 'Printer', serial_number: 'P1', service_type: 'Hardware', description: 'Jammed' }))
    .body as { data: { id: number } };
  ok('reject', await t.http.post(`/api/services/${rejected.data.id}/reject`).set(auth(manager)).send({ reason: 'Out of warranty' }));

  // Document 002: catalogue, pelanggan, subscriptions, data teknis, invoices, payments, suspension.
  const cat = await catalog(t, admin, 'EVERYNET');
  const p = await createPelanggan(t, admin, { id_brand: cat.brand });
  ok('pelanggan update', await t.http.patch(`/api/pelanggan/${p.id}`).set(auth(admin)).send({ alamat: 'Jl. Baru 2' }));
  const subscriptionId = await subscribe(t, admin, p.id, cat.paketId);
  ok('data teknis', await t.http.post('/api/data_teknis/').set(auth(admin)).send({ pelanggan_id: p.id, ip_pelanggan: '10.9.9.9', vlan: 99, password_pppoe: 'pppoe-secret' }));
  const paid = await createInvoice(t, admin, p.id, '2026-01');
  ok('paid by hand', await t.http.patch(`/api/invoices/${paid.id}/status`).set(auth(admin)).send({ status_invoice: 'Lunas', paid_amount: 300_000 }));
  const byGateway = await createInvoice(t, admin, p.id, '2026-02');
  ok('gateway callback', await xenditCallback(t, { id: 'every-cb-1', external_id: byGateway.xendit_external_id, status: 'PAID', paid_amount: 300_000, paid_at: '2026-01-15T10:00:00Z' }));
  ok('suspension', await t.http.patch(`/api/langganan/${subscriptionId}`).set(auth(admin)).send({ status: 'Suspended' }));
  const router = await RouterOsStandIn.start();
  try {
    const server = await registerServerFor(t, admin, router);
    ok('server test', await t.http.post(`/api/mikrotik_servers/${server.id}/test`).set(auth(admin)));
    const provisionable = await provisionablePelanggan(t, { serverId: server.id });
    ok('pppoe sync', await t.http.post(`/api/mikrotik_servers/${server.id}/sync/${provisionable.pelangganId}`).set(auth(admin)));
  } finally {
    await router.stop();
  }

  // Document 004: a portal account signed in, a webhook, usage counters, a card payment.
  const portal = await portalCustomer(t, admin);
  ok('webhook', await t.http.post('/api/v1/webhooks').set(auth(admin)).send({ url: 'http://127.0.0.1:9/hooks', events: ['customer.created', 'invoice.paid'], secret: 'every-document-secret' }));
  ok('usage', await t.http.post('/api/v1/services/usage').set(auth(admin)).send({ records: [{ service_id: String(portal.subscriptionId), date: '2026-01-14', download_gb: 12.5, upload_gb: 2 }] }));
  // Document 004's admin modules: a customer with a service moved through its statuses, a taxed invoice paid and refunded, a ticket closed, an article.
  const data004 = (res: { body: unknown }) => (res.body as { data: Record<string, { id: string }> & { payments: Array<{ id: string }> } }).data;
  const dotmacCustomer = data004(ok('004 customer', await t.http.post('/api/v1/identity/customers').set(auth(admin)).send({ customer_type: 'business', first_name: 'Every', last_name: 'Document', email: 'every.document@example.com', phone: '+15550100', address: { street: '1 Every Street' } }))).customer!.id;
  const catalogEntry = data004(ok('004 catalog', await t.http.post('/api/v1/services/catalog').set(auth(admin)).send({ name: 'Every Fiber', monthly_price: 300_000, features: { download_speed: 50 } }))).service!.id;
  const dotmacInstance = data004(ok('004 provision', await t.http.post('/api/v1/services/instances').set(auth(admin)).send({ customer_id: dotmacCustomer, service_id: catalogEntry, installation_date: '2026-02-01' }))).instance!.id;
  ok('004 activate', await t.http.put(`/api/v1/services/instances/${dotmacInstance}/status`).set(auth(admin)).send({ status: 'active', reason: 'Installed' }));
  const dotmacInvoice = data004(ok('004 invoice', await t.http.post('/api/v1/billing/invoices').set(auth(admin)).send({ customer_id: dotmacCustomer, due_date: '2026-02-01', line_items: [{ description: 'Every Fiber', quantity: 1, unit_price: 300_000, tax_rate: 0.11 }] }))).invoice!.id;
  ok('004 send', await t.http.post(`/api/v1/billing/invoices/${dotmacInvoice}/send`).set(auth(admin)));
  ok('004 paid', await t.http.patch(`/api/invoices/${dotmacInvoice}/status`).set(auth(admin)).send({ status_invoice: 'Lunas' }));
  const dotmacPayment = data004(ok('004 payments', await t.http.get(`/api/v1/billing/payments?invoice_id=${dotmacInvoice}`).set(auth(admin)))).payments[0]!.id;
  ok('004 refund', await t.http.post(`/api/v1/billing/payments/${dotmacPayment}/refund`).set(auth(admin)).send({ amount: 1000, reason: 'Credit' }));
  const dotmacTicket = data004(ok('004 ticket', await t.http.post('/api/v1/support/tickets').set(auth(admin)).send({ customer_id: dotmacCustomer, subject: 'Every', description: 'Every ticket', category: 'billing' }))).ticket!.id;
  ok('004 close', await t.http.post(`/api/v1/support/tickets/${dotmacTicket}/close`).set(auth(admin)).send({ resolution: 'Done', customer_satisfaction: 5 }));
  const article = data004(ok('004 article', await t.http.post('/api/v1/support/knowledge-base').set(auth(admin)).send({ title: 'Every article', content: 'Text', category: 'general', tags: ['every'] }))).article!.id;
  ok('004 article update', await t.http.put(`/api/v1/support/knowledge-base/${article}`).set(auth(admin)).send({ tags: ['every', 'document'] }));
  ok('004 publish', await t.http.post(`/api/v1/support/knowledge-base/${article}/publish`).set(auth(admin)));
  const invoice = await createInvoice(t, admin, portal.pelangganId, '2026-01');
  const payment = await payInvoiceFromPortal(
    t.app.deps.commands as Parameters<typeof payInvoiceFromPortal>[0],
    { customerId: portal.customerId, invoiceId: invoice.id, amount: 300_000, paymentMethodToken: 'pm_card_visa', savePaymentMethod: true, idempotencyKey: null },
    systemMeta(t.app.deps.commands.ids, 'every-document'),
  );
  if (payment.position !== null) await t.app.runner.waitFor(payment.position, 5000);
  await t.app.runner.waitFor(await t.eventStore.headPosition(), 5000);
  return { admin };
}
