import { auth, catalog, createInvoice, createPelanggan, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/** GET /api/reports/revenue and /api/reports/customers (document 002), beside 000's reports. */
describe('Revenue and customer reports (document 002)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startBillingApp({ BILLING_RATE_LIMIT_GENERAL: '0' });
    admin = await t.user('super_admin');
    await catalog(t, admin);
    await catalog(t, admin, 'ARTA');
    const a = await createPelanggan(t, admin);
    const b = await createPelanggan(t, admin, { id_brand: 'ARTA' });
    // Invoices dated on three days of two months.
    t.clock.set('2025-12-05T03:00:00.000Z');
    admin = { ...admin, token: (await t.login(admin.email, admin.password)).body.token };
    const dec = await createInvoice(t, admin, a.id, '2025-12');
    await t.http.patch(`/api/invoices/${dec.id}/status`).set(auth(admin)).send({ status_invoice: 'Lunas' });
    t.clock.set('2026-01-05T03:00:00.000Z');
    admin = { ...admin, token: (await t.login(admin.email, admin.password)).body.token };
    await createInvoice(t, admin, a.id, '2026-01');
    const arta = await createInvoice(t, admin, b.id, '2026-01', { items: [{ deskripsi: 'x', jumlah: 2, harga: 100_000 }] });
    await t.http.patch(`/api/invoices/${arta.id}/status`).set(auth(admin)).send({ status_invoice: 'Lunas', paid_amount: 50_000 });
    const voided = await createInvoice(t, admin, b.id, '2026-02');
    await t.http.patch(`/api/invoices/${voided.id}/status`).set(auth(admin)).send({ status_invoice: 'Dibatalkan' });
  });
  afterAll(async () => {
    await t.stop();
  });

  const revenue = async (q: string) => (await t.http.get(`/api/reports/revenue${q}`).set(auth(admin))).body;

  it('groups by month (default), brand and status within the dates, in integer rupiah', async () => {
    expect(await revenue('')).toEqual({
      start_date: null,
      end_date: null,
      group_by: 'month',
      total: 800_000,
      dibayar: 350_000,
      belum_dibayar: 450_000,
      data: [
        { key: '2025-12', jumlah_invoice: 1, total: 300_000, dibayar: 300_000, belum_dibayar: 0 },
        { key: '2026-01', jumlah_invoice: 2, total: 500_000, dibayar: 50_000, belum_dibayar: 450_000 },
      ],
    });
    expect((await revenue('?group_by=brand&start_date=2026-01-01&end_date=2026-01-31')).data).toEqual([
      { key: 'ARTA', jumlah_invoice: 1, total: 200_000, dibayar: 50_000, belum_dibayar: 150_000 },
      { key: 'JAKINET', jumlah_invoice: 1, total: 300_000, dibayar: 0, belum_dibayar: 300_000 },
    ]);
    const byStatus = await revenue('?group_by=status');
    expect(byStatus.data.map((g: { key: string; jumlah_invoice: number }) => [g.key, g.jumlah_invoice])).toEqual([
      ['Menunggu Pembayaran', 2],
      ['Lunas', 1],
      ['Dibatalkan', 1],
    ]);
    expect(byStatus.total).toBe(800_000);
    expect((await revenue('?start_date=2025-12-06&end_date=2026-01-04')).data).toEqual([]);
  });

  it('refuses bad parameters (422)', async () => {
    for (const q of ['?group_by=day', '?start_date=2026-02-30', '?start_date=2026-02-01&end_date=2026-01-01']) {
      const res = await t.http.get(`/api/reports/revenue${q}`).set(auth(admin));
      expect([q, res.status]).toEqual([q, 422]);
    }
  });

  it('counts customers by segment, status and brand within the filters', async () => {
    const all = (await t.http.get('/api/reports/customers').set(auth(admin))).body;
    expect(all).toEqual({
      filters: { segment: null, status: null, brand: null },
      total_pelanggan: 2,
      by_segment: { setia: 2, 'lunas-telat': 0, menunggak: 0 },
      by_status: { Aktif: 2, Suspended: 0, Berhenti: 0, Pending: 0 },
      by_brand: { ARTA: 1, JAKINET: 1 },
    });
    const arta = (await t.http.get('/api/reports/customers?brand=arta&segment=setia&status=Aktif').set(auth(admin))).body;
    expect(arta).toMatchObject({ filters: { segment: 'setia', status: 'Aktif', brand: 'ARTA' }, total_pelanggan: 1, by_brand: { ARTA: 1 } });
    expect((await t.http.get('/api/reports/customers?segment=gold').set(auth(admin))).status).toBe(422);
  });

  it('leaves document 000’s reports to document 000', async () => {
    const res = await t.http.get('/api/reports/dashboard').set(auth(admin));
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
  });
});
