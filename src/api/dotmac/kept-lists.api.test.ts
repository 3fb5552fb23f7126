import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../test/support/portal';
import { countReads } from '../../../test/support/kept-answers';
import { auth, type TestApp, type TestUser } from '../../../test/support/test-app';
import { DOTMAC_ADMIN_INVOICES } from '../../projections/dotmac-billing/projector';
import { DOTMAC_INVOICES } from '../../projections/dotmac-invoices/projector';

/**
 * Use case: a billing dashboard polls the invoice list, and a customer reloads the portal's
 * invoice page. Document 004's envelope (envelope.ts) puts the request's id (`request_id`: the
 * caller's X-Request-Id or a new one) and the clock's time (`timestamp`) into every answer's
 * body, so no 004 answer is decided by its URL, its caller and the read models alone: none may be
 * kept and sent again (src/api/http/kept-answers.ts). Each request makes its answer, reading its
 * collection again, and its body names that request. A route opted in with `keep` would send the
 * first request's id and time again: these tests fail then.
 */
describe('document 004 lists polled again: made anew at each request', () => {
  let t: TestApp;
  let admin: TestUser;
  let c: PortalCustomer;
  let other: PortalCustomer;

  beforeAll(async () => {
    t = await startPortalApp({ BILLING_CURRENCY: 'USD' });
    admin = await t.user('super_admin');
    c = await portalCustomer(t, admin);
    other = await portalCustomer(t, admin);
    await invoiceFor(c.customerId, 'First month');
    await invoiceFor(other.customerId, 'Other customer');
  });
  afterAll(() => t.stop());

  /** An invoice made through POST /api/v1/billing/invoices; its id. */
  const invoiceFor = async (customerId: string, description: string): Promise<string> => {
    const res = await t.http
      .post('/api/v1/billing/invoices')
      .set(auth(admin))
      .send({ customer_id: customerId, due_date: '2026-02-01', line_items: [{ description, quantity: 1, unit_price: 59.99 }] });
    expect(res.status).toBe(201);
    return res.body.data.invoice.id as string;
  };

  const readsOf = (name: string) => countReads(t.app.deps.readStore, name);
  /** An answer without what names its request. */
  const withoutRequest = (body: { timestamp?: string; request_id?: string }) => {
    const { timestamp, request_id: requestId, ...rest } = body;
    expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(requestId).toEqual(expect.any(String));
    return rest;
  };
  const descriptions = (res: { body: { data: { invoices: Array<{ line_items: Array<{ description: string }> }> } } }) =>
    res.body.data.invoices.map((i) => i.line_items.map((l) => l.description).join(' + '));

  describe('GET /api/v1/billing/invoices (admin)', () => {
    const path = () => `/api/v1/billing/invoices?customer_id=${c.customerId}&limit=20`;

    it('asked again, answers the same page in a body of its own: this request\'s id and time, read anew', async () => {
      const first = await t.http.get(path()).set(auth(admin));
      expect(first.status).toBe(200);
      t.clock.advance(1_000);
      const reads = readsOf(DOTMAC_ADMIN_INVOICES);
      const again = await t.http.get(path()).set(auth(admin)).set('X-Request-Id', 'dashboard-poll-2');
      expect(reads()).toBeGreaterThan(0);
      expect(again.status).toBe(200);
      expect(again.body.request_id).toBe('dashboard-poll-2');
      expect(again.body.request_id).not.toBe(first.body.request_id);
      expect(again.body.timestamp).toBe(t.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
      expect(again.body.timestamp).not.toBe(first.body.timestamp);
      expect(withoutRequest(again.body)).toEqual(withoutRequest(first.body));
      expect(again.headers['x-request-id']).toBe('dashboard-poll-2');
    });

    it('shows a new invoice at the next request', async () => {
      expect(descriptions(await t.http.get(path()).set(auth(admin)))).toEqual(['First month']);
      const id = await invoiceFor(c.customerId, 'Second month');
      const after = await t.http.get(path()).set(auth(admin));
      expect(after.body.data.invoices.map((i: { id: string }) => i.id)).toContain(id);
      expect(descriptions(after).sort()).toEqual(['First month', 'Second month']);
    });
  });

  describe('GET /api/portal/v1/billing/invoices (portal)', () => {
    const path = '/api/portal/v1/billing/invoices?limit=20';

    it('asked again, answers the same page in a body of its own: this request\'s id and time, read anew', async () => {
      const first = await t.http.get(path).set(bearer(c.token));
      expect(first.status).toBe(200);
      t.clock.advance(1_000);
      const reads = readsOf(DOTMAC_INVOICES);
      const again = await t.http.get(path).set(bearer(c.token)).set('X-Request-Id', 'portal-reload-2');
      expect(reads()).toBeGreaterThan(0);
      expect(again.status).toBe(200);
      expect(again.body.request_id).toBe('portal-reload-2');
      expect(again.body.timestamp).not.toBe(first.body.timestamp);
      expect(withoutRequest(again.body)).toEqual(withoutRequest(first.body));
    });

    it('shows an invoice made for the customer at the next request', async () => {
      const before = descriptions(await t.http.get(path).set(bearer(c.token)));
      const id = await invoiceFor(c.customerId, 'Static IP');
      const after = await t.http.get(path).set(bearer(c.token));
      expect(after.body.data.invoices.map((i: { id: string }) => i.id)).toContain(id);
      expect(descriptions(after).sort()).toEqual([...before, 'Static IP'].sort());
    });

    it('never answers one customer with another\'s page, asked in turn for the same URL', async () => {
      for (let round = 0; round < 2; round++) {
        const mine = await t.http.get(path).set(bearer(c.token));
        const theirs = await t.http.get(path).set(bearer(other.token));
        expect(mine.status).toBe(200);
        expect(theirs.status).toBe(200);
        expect(descriptions(mine)).not.toContain('Other customer');
        expect(descriptions(theirs)).toEqual(['Other customer']);
      }
    });
  });
});
