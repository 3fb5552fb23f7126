import { auth, catalog, createInvoice, createPelanggan, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/** POST and GET /api/invoices/: per-brand numbers, integer totals, one per period, Idempotency-Key, filters. */
describe('Invoices: create, list, get (document 002)', () => {
  let t: TestApp;
  let admin: TestUser;
  let cs: TestUser;
  beforeAll(async () => {
    t = await startBillingApp();
    admin = await t.user('super_admin');
    cs = await t.user('customer_service');
    await catalog(t, admin);
    await catalog(t, admin, 'ARTA');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates an issued invoice numbered by its brand, with integer totals and a payment link', async () => {
    const p = await createPelanggan(t, cs);
    const res = await t.http
      .post('/api/invoices/')
      .set(auth(cs))
      .send({ pelanggan_id: p.id, periode: '2026-01', tanggal_jatuh_tempo: '2026-01-31', items: [{ deskripsi: 'Internet 50Mbps', jumlah: 1, harga: 300000 }, { deskripsi: 'Sewa ONT', jumlah: 2, harga: 12500 }] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      nomor_invoice: 'INV-JAKINET-2026-000001',
      pelanggan_id: p.id,
      pelanggan_nama: p.nama,
      id_brand: 'JAKINET',
      periode: '2026-01',
      tanggal_invoice: '2026-01-15',
      tanggal_jatuh_tempo: '2026-01-31',
      items: [
        { deskripsi: 'Internet 50Mbps', jumlah: 1, harga: 300000, subtotal: 300000 },
        { deskripsi: 'Sewa ONT', jumlah: 2, harga: 12500, subtotal: 25000 },
      ],
      total_harga: 325000,
      currency: 'IDR',
      status_invoice: 'Menunggu Pembayaran',
      paid_amount: 0,
      paid_at: null,
      payment_link: expect.stringMatching(/\/simulated-payments\/sim_/),
      xendit_external_id: 'INV-JAKINET-2026-000001',
      gateway: 'simulated',
      payment_link_error: null,
      langganan_id: null,
      created_at: t.clock.now().toISOString(),
      updated_at: t.clock.now().toISOString(),
      payments: [],
    });
    expect(res.headers.location).toBe(`/api/invoices/${res.body.id}`);
    // Each brand counts on its own.
    const arta = await createPelanggan(t, cs, { id_brand: 'ARTA' });
    expect((await createInvoice(t, cs, arta.id)).nomor_invoice).toBe('INV-ARTA-2026-000001');
    expect((await createInvoice(t, cs, p.id, '2026-02')).nomor_invoice).toBe('INV-JAKINET-2026-000002');
  });

  it('one invoice per pelanggan and periode (409), also under concurrent requests; a draft stays a draft', async () => {
    const p = await createPelanggan(t, cs);
    const attempts = await Promise.all(Array.from({ length: 5 }, () => t.http.post('/api/invoices/').set(auth(cs)).send({ pelanggan_id: p.id, periode: '2026-03', tanggal_jatuh_tempo: '2026-03-20', items: [{ deskripsi: 'x', jumlah: 1, harga: 1 }] })));
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(attempts.find((r) => r.status === 409)!.body).toMatchObject({ status: 'error', error_code: 'DUPLICATE_ENTRY' });
    expect((await t.http.get(`/api/invoices/?pelanggan_id=${p.id}&periode=2026-03`).set(auth(cs))).body.total_count).toBe(1);
    const draft = await createInvoice(t, cs, p.id, '2026-04', { status_invoice: 'Draft' });
    expect(draft).toMatchObject({ status_invoice: 'Draft', payment_link: null });
  });

  it('honours Idempotency-Key: the same key and body answer the first answer, appending nothing', async () => {
    const p = await createPelanggan(t, cs);
    const body = { pelanggan_id: p.id, periode: '2026-05', tanggal_jatuh_tempo: '2026-05-20', items: [{ deskripsi: 'x', jumlah: 1, harga: 100 }] };
    const first = await t.http.post('/api/invoices/').set(auth(cs)).set('Idempotency-Key', 'inv-key-1').send(body);
    const head = await t.eventStore.headPosition();
    const again = await t.http.post('/api/invoices/').set(auth(cs)).set('Idempotency-Key', 'inv-key-1').send(body);
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await t.eventStore.headPosition()).toBe(head);
    expect((await t.http.post('/api/invoices/').set(auth(cs)).set('Idempotency-Key', 'inv-key-1').send({ ...body, periode: '2026-06' })).status).toBe(422);
  });

  it('validates items, periode and references field by field', async () => {
    const p = await createPelanggan(t, cs);
    const bad = await t.http.post('/api/invoices/').set(auth(cs)).send({ pelanggan_id: p.id, periode: '2026-13', tanggal_jatuh_tempo: '2026-02-30', items: [{ deskripsi: '', jumlah: 0, harga: 1.5 }] });
    expect(bad.status).toBe(422);
    expect(bad.body.detail.errors.map((e: { field: string }) => e.field).sort()).toEqual(['items.0.deskripsi', 'items.0.harga', 'items.0.jumlah', 'periode', 'tanggal_jatuh_tempo']);
    expect((await t.http.post('/api/invoices/').set(auth(cs)).send({ pelanggan_id: p.id, periode: '2026-07', tanggal_jatuh_tempo: '2026-07-20', items: [] })).status).toBe(422);
    const noOne = await t.http.post('/api/invoices/').set(auth(cs)).send({ pelanggan_id: 99999, periode: '2026-07', tanggal_jatuh_tempo: '2026-07-20', items: [{ deskripsi: 'x', jumlah: 1, harga: 1 }] });
    expect(noOne.body.detail.errors).toEqual([{ field: 'pelanggan_id', message: 'The pelanggan id names no pelanggan.' }]);
  });

  it('lists newest first with pelanggan_id, status_invoice, periode, skip and limit; gets one; 404', async () => {
    const p = await createPelanggan(t, cs);
    const jan = await createInvoice(t, cs, p.id, '2025-01');
    const feb = await createInvoice(t, cs, p.id, '2025-02');
    await t.http.patch(`/api/invoices/${jan.id}/status`).set(auth(cs)).send({ status_invoice: 'Lunas' });
    const mine = await t.http.get(`/api/invoices/?pelanggan_id=${p.id}`).set(auth(cs));
    expect(mine.body).toMatchObject({ total_count: 2, skip: 0, limit: 15 });
    expect(mine.body.data.map((i: { id: number }) => i.id)).toEqual([feb.id, jan.id]);
    expect((await t.http.get(`/api/invoices/?pelanggan_id=${p.id}&status_invoice=Lunas`).set(auth(cs))).body.data.map((i: { id: number }) => i.id)).toEqual([jan.id]);
    expect((await t.http.get('/api/invoices/?periode=2025-02').set(auth(cs))).body.data.map((i: { id: number }) => i.id)).toEqual([feb.id]);
    expect((await t.http.get(`/api/invoices/?status_invoice=${encodeURIComponent('Menunggu Pembayaran')}&periode=2025-02`).set(auth(cs))).body.total_count).toBe(1);
    expect((await t.http.get('/api/invoices/?limit=1&skip=1').set(auth(cs))).body.data).toHaveLength(1);
    for (const q of ['status_invoice=Paid', 'periode=2025-1', 'limit=500']) expect((await t.http.get(`/api/invoices/?${q}`).set(auth(cs))).status).toBe(422);
    const one = await t.http.get(`/api/invoices/${jan.id}`).set(auth(cs));
    expect(one.body).toMatchObject({ id: jan.id, status_invoice: 'Lunas', payments: [{ amount: 300000, method: 'Manual', applied: true }] });
    expect((await t.http.get('/api/invoices/999999').set(auth(cs))).status).toBe(404);
  });
});
