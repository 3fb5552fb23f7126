import { systemMeta } from '../../../../commands/context';
import { createInvoice as createInvoiceCommand } from '../../../../commands/billing/invoices';
import { createInvoice, xenditCallback } from '../../../../../test/support/billing';
import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../../test/support/test-app';

/**
 * Use case: a customer reads their invoices (document 004 GET /api/portal/v1/billing/invoices):
 * the invoices document 002 (and the admin API) made for them, in 004's words, with filters,
 * pagination and the summary.
 */
describe('portal invoices', () => {
  let t: TestApp;
  let admin: TestUser;
  let c: PortalCustomer;
  let other: PortalCustomer;
  const list = (query = '', who: PortalCustomer = c) => t.http.get(`/api/portal/v1/billing/invoices${query}`).set(bearer(who.token));

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    c = await portalCustomer(t, admin);
    other = await portalCustomer(t, admin);
    const meta = systemMeta(t.app.deps.commands.ids, 'test');
    // December (issued on the 1st), paid through the gateway; January (through document 002's API, issued today), owed.
    const december = await createInvoiceCommand(
      t.app.deps.commands,
      { customerId: c.customerId, brandId: null, period: '2025-12', issueDate: '2025-12-01', dueDate: '2025-12-20', items: [{ description: 'Internet 50Mbps', quantity: 1, unitPrice: 300_000 }], issue: true, subscriptionId: null },
      meta,
    );
    await t.app.runner.waitFor(december.position!, 5000);
    expect((await xenditCallback(t, { id: 'cb-dec', external_id: december.result.state.number, status: 'PAID', paid_amount: 300_000, paid_at: '2025-12-15T10:30:00Z' })).status).toBe(200);
    await createInvoice(t, admin, c.pelangganId, '2026-01', { tanggal_jatuh_tempo: '2026-01-20' });
    // A taxed invoice of document 004 (lines with a tax rate and a service period), and a draft.
    const taxed = await createInvoiceCommand(
      t.app.deps.commands,
      {
        customerId: c.customerId,
        brandId: null,
        period: '2026-01',
        issueDate: '2026-01-12',
        dueDate: '2026-02-01',
        items: [{ description: 'Static IP', quantity: 2, unitPrice: 25_000, taxRatePpm: 110_000, servicePeriod: '2026-01-01 to 2026-01-31' }],
        issue: true,
        subscriptionId: null,
        onePerPeriod: false,
        notes: 'Monthly add-on',
      },
      meta,
    );
    const draft = await createInvoiceCommand(
      t.app.deps.commands,
      { customerId: c.customerId, brandId: null, period: '2026-01', dueDate: '2026-02-10', items: [{ description: 'Draft', quantity: 1, unitPrice: 1 }], issue: false, subscriptionId: null, onePerPeriod: false },
      meta,
    );
    await t.app.runner.waitFor(Math.max(taxed.position ?? 0, draft.position ?? 0), 5000);
    await createInvoice(t, admin, other.pelangganId, '2026-01');
  });
  afterAll(() => t.stop());

  it('lists only the customer\'s invoices (no drafts), newest first, in 004 words, with the summary', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.data.total).toBe(3);
    expect(res.body.pagination).toEqual({ total: 3, limit: 20, offset: 0, has_more: false, next_offset: null, prev_offset: null });
    const [january, taxed, december] = res.body.data.invoices;
    expect(taxed).toMatchObject({
      status: 'pending',
      issue_date: '2026-01-12T00:00:00Z',
      due_date: '2026-02-01T00:00:00Z',
      paid_date: null,
      subtotal: 50_000,
      tax: 5_500,
      total: 55_500,
      amount_paid: 0,
      amount_due: 55_500,
      currency: 'IDR',
      line_items: [{ description: 'Static IP', service_period: '2026-01-01 to 2026-01-31', quantity: 2, unit_price: 25_000, tax_rate: 0.11, tax: 5_500, total: 50_000 }],
    });
    expect(january).toMatchObject({ status: 'pending', total: 300_000, tax: 0, line_items: [{ service_period: '2026-01-01 to 2026-01-31', total: 300_000 }] });
    expect(january.invoice_number).toMatch(/^INV-/);
    expect(december).toMatchObject({ status: 'paid', paid_date: '2025-12-15T10:30:00Z', amount_paid: 300_000, amount_due: 0 });
    expect(res.body.data.summary).toEqual({ total_outstanding: 355_500, next_due_date: '2026-01-20T00:00:00Z', average_monthly: 327_750, currency: 'IDR' });
  });

  it('filters by status and issue dates, and pages with limit and offset', async () => {
    expect((await list('?status=paid')).body.data.invoices.map((i: { status: string }) => i.status)).toEqual(['paid']);
    expect((await list('?status=pending')).body.data.total).toBe(2);
    expect((await list('?status=cancelled')).body.data.total).toBe(0);
    expect((await list('?start_date=2026-01-01')).body.data.total).toBe(2);
    expect((await list('?end_date=2025-12-31T23:59:59Z')).body.data.total).toBe(1);
    const page = await list('?limit=1&offset=1');
    expect(page.body.data.invoices).toHaveLength(1);
    expect(page.body.pagination).toEqual({ total: 3, limit: 1, offset: 1, has_more: true, next_offset: 2, prev_offset: 0 });
    for (const q of ['?status=unpaid', '?limit=0', '?limit=101', '?offset=-1', '?start_date=2026-02-01&end_date=2026-01-01', '?start_date=tomorrow']) {
      const res = await list(q);
      expect({ q, status: res.status }).toEqual({ q, status: 422 });
    }
  });

  it('shows the other customer only their own', async () => {
    const res = await list('', other);
    expect(res.body.data.total).toBe(1);
    expect(res.body.data.summary.total_outstanding).toBe(300_000);
  });
});
