import { bearer, portalCustomer, portalLogin, startPortalApp, type PortalCustomer } from '../../../test/support/portal';
import { askThrice, countReads, headersBesidesRequest } from '../../../test/support/kept-answers';
import { auth, type TestApp, type TestUser } from '../../../test/support/test-app';
import { BILLING_LANGGANAN } from '../../projections/billing-customers/projector';
import { BILLING_PAYMENTS } from '../../projections/billing-invoices/projector';
import { DOTMAC_ADMIN_INVOICES, DOTMAC_PAYMENTS } from '../../projections/dotmac-billing/projector';
import { DOTMAC_CUSTOMERS } from '../../projections/dotmac-customers/projector';
import { DOTMAC_INVOICES } from '../../projections/dotmac-invoices/projector';
import { DOTMAC_TICKETS } from '../../projections/dotmac-tickets/projector';

/**
 * Use case: a billing dashboard polls the invoice list, and a customer reloads the portal's
 * invoice page. Document 004's envelope (envelope.ts) puts the request's id (`request_id`: the
 * caller's X-Request-Id or a new one) and the clock's time (`timestamp`) into every answer's
 * body. A list answered before is sent again while nothing it read has changed
 * (src/api/http/kept-answers.ts), with those two members made for the request it answers (the
 * answer's stamp), for the same caller only; the portal's invoice summary and its services'
 * usage count from the business day, so their answers are made again when the day changes.
 */
describe('document 004 lists polled again: kept, each answer stamped for its own request', () => {
  let t: TestApp;
  let admin: TestUser;
  let c: PortalCustomer;
  let other: PortalCustomer;

  beforeAll(async () => {
    t = await startPortalApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
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

  /** An answer without what names its request. */
  const withoutRequest = (body: { timestamp?: string; request_id?: string }) => {
    const { timestamp, request_id: requestId, ...rest } = body;
    expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(requestId).toEqual(expect.any(String));
    return rest;
  };
  const now = () => t.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const descriptions = (res: { body: { data: { invoices: Array<{ line_items: Array<{ description: string }> }> } } }) =>
    res.body.data.invoices.map((i) => i.line_items.map((l) => l.description).join(' + '));

  /**
   * Asks `path` three times, a second apart, each with its own X-Request-Id: the third answer
   * reads nothing of `collection`, names its own request and time, and is the first answer
   * otherwise, headers included.
   */
  const askedThrice = async (path: string, caller: Record<string, string>, collection: string, perRequest: string[]) => {
    const ask = (n: number) => {
      if (n > 1) t.clock.advance(1_000);
      return t.http.get(path).set(caller).set('X-Request-Id', `poll-${n}`);
    };
    const { first, second, third, reads } = await askThrice(ask, () => countReads(t.app.deps.readStore, collection));
    expect(second.body.request_id).toBe('poll-2');
    expect(reads).toBe(0);
    expect(third.status).toBe(200);
    expect(third.body.request_id).toBe('poll-3');
    expect(third.headers['x-request-id']).toBe('poll-3');
    expect(third.body.timestamp).toBe(now());
    expect(third.body.timestamp).not.toBe(first.body.timestamp);
    expect(withoutRequest(third.body)).toEqual(withoutRequest(first.body));
    expect(headersBesidesRequest(third, perRequest)).toEqual(headersBesidesRequest(first, perRequest));
    return { first, third };
  };

  const adminLimit = ['x-ratelimit-remaining', 'x-ratelimit-reset'];

  it.each([
    ['/api/v1/billing/invoices?limit=20', DOTMAC_ADMIN_INVOICES],
    ['/api/v1/billing/payments?limit=20', DOTMAC_PAYMENTS],
    ['/api/v1/identity/customers?limit=20&status=active', DOTMAC_CUSTOMERS],
    ['/api/v1/support/tickets?limit=20', DOTMAC_TICKETS],
  ])('admin %s, asked again, is sent as it was with this request\'s id and time, without reading its list', async (path, collection) => {
    await askedThrice(path, auth(admin), collection, adminLimit);
  });

  describe('GET /api/v1/billing/invoices (admin)', () => {
    const path = () => `/api/v1/billing/invoices?customer_id=${c.customerId}&limit=20`;

    it('shows a new invoice at the next request', async () => {
      await askedThrice(path(), auth(admin), DOTMAC_ADMIN_INVOICES, adminLimit);
      const id = await invoiceFor(c.customerId, 'Second month');
      const reads = countReads(t.app.deps.readStore, DOTMAC_ADMIN_INVOICES);
      const after = await t.http.get(path()).set(auth(admin));
      expect(reads()).toBeGreaterThan(0);
      expect(after.body.data.invoices.map((i: { id: string }) => i.id)).toContain(id);
      expect(descriptions(after).sort()).toEqual(['First month', 'Second month']);
    });
  });

  describe('GET /api/portal/v1/billing/invoices (portal)', () => {
    const path = '/api/portal/v1/billing/invoices?limit=20';
    const portalLimit = ['x-ratelimit-remaining', 'x-ratelimit-reset'];

    it('asked again, is sent as it was with this request\'s id and time, without reading the invoices', async () => {
      await askedThrice(path, bearer(c.token), DOTMAC_INVOICES, portalLimit);
    });

    it('shows an invoice made for the customer at the next request', async () => {
      const before = descriptions(await t.http.get(path).set(bearer(c.token)));
      const id = await invoiceFor(c.customerId, 'Static IP');
      const after = await t.http.get(path).set(bearer(c.token));
      expect(after.body.data.invoices.map((i: { id: string }) => i.id)).toContain(id);
      expect(descriptions(after).sort()).toEqual([...before, 'Static IP'].sort());
    });

    it('never answers one customer with another\'s page, asked in turn for the same URL', async () => {
      for (let round = 0; round < 3; round++) {
        const mine = await t.http.get(path).set(bearer(c.token));
        const theirs = await t.http.get(path).set(bearer(other.token));
        expect(mine.status).toBe(200);
        expect(theirs.status).toBe(200);
        expect(descriptions(mine)).not.toContain('Other customer');
        expect(descriptions(theirs)).toEqual(['Other customer']);
      }
    });
  });

  it.each([
    ['/api/portal/v1/billing/payments?limit=20', BILLING_PAYMENTS],
    ['/api/portal/v1/services', BILLING_LANGGANAN],
  ])('portal %s, asked again, is sent as it was with this request\'s id and time, without reading its list', async (path, collection) => {
    await askedThrice(path, bearer(c.token), collection, ['x-ratelimit-remaining', 'x-ratelimit-reset']);
  });

  it("portal services show the usage recorded since at the next request", async () => {
    const path = '/api/portal/v1/services';
    await askedThrice(path, bearer(c.token), BILLING_LANGGANAN, ['x-ratelimit-remaining', 'x-ratelimit-reset']);
    const usageOf = (res: { body: { data: { services: Array<{ data_usage: { current_month: number } }> } } }) => res.body.data.services[0]!.data_usage.current_month;
    const before = usageOf(await t.http.get(path).set(bearer(c.token)));
    const today = t.clock.now().toISOString().slice(0, 10);
    const recorded = await t.http
      .post('/api/v1/services/usage')
      .set(auth(admin))
      .send({ records: [{ service_id: String(c.subscriptionId), date: today, download_gb: 12, upload_gb: 3 }] });
    expect(recorded.status).toBe(200);
    const after = await t.http.get(path).set(bearer(c.token));
    expect(usageOf(after)).toBeCloseTo(before + 15, 6);
  });

  // Last: it moves the clock to the end of the day (the tokens above have expired after it).
  it('portal invoices and services are made again on the next business day, which their summary and usage count from', async () => {
    const day = 86_400_000;
    t.clock.advance(day - (t.clock.now().getTime() % day) - 60_000); // 23:59 in the billing time zone (UTC)
    const login = await portalLogin(t, c.portalId, c.password);
    expect(login.status).toBe(200);
    const caller = bearer(login.body.data.access_token as string);
    const lists: Array<[string, string, string]> = [
      ['/api/portal/v1/billing/invoices?limit=20', DOTMAC_INVOICES, 'invoices'],
      ['/api/portal/v1/services', BILLING_LANGGANAN, 'services'],
    ];
    const firsts = [];
    for (const [path, collection] of lists) firsts.push((await askedThrice(path, caller, collection, ['x-ratelimit-remaining', 'x-ratelimit-reset'])).first);
    t.clock.advance(120_000); // 00:01 the next day
    for (const [i, [path, collection, member]] of lists.entries()) {
      const reads = countReads(t.app.deps.readStore, collection);
      const next = await t.http.get(path).set(caller);
      expect(reads()).toBeGreaterThan(0);
      expect(next.status).toBe(200);
      expect(next.body.timestamp).toBe(now());
      expect(next.body.data[member]).toEqual(firsts[i]!.body.data[member]);
    }
  });
});
