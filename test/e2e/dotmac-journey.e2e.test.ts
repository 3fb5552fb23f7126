import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '../../src/reactors/webhooks/signature';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * Issue 14's journey through HTTP on the real server process: an admin creates a customer with
 * a portal account and a service (document 004's admin API); the customer logs in to the portal,
 * changes the password and opens a ticket; a technician sees and resolves it in the technician
 * API (document 000); an invoice is created in the billing API (document 002); the customer pays
 * it in the portal; the webhooks arrive, signed, in the order of the events, at a receiver on
 * loopback (allowed through WEBHOOK_ALLOWED_HOSTS), sent by the server's own delivery.
 */

const ADMIN = { email: 'root@example.com', password: 'root-password-123' };
const SECRET = 'journey_webhook_secret';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

describe('document 004 journey on the server process', () => {
  let server: ServerProcess;
  let receiver: Server;
  let dataDir: string;
  const received: Delivery[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body, receivedAt: Math.floor(Date.now() / 1000) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    dataDir = mkdtempSync(join(tmpdir(), 'isp-e2e-004-'));
    server = await startServer({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      JWT_SECRET: 'journey-secret-'.padEnd(48, 'x'),
      SECRETS_KEY: 'journey-secrets-key-'.padEnd(48, 'k'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      BILLING_TIME_ZONE: 'UTC',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_POLL_MS: '100',
      DOTMAC_TENANT_ID: 'journey-tenant',
    });
    await waitUntilHealthy(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const expectStatus = (what: string, res: { status: number; body: unknown }, status: number) => expect({ what, status: res.status, body: res.status === status ? null : res.body }).toEqual({ what, status, body: null });

  it('runs from the admin to the portal, the technicians and billing, with the webhooks in order', async () => {
    // The admin signs in (documents 000/001 login: the staff token every staff API takes).
    const login = await call('POST', '/api/auth/login', ADMIN);
    expectStatus('admin login', login, 200);
    const admin = login.body.token as string;
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const hook = await call('POST', '/api/v1/webhooks', { url, events: ['customer.created', 'customer.updated', 'service.activated', 'service.suspended', 'invoice.created', 'invoice.paid', 'ticket.created', 'ticket.resolved', 'payment.failed'], secret: SECRET }, admin);
    expectStatus('webhook', hook, 201);

    // A technician (004 identity), a service in the catalog, a customer with a portal account and the service.
    const tech = await call('POST', '/api/v1/identity/users', { username: 'tono', email: 'tono@isp.example', password: 'technician-pass-1', first_name: 'Tono', last_name: 'Teknisi', roles: ['technician'] }, admin);
    expectStatus('technician', tech, 201);
    const catalog = await call('POST', '/api/v1/services/catalog', { name: 'Fiber 50', monthly_price: 300000, features: { download_speed: 50, upload_speed: 10 } }, admin);
    expectStatus('catalog', catalog, 201);
    const customer = await call(
      'POST',
      '/api/v1/identity/customers',
      { customer_type: 'residential', first_name: 'Jane', last_name: 'Smith', email: 'jane.journey@example.com', phone: '+1-555-0124', address: { street: '123 Main St', city: 'Anytown' }, create_portal_account: true, portal_password: 'temp_password123' },
      admin,
    );
    expectStatus('customer', customer, 201);
    const customerId = customer.body.data.customer.id as string;
    const portalId = customer.body.data.portal_account.portal_id as string;
    const today = new Date().toISOString().slice(0, 10);
    const service = await call('POST', '/api/v1/services/instances', { customer_id: customerId, service_id: catalog.body.data.service.id, installation_date: today }, admin);
    expectStatus('service', service, 201);
    expect(service.body.data.instance.status).toBe('active');

    // The customer signs in with the temporary password, changes it, opens a ticket.
    const first = await call('POST', '/api/portal/v1/auth/login', { portal_id: portalId, password: 'temp_password123' });
    expectStatus('portal login', first, 200);
    expect(first.body.data.require_password_change).toBe(true);
    const changed = await call('POST', '/api/portal/v1/account/change-password', { current_password: 'temp_password123', new_password: 'my-own-Secret-42', confirm_password: 'my-own-Secret-42' }, first.body.data.access_token);
    expectStatus('change password', changed, 200);
    const again = await call('POST', '/api/portal/v1/auth/login', { portal_id: portalId, password: 'my-own-Secret-42' });
    expectStatus('portal login after the change', again, 200);
    expect(again.body.data.require_password_change).toBe(false);
    const portal = again.body.data.access_token as string;
    expect((await call('GET', '/api/v1/webhooks', undefined, portal)).status).toBe(401);
    const ticket = await call('POST', '/api/portal/v1/support/tickets', { subject: 'Internet Speed Issues', category: 'technical', priority: 'high', description: 'Much slower than expected', service_id: service.body.data.instance.id }, portal);
    expectStatus('portal ticket', ticket, 201);
    const ticketId = ticket.body.data.ticket.id as string;

    // A technician sees it in the technician API (document 000) and resolves it.
    expectStatus('assign', await call('POST', `/api/tickets/${ticketId}/assign`, { technician_id: tech.body.data.user.id }, admin), 200);
    const techLogin = await call('POST', '/api/auth/login', { email: 'tono@isp.example', password: 'technician-pass-1' });
    expectStatus('technician login', techLogin, 200);
    const techToken = techLogin.body.token as string;
    const mine = await call('GET', '/api/tickets', undefined, techToken);
    expect(mine.body.data.tickets.map((x: { id: string }) => x.id)).toContain(ticketId);
    expectStatus('in progress', await call('PUT', `/api/tickets/${ticketId}/status`, { status: 'in_progress' }, techToken), 200);
    expectStatus('resolved', await call('PUT', `/api/tickets/${ticketId}/status`, { status: 'resolved', notes: 'Replaced the ONT' }, techToken), 200);
    const seen = await call('GET', `/api/portal/v1/support/tickets/${ticketId}`, undefined, portal);
    expect(seen.body.data.ticket.status).toBe('resolved');

    // An invoice in the billing API (document 002), for the same customer (its pelanggan).
    const pelanggan = await call('GET', `/api/pelanggan/?search=${encodeURIComponent('jane.journey@example.com')}`, undefined, admin);
    expectStatus('pelanggan', pelanggan, 200);
    const pelangganId = (pelanggan.body.data as Array<{ id: number }>)[0]!.id;
    const periode = today.slice(0, 7);
    const invoice = await call('POST', '/api/invoices/', { pelanggan_id: pelangganId, periode, tanggal_jatuh_tempo: `${periode}-28`, items: [{ deskripsi: 'Fiber 50', jumlah: 1, harga: 300000 }], id_brand: 'ISP' }, admin);
    expectStatus('invoice (002)', invoice, 201);

    // The customer sees it in the portal and pays it there.
    const invoices = await call('GET', '/api/portal/v1/billing/invoices', undefined, portal);
    const mineInvoice = (invoices.body.data.invoices as Array<{ id: string; total: number }>).find((i) => i.id === String(invoice.body.id));
    expect(mineInvoice).toBeDefined();
    const paid = await call('POST', '/api/portal/v1/billing/payments', { invoice_id: mineInvoice!.id, amount: mineInvoice!.total, payment_method_id: 'pm_card_visa' }, portal);
    expect([200, 201]).toContain(paid.status);
    const after = await call('GET', `/api/v1/billing/invoices?customer_id=${customerId}`, undefined, admin);
    expect(after.body.data.invoices[0]).toMatchObject({ id: String(invoice.body.id), status: 'paid' });

    // The webhooks, sent by the server itself: signed, each once, in the order of the events.
    const expected = ['customer.created', 'service.activated', 'ticket.created', 'ticket.resolved', 'invoice.created', 'invoice.paid'];
    const deadline = Date.now() + 20_000;
    const events = () => [...new Map(received.map((d) => [String(d.headers['webhook-id']), JSON.parse(d.body) as { event: string }])).values()].map((p) => p.event);
    while (events().length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(events()).toEqual(expected);
    for (const d of received) expect(verify(SECRET, d.headers as Record<string, string>, d.body, d.receivedAt)).toBe(true);
    const payloads = received.map((d) => JSON.parse(d.body) as { tenant_id: string; webhook_id: string; data: Record<string, Record<string, unknown>> });
    expect(payloads.every((p) => p.tenant_id === 'journey-tenant' && p.webhook_id === hook.body.data.webhook.id)).toBe(true);
    expect(payloads[0]!.data.customer).toMatchObject({ id: customerId, customer_type: 'residential' });
    expect(payloads[2]!.data.ticket).toMatchObject({ id: ticketId, category: 'technical' });
    expect(payloads[5]!.data.invoice).toMatchObject({ id: String(invoice.body.id), amount_paid: 300000 });
    // The last answer reaches the receiver before the server records it: the log catches up.
    const delivered = async () => {
      const log = await call('GET', `/api/v1/webhooks/${hook.body.data.webhook.id}/deliveries`, undefined, admin);
      return (log.body.data.deliveries as Array<{ status: string }>).map((d) => d.status);
    };
    let statuses = await delivered();
    while (statuses.some((s) => s !== 'delivered') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      statuses = await delivered();
    }
    expect(statuses).toEqual(expected.map(() => 'delivered'));
  }, 60_000);
});
