import { getPelanggan } from '../../projections/billing-customers/queries';
import { findDeviceByNumber } from '../../projections/inventory/queries';
import { operation, type SuccessHeader } from '../openapi/builder';
import type { OpenApiDocument, ResponseObject } from '../openapi/types';
import { auth } from '../../../test/support/billing';
import { startAppForEveryDocument, writeLogOfEveryDocument } from '../../../test/support/every-document';
import { bearer, portalCustomer } from '../../../test/support/portal';
import type { TestApp, TestUser } from '../../../test/support/test-app';

/**
 * The rule of the issue "every aggregate's read answer says its stream name": a GET of one
 * aggregate, in documents 002, 003 and 004 as in 000 and 001, answers `X-Event-Stream: <the
 * stream as the event store has it>`, and an auditor takes that name as it is to
 * GET /api/v1/audit/streams/{stream}. On a log of every document (test/support/every-document),
 * each read's id is found through the document's own list route; the stream named is checked
 * against the events it holds (their stream, and the id the aggregate's first event carries).
 * Then the OpenAPI document: every single-resource JSON GET of 002, 003 and 004 declares the
 * header, or is in the short list of reads that are not one aggregate.
 */

/**
 * GETs under 002/003/004 whose path ends in a parameter and whose 200 is JSON, but which do not
 * answer one aggregate, so have no stream to name. Keep it short and say why.
 */
const NOT_ONE_AGGREGATE: Record<string, string> = {
  // A pelanggan's billing history read from the log: invoices, payments, gateway callbacks,
  // subscription and customer events, from many streams (each entry names its own `stream`).
  'GET /api/activity-logs/pelanggan/{pelanggan_id}': 'billing history across many streams',
};

/**
 * A 002, 003 or 004 operation: its tag says so (`002 · Invoices`), or its path is under a prefix
 * only these documents mount (002 shares /api/users, /api/reports, /api/dashboard and
 * /api/notifications with 000: there the tag decides).
 */
const DOCUMENT_TAG = /^00[234] ·/;
const PREFIXES = /^\/api\/(pelanggan|brands|paket_layanan|langganan|data_teknis|invoices|activity-logs|mikrotik_servers|v1\/admin|portal\/v1|v1\/(services|identity|billing|support|analytics|auth|webhooks))(\/|$)/;

interface AuditEvent {
  streamName: string;
  type: string;
  revision: number;
  data: Record<string, unknown>;
}

describe('X-Event-Stream on every read of one aggregate (002, 003, 004)', () => {
  let t: TestApp;
  let admin: TestUser;
  let auditor: TestUser;
  let portalToken: string;

  beforeAll(async () => {
    t = await startAppForEveryDocument();
    ({ admin } = await writeLogOfEveryDocument(t));
    auditor = await t.user('auditor');
    // The log has no portal-made ticket of a customer we can sign in as: one, through the portal API.
    const customer = await portalCustomer(t, admin);
    portalToken = customer.token;
    const opened = await t.http
      .post('/api/portal/v1/support/tickets')
      .set(bearer(portalToken))
      .send({ subject: 'Slow at night', description: 'Speed drops after 8 pm', category: 'technical', priority: 'medium' });
    expect(opened.status).toBe(201);
    // Webhook messages are written by the delivery reactor (not started by the test app): its
    // messages for the log's webhook (customer.created, invoice.paid), without sending them.
    const hooks = t.app.reactors.webhooks!;
    await hooks.reactor.start();
    await hooks.reactor.reached(await t.eventStore.headPosition());
    await t.app.deps.sync.waitFor(await t.eventStore.headPosition(), 5000);
  }, 120_000);
  afterAll(async () => {
    await t.stop();
  });

  const staff = (path: string) => t.http.get(path).set(auth(admin));
  const list = async <T>(path: string, pick: (body: any) => T[], by: (p: string) => ReturnType<typeof staff> = staff): Promise<T[]> => {
    const res = await by(path);
    expect([path, res.status]).toEqual([path, 200]);
    const items = pick(res.body);
    expect([path, items.length > 0]).toEqual([path, true]);
    return items;
  };

  /**
   * GET the detail: 200 and `X-Event-Stream: expected`; the audit API answers that stream with
   * its events, all of that stream, the first carrying `link` (the aggregate's own id).
   */
  async function named(path: string, expected: string, link: Record<string, unknown>, by: (p: string) => ReturnType<typeof staff> = staff): Promise<void> {
    const detail = await by(path);
    expect([path, detail.status]).toEqual([path, 200]);
    expect([path, detail.headers['x-event-stream']]).toEqual([path, expected]);
    const audit = await t.http.get(`/api/v1/audit/streams/${encodeURIComponent(expected)}`).set(auth(auditor));
    expect([expected, audit.status]).toEqual([expected, 200]);
    const events = audit.body.data.events as AuditEvent[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.streamName === expected)).toBe(true);
    expect(events[0]!.revision).toBe(0);
    expect([expected, events[0]!.data]).toEqual([expected, expect.objectContaining(link)]);
  }

  describe('document 002', () => {
    it('pelanggan (already: ETag and stream): customer-<uuid>', async () => {
      const [p] = await list('/api/pelanggan', (b) => b.data as Array<{ id: number }>);
      const doc = await getPelanggan(t.app.deps.readStore, p!.id);
      await named(`/api/pelanggan/${p!.id}`, `customer-${doc!._id}`, { customerId: doc!._id, number: p!.id });
    });

    it('mikrotik server (already): mikrotik_server-<id>', async () => {
      const [s] = await list('/api/mikrotik_servers', (b) => b.data as Array<{ id: number }>);
      await named(`/api/mikrotik_servers/${s!.id}`, `mikrotik_server-${s!.id}`, { serverId: s!.id });
    });

    it('invoice: invoice-<id>', async () => {
      const invoices = await list('/api/invoices', (b) => b.data as Array<{ id: number }>);
      for (const i of invoices.slice(0, 3)) await named(`/api/invoices/${i.id}`, `invoice-${i.id}`, { invoiceId: i.id });
    });

    it('paket layanan: service_plan-<id>', async () => {
      const [p] = await list('/api/paket_layanan', (b) => b.data as Array<{ id: number }>);
      await named(`/api/paket_layanan/${p!.id}`, `service_plan-${p!.id}`, { planId: p!.id });
    });

    it('brand: brand-<ID> as the stream is named (upper case), whatever the case of the URL', async () => {
      const brands = await list('/api/brands', (b) => b.data as Array<{ id_brand: string }>);
      const every = brands.find((b) => b.id_brand === 'EVERYNET');
      expect(every).toBeDefined();
      await named('/api/brands/everynet', 'brand-EVERYNET', { brandId: 'EVERYNET' });
      for (const b of brands) await named(`/api/brands/${b.id_brand}`, `brand-${b.id_brand}`, { brandId: b.id_brand });
    });

    it('langganan: subscription-<id>', async () => {
      const [l] = await list('/api/langganan', (b) => b.data as Array<{ id: number }>);
      await named(`/api/langganan/${l!.id}`, `subscription-${l!.id}`, { subscriptionId: l!.id });
    });

    it("data teknis of a pelanggan: the technical data's own stream technical_data-<id>, not the pelanggan's", async () => {
      const pelanggan = await list('/api/pelanggan', (b) => b.data as Array<{ id: number }>);
      let checked = 0;
      for (const p of pelanggan) {
        const detail = await staff(`/api/pelanggan/${p.id}`);
        const teknis = detail.body.data_teknis as { id: number } | null;
        if (!teknis) continue;
        await named(`/api/data_teknis/pelanggan/${p.id}`, `technical_data-${teknis.id}`, { technicalDataId: teknis.id, pelangganId: p.id });
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  });

  describe('document 003', () => {
    it('device (already): device-<uuid>, though the URL has its number', async () => {
      const [d] = await list('/api/v1/admin/devices', (b) => b.data as Array<{ deviceId: number }>);
      const doc = await findDeviceByNumber(t.app.deps.readStore, d!.deviceId);
      await named(`/api/v1/admin/devices/${d!.deviceId}`, `device-${doc!._id}`, { deviceId: doc!._id, number: d!.deviceId });
    });
  });

  describe('document 004', () => {
    it('support ticket (admin): the Ticket aggregate, ticket-<uuid>', async () => {
      const tickets = await list('/api/v1/support/tickets', (b) => b.data.tickets as Array<{ id: string }>);
      for (const ticket of tickets) await named(`/api/v1/support/tickets/${ticket.id}`, `ticket-${ticket.id}`, { ticketId: ticket.id });
    });

    it('support ticket (portal, the customer’s own): ticket-<uuid>', async () => {
      const portal = (p: string) => t.http.get(p).set(bearer(portalToken));
      const [ticket] = await list('/api/portal/v1/support/tickets', (b) => b.data.tickets as Array<{ id: string }>, portal);
      await named(`/api/portal/v1/support/tickets/${ticket!.id}`, `ticket-${ticket!.id}`, { ticketId: ticket!.id }, portal);
    });

    it('knowledge-base article: kb_article-<uuid>', async () => {
      const [article] = await list('/api/v1/support/knowledge-base', (b) => b.data.articles as Array<{ id: string }>);
      await named(`/api/v1/support/knowledge-base/${article!.id}`, `kb_article-${article!.id}`, { articleId: article!.id });
    });

    it('webhook: webhook-<uuid>; one of its deliveries: its own stream webhook_delivery-<uuid>', async () => {
      const [hook] = await list('/api/v1/webhooks', (b) => b.data.webhooks as Array<{ id: string }>);
      await named(`/api/v1/webhooks/${hook!.id}`, `webhook-${hook!.id}`, { webhookId: hook!.id });
      const deliveries = await list(`/api/v1/webhooks/${hook!.id}/deliveries`, (b) => b.data.deliveries as Array<{ id: string }>);
      for (const d of deliveries) await named(`/api/v1/webhooks/${hook!.id}/deliveries/${d.id}`, `webhook_delivery-${d.id}`, { deliveryId: d.id, webhookId: hook!.id });
    });
  });

  it('is described once by the builder, listed alone or implied by ETag', () => {
    const headersOf = (headers: SuccessHeader[]) => {
      const built = operation({ method: 'get', path: '/x', tag: 't', operationId: 'x', summary: 'x', auth: false, errors: 'tms', envelope: 'none', success: [{ status: 200, description: 'x', headers }] });
      return Object.keys((built.operation.responses['200'] as ResponseObject).headers ?? {});
    };
    expect(headersOf(['X-Event-Stream'])).toEqual(['X-Event-Stream']);
    expect(headersOf(['ETag'])).toEqual(['ETag', 'X-Event-Stream']);
    expect(headersOf(['ETag', 'X-Event-Stream'])).toEqual(['ETag', 'X-Event-Stream']);
    expect(headersOf(['X-Event-Stream', 'ETag', 'Location'])).toEqual(['X-Event-Stream', 'ETag', 'Location']);
  });

  it('is declared in the OpenAPI document on every JSON GET of one resource of 002, 003 and 004, but the listed exemptions', async () => {
    const res = await t.http.get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as OpenApiDocument;
    const deref = <T>(o: unknown): T => {
      const ref = (o as { $ref?: string }).$ref;
      if (!ref) return o as T;
      return ref
        .slice(2)
        .split('/')
        .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], doc) as T;
    };
    const single: string[] = [];
    const without: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const get = item?.get;
      if (!get || !/\{[^}]+\}$/.test(path)) continue;
      if (!PREFIXES.test(path) && !(get.tags ?? []).some((tag) => DOCUMENT_TAG.test(tag))) continue;
      const ok = get.responses['200'] && deref<ResponseObject>(get.responses['200']);
      if (!ok?.content?.['application/json']) continue;
      const key = `GET ${path}`;
      single.push(key);
      const headers = Object.keys(ok.headers ?? {});
      if (!headers.includes('X-Event-Stream') && !(key in NOT_ONE_AGGREGATE)) without.push(key);
      if (headers.includes('X-Event-Stream')) expect([key, (ok.headers!['X-Event-Stream'] as { $ref: string }).$ref]).toEqual([key, '#/components/headers/XEventStream']);
    }
    expect(without).toEqual([]);
    // Every exemption still names a route of the document (no stale entries), and none declares the header.
    for (const key of Object.keys(NOT_ONE_AGGREGATE)) expect([key, single.includes(key)]).toEqual([key, true]);
    // The reads checked above are among them (the walk finds what it should).
    expect(single).toEqual(
      expect.arrayContaining([
        'GET /api/invoices/{invoice_id}',
        'GET /api/brands/{id_brand}',
        'GET /api/data_teknis/pelanggan/{pelanggan_id}',
        'GET /api/v1/admin/devices/{id}',
        'GET /api/portal/v1/support/tickets/{ticket_id}',
        'GET /api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}',
      ]),
    );
  });
});
