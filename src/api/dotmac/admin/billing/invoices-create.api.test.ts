import { adminCustomer, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/**
 * Document 004 `POST /api/v1/billing/invoices`: line items with tax rates, taxed per line in
 * integer minor units rounded half up (USD here: two decimals), issued at once, Idempotency-Key.
 */
describe('POST /api/v1/billing/invoices (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let customerId: string;
  const create = (body: Record<string, unknown>, as: { token: string } = cs) => t.http.post('/api/v1/billing/invoices').set(auth(as)).send(body);

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC', BILLING_DEFAULT_BRAND: 'DOTMAC' });
    cs = await t.user('customer_service');
    customerId = await adminCustomer(t, cs);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates a pending invoice with taxed lines, subtotal, tax and total', async () => {
    const res = await create({
      customer_id: customerId,
      due_date: '2026-02-01',
      line_items: [
        { description: 'High-Speed Internet 100Mbps', quantity: 1, unit_price: 59.99, tax_rate: 0.08, service_period: '2026-01-01 to 2026-01-31' },
        { description: 'Static IP', quantity: 3, unit_price: 3.33, tax_rate: 0.0825 },
        { description: 'Installation', quantity: 1, unit_price: 99 },
      ],
      notes: 'Monthly service charge',
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('Invoice created successfully');
    expect(res.body.data.invoice).toEqual({
      id: expect.stringMatching(/^\d+$/),
      invoice_number: expect.stringMatching(/^INV-DOTMAC-2026-\d{6}$/),
      customer_id: customerId,
      status: 'pending',
      issue_date: '2026-01-15T00:00:00Z',
      due_date: '2026-02-01T00:00:00Z',
      paid_date: null,
      // 59.99 × 0.08 = 4.7992 → 4.80; 9.99 × 0.0825 = 0.824175 → 0.82; installation untaxed.
      subtotal: 168.98,
      tax: 5.62,
      total: 174.6,
      amount_paid: 0,
      amount_refunded: 0,
      amount_due: 174.6,
      currency: 'USD',
      notes: 'Monthly service charge',
      line_items: [
        { service_id: null, description: 'High-Speed Internet 100Mbps', service_period: '2026-01-01 to 2026-01-31', quantity: 1, unit_price: 59.99, tax_rate: 0.08, tax: 4.8, total: 59.99 },
        { service_id: null, description: 'Static IP', service_period: null, quantity: 3, unit_price: 3.33, tax_rate: 0.0825, tax: 0.82, total: 9.99 },
        { service_id: null, description: 'Installation', service_period: null, quantity: 1, unit_price: 99, tax_rate: null, tax: 0, total: 99 },
      ],
      sent_at: null,
      created_at: '2026-01-15T12:00:00Z',
    });
    // The same invoice in document 002's list.
    const admin = await t.user('super_admin');
    const list = await t.http.get('/api/invoices/').set(auth(admin));
    expect(list.body.data.map((i: { nomor_invoice: string }) => i.nomor_invoice)).toContain(res.body.data.invoice.invoice_number);
  });

  it('makes a retried creation with the same Idempotency-Key answer the same and create one invoice', async () => {
    const body = { customer_id: customerId, due_date: '2026-02-15', line_items: [{ description: 'Upgrade', quantity: 1, unit_price: 10 }] };
    const first = await t.http.post('/api/v1/billing/invoices').set(auth(cs)).set('Idempotency-Key', 'inv-retry-1').send(body);
    const again = await t.http.post('/api/v1/billing/invoices').set(auth(cs)).set('Idempotency-Key', 'inv-retry-1').send(body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body.data.invoice.id).toBe(first.body.data.invoice.id);
    const all = await t.http.get(`/api/v1/billing/invoices?customer_id=${customerId}&limit=100`).set(auth(cs));
    expect(all.body.data.invoices.filter((i: { due_date: string }) => i.due_date === '2026-02-15T00:00:00Z')).toHaveLength(1);
  });

  it('answers validation errors per field', async () => {
    const line = { description: 'x', quantity: 1, unit_price: 1 };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ customer_id: '7d0c3c53-0000-4000-8000-000000000000', due_date: '2026-02-01', line_items: [line] }, 'customer_id'],
      [{ customer_id: customerId, due_date: '2026-02-30', line_items: [line] }, 'due_date'],
      [{ customer_id: customerId, due_date: '2026-01-01', line_items: [line] }, 'due_date'],
      [{ customer_id: customerId, due_date: '2026-02-01', line_items: [] }, 'line_items'],
      [{ customer_id: customerId, due_date: '2026-02-01', line_items: [{ ...line, unit_price: 1.999 }] }, 'line_items.0.unit_price'],
      [{ customer_id: customerId, due_date: '2026-02-01', line_items: [{ ...line, tax_rate: 1.5 }] }, 'line_items.0.tax_rate'],
      [{ customer_id: customerId, due_date: '2026-02-01', line_items: [{ ...line, quantity: 0 }] }, 'line_items.0.quantity'],
      [{ customer_id: customerId, due_date: '2026-02-01', line_items: [{ ...line, service_id: '999' }] }, 'line_items.0.service_id'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect({ field, status: res.status, got: res.body.error?.details?.field }).toEqual({ field, status: 422, got: field });
    }
  });

  it('follows the role matrix', async () => {
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      const res = await create({ customer_id: customerId, due_date: '2026-03-01', line_items: [{ description: 'x', quantity: 1, unit_price: 1 }] }, u);
      expect({ role, status: res.status }).toEqual({ role, status: allows('invoices.create', role) ? 201 : 403 });
    }
  });
});
