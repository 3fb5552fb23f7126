import { auth, CALLBACK_TOKEN, createPelanggan, startBillingApp, xenditCallback } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';
import { startXenditStandIn, type XenditStandIn } from '../../../../test/support/xendit-stand-in';

/**
 * Invoices paid through Xendit: the link comes from Xendit (a local stand-in of its invoice API),
 * the payment from POST /api/invoices/xendit-callback: token checked, invoice found by
 * external_id, callbacks applied once per id, PAID pays, EXPIRED makes it Jatuh Tempo.
 */
describe('Xendit invoices and callback (document 002)', () => {
  let t: TestApp;
  let standIn: XenditStandIn;
  let cs: TestUser;
  let pelangganId: number;

  beforeAll(async () => {
    standIn = await startXenditStandIn(['xnd_brand_key', 'xnd_default_key']);
    t = await startBillingApp({ PAYMENT_GATEWAY: 'xendit', XENDIT_API_URL: standIn.url, XENDIT_API_KEY: 'xnd_default_key' });
    const admin = await t.user('super_admin');
    cs = await t.user('customer_service');
    const brand = await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'JAKINET', nama_brand: 'Jakinet', payment_gateway: { provider: 'xendit', api_key: 'xnd_brand_key' } });
    expect(brand.status).toBe(201);
    pelangganId = (await createPelanggan(t, cs, { email: 'bayar@example.com', nama: 'Bayar Lancar' })).id;
  });
  afterAll(async () => {
    await t.stop();
    await standIn.stop();
  });

  let period = 0;
  const invoice = async () => {
    const res = await t.http
      .post('/api/invoices/')
      .set(auth(cs))
      .send({ pelanggan_id: pelangganId, periode: `2025-${String(++period).padStart(2, '0')}`, tanggal_jatuh_tempo: '2026-01-31', items: [{ deskripsi: 'Internet', jumlah: 1, harga: 300000 }] });
    expect(res.status).toBe(201);
    return res.body as { id: number; nomor_invoice: string; xendit_external_id: string; payment_link: string };
  };
  const paid = (externalId: string, id: string, over: Record<string, unknown> = {}) => ({
    id,
    external_id: externalId,
    user_id: 'standin-user',
    is_high: false,
    payment_method: 'BANK_TRANSFER',
    status: 'PAID',
    merchant_name: 'Jakinet',
    amount: 300000,
    paid_amount: 300000,
    bank_code: 'BCA',
    paid_at: '2026-01-16T02:30:00.000Z',
    payer_email: 'bayar@example.com',
    currency: 'IDR',
    payment_channel: 'BCA',
    ...over,
  });

  it('gets the payment link from Xendit with the brand’s key', async () => {
    const inv = await invoice();
    expect(inv.payment_link).toMatch(/^https:\/\/checkout-staging\.xendit\.co\/web\//);
    const req = standIn.requests.at(-1)!;
    expect(req.authorization).toBe(`Basic ${Buffer.from('xnd_brand_key:').toString('base64')}`);
    expect(req.body).toMatchObject({ external_id: inv.xendit_external_id, amount: 300000, currency: 'IDR', payer_email: 'bayar@example.com' });
    expect(inv.xendit_external_id).toBe(inv.nomor_invoice);
  });

  it('PAID pays the invoice with paid_amount and paid_at; the same callback again changes nothing', async () => {
    const inv = await invoice();
    const first = await xenditCallback(t, paid(inv.xendit_external_id, 'cb-paid-1'));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ detail: 'Callback processed', invoice_id: inv.id, status_invoice: 'Lunas', duplicate: false, outcome: 'applied' });
    const head = await t.eventStore.headPosition();
    const again = await xenditCallback(t, paid(inv.xendit_external_id, 'cb-paid-1'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, status_invoice: 'Lunas', outcome: 'applied' });
    expect(await t.eventStore.headPosition()).toBe(head);
    // Delivered twice at once: still one payment.
    const inv2 = await invoice();
    const both = await Promise.all([xenditCallback(t, paid(inv2.xendit_external_id, 'cb-paid-2')), xenditCallback(t, paid(inv2.xendit_external_id, 'cb-paid-2'))]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.body.duplicate).sort()).toEqual([false, true]);
    for (const id of [inv.id, inv2.id]) {
      const got = (await t.http.get(`/api/invoices/${id}`).set(auth(cs))).body;
      expect(got).toMatchObject({ status_invoice: 'Lunas', paid_amount: 300000, paid_at: '2026-01-16T02:30:00.000Z' });
      expect(got.payments).toEqual([{ id: expect.any(Number), amount: 300000, method: 'gateway', gateway: 'xendit', payment_channel: 'BCA', paid_at: '2026-01-16T02:30:00.000Z', applied: true }]);
    }
  });

  it('EXPIRED makes an unpaid invoice Jatuh Tempo; a PAID after that still pays it', async () => {
    const inv = await invoice();
    const expired = await xenditCallback(t, { id: 'cb-exp-1', external_id: inv.xendit_external_id, status: 'EXPIRED', amount: 300000 });
    expect(expired.body).toMatchObject({ status_invoice: 'Jatuh Tempo', outcome: 'expired', duplicate: false });
    expect((await xenditCallback(t, paid(inv.xendit_external_id, 'cb-late'))).body.status_invoice).toBe('Lunas');
  });

  it('a second PAID for a paid invoice is recorded as an unapplied payment (money to give back)', async () => {
    const inv = await invoice();
    await xenditCallback(t, paid(inv.xendit_external_id, 'cb-twice-a'));
    const second = await xenditCallback(t, paid(inv.xendit_external_id, 'cb-twice-b'));
    expect(second.body).toMatchObject({ outcome: 'not_applied', duplicate: false, status_invoice: 'Lunas' });
    const got = (await t.http.get(`/api/invoices/${inv.id}`).set(auth(cs))).body;
    expect(got.paid_amount).toBe(300000);
    expect(got.payments.map((p: { applied: boolean }) => p.applied)).toEqual([true, false]);
  });

  it('401 without the right x-callback-token (nothing applied), 404 for an unknown external_id', async () => {
    const inv = await invoice();
    for (const token of ['wrong-token', '', `${CALLBACK_TOKEN}x`]) {
      const res = await xenditCallback(t, paid(inv.xendit_external_id, 'cb-forged'), token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Invalid callback token', status: 'error', error_code: 'UNAUTHORIZED' });
    }
    expect((await t.http.post('/api/invoices/xendit-callback').send(paid(inv.xendit_external_id, 'cb-forged'))).status).toBe(401);
    expect((await t.http.get(`/api/invoices/${inv.id}`).set(auth(cs))).body.status_invoice).toBe('Menunggu Pembayaran');
    const unknown = await xenditCallback(t, paid('INV-NOPE-1', 'cb-x'));
    expect(unknown.status).toBe(404);
    expect((await xenditCallback(t, { external_id: inv.xendit_external_id })).status).toBe(422);
  });

  it('an invoice whose link Xendit refused stays payable, saying why', async () => {
    standIn.failWith = 500;
    try {
      const inv = await invoice();
      expect(inv).toMatchObject({ payment_link: null, status_invoice: 'Menunggu Pembayaran', payment_link_error: 'Xendit answered 500 SERVER_ERROR' });
      expect((await xenditCallback(t, paid(inv.xendit_external_id, 'cb-nolink'))).body.status_invoice).toBe('Lunas');
    } finally {
      standIn.failWith = null;
    }
  });
});

describe('Xendit callback without XENDIT_CALLBACK_TOKEN configured', () => {
  it('refuses every callback (401)', async () => {
    const t = await startBillingApp({ XENDIT_CALLBACK_TOKEN: '' });
    try {
      const res = await xenditCallback(t, { id: 'x', external_id: 'y', status: 'PAID' }, '');
      expect(res.status).toBe(401);
    } finally {
      await t.stop();
    }
  });
});
