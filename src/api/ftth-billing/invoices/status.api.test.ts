import { auth, catalog, createInvoice, createPelanggan, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/** PATCH /api/invoices/{id}/status: the allowed transitions only; paying records paid_at and a payment. */
describe('Invoice status (document 002)', () => {
  let t: TestApp;
  let cs: TestUser;
  let pelangganId: number;
  let period = 0;
  beforeAll(async () => {
    t = await startBillingApp();
    const admin = await t.user('super_admin');
    cs = await t.user('customer_service');
    await catalog(t, admin);
    pelangganId = (await createPelanggan(t, cs)).id;
  });
  afterAll(async () => {
    await t.stop();
  });
  const fresh = (over: Record<string, unknown> = {}) => createInvoice(t, cs, pelangganId, `2024-${String(++period).padStart(2, '0')}`, over);
  const patch = (id: number, body: Record<string, unknown>) => t.http.patch(`/api/invoices/${id}/status`).set(auth(cs)).send(body);

  it('Draft → Menunggu Pembayaran gives it a payment link', async () => {
    const inv = await fresh({ status_invoice: 'Draft' });
    const res = await patch(inv.id, { status_invoice: 'Menunggu Pembayaran' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status_invoice: 'Menunggu Pembayaran', payment_link: expect.any(String) });
  });

  it('Lunas records the payment, paid_at and paid_amount (partial payments add up)', async () => {
    const inv = await fresh();
    const part = await patch(inv.id, { status_invoice: 'Lunas', paid_amount: 100000, paid_at: '2024-01-10T03:00:00Z', metode_pembayaran: 'Transfer BCA' });
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({ status_invoice: 'Menunggu Pembayaran', paid_amount: 100000, paid_at: null, payments: [{ amount: 100000, method: 'Transfer BCA' }] });
    const rest = await patch(inv.id, { status_invoice: 'Lunas', paid_at: '2024-01-11T03:00:00+07:00' });
    expect(rest.body).toMatchObject({ status_invoice: 'Lunas', paid_amount: 300000, paid_at: '2024-01-10T20:00:00.000Z' });
    expect(rest.body.payments).toHaveLength(2);
  });

  it('Jatuh Tempo only once past due; Dibatalkan frees the period; a paid invoice cannot be cancelled', async () => {
    const inv = await fresh({ tanggal_jatuh_tempo: '2027-12-31' });
    const early = await patch(inv.id, { status_invoice: 'Jatuh Tempo' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ status: 'error', error_code: 'INVALID_STATE_TRANSITION' });
    const past = await fresh();
    expect((await patch(past.id, { status_invoice: 'Jatuh Tempo' })).body.status_invoice).toBe('Jatuh Tempo');
    expect((await patch(past.id, { status_invoice: 'Lunas' })).body.status_invoice).toBe('Lunas');
    const refused = await patch(past.id, { status_invoice: 'Dibatalkan' });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toBe('An invoice that is paid cannot be cancelled');
    const cancelled = await patch(inv.id, { status_invoice: 'Dibatalkan', alasan: 'salah input' });
    expect(cancelled.body.status_invoice).toBe('Dibatalkan');
    expect((await patch(inv.id, { status_invoice: 'Lunas' })).status).toBe(422);
    // The period of a cancelled invoice may be invoiced again.
    const again = await t.http.post('/api/invoices/').set(auth(cs)).send({ pelanggan_id: pelangganId, periode: inv.periode, tanggal_jatuh_tempo: '2024-12-20', items: [{ deskripsi: 'x', jumlah: 1, harga: 1 }] });
    expect(again.status).toBe(201);
  });

  it('a payment retried with its Idempotency-Key is recorded once', async () => {
    const inv = await fresh();
    const pay = () => t.http.patch(`/api/invoices/${inv.id}/status`).set(auth(cs)).set('Idempotency-Key', `pay-${inv.id}`).send({ status_invoice: 'Lunas', paid_amount: 50000 });
    const [a, b] = [await pay(), await pay()];
    expect(b.headers['idempotency-replayed']).toBe('true');
    expect(b.body).toEqual(a.body);
    expect((await t.http.get(`/api/invoices/${inv.id}`).set(auth(cs))).body.payments).toHaveLength(1);
  });

  it('refuses unknown statuses and invoices', async () => {
    const inv = await fresh();
    expect((await patch(inv.id, { status_invoice: 'Draft' })).status).toBe(422);
    expect((await patch(inv.id, { status_invoice: 'Lunas', paid_amount: -1 })).status).toBe(422);
    expect((await patch(999999, { status_invoice: 'Lunas' })).status).toBe(404);
  });
});
