import { auth, catalog, createInvoice, createPelanggan, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';
import { runOverdueMarking } from '../../../jobs/billing';

/**
 * GET /api/dashboard/ and /api/dashboard/loyalitas-users-by-segment, from projections: the
 * segments follow payment history (menunggak: something overdue now; lunas-telat: paid late;
 * setia: everyone else).
 */
describe('Dashboard and loyalty segments (document 002)', () => {
  let t: TestApp;
  let admin: TestUser;
  let setia: { id: number };
  let telat: { id: number };
  let nunggak: { id: number };

  beforeAll(async () => {
    t = await startBillingApp({ BILLING_RATE_LIMIT_GENERAL: '0' });
    admin = await t.user('super_admin');
    await catalog(t, admin);
    await catalog(t, admin, 'ARTA');
    setia = await createPelanggan(t, admin);
    telat = await createPelanggan(t, admin);
    nunggak = await createPelanggan(t, admin, { id_brand: 'ARTA' });
    const pay = (id: number, paidAt: string) => t.http.patch(`/api/invoices/${id}/status`).set(auth(admin)).send({ status_invoice: 'Lunas', paid_at: paidAt });
    // setia: paid before the due date (the 20th).
    await pay((await createInvoice(t, admin, setia.id, '2026-01')).id, '2026-01-10T03:00:00Z');
    // lunas-telat: overdue, then paid late; nothing outstanding now.
    const late = await createInvoice(t, admin, telat.id, '2025-12');
    await pay(late.id, '2025-12-28T03:00:00Z');
    await createInvoice(t, admin, telat.id, '2026-01', { tanggal_jatuh_tempo: '2026-01-31' });
    // menunggak: an invoice past due and unpaid, marked by the daily job.
    await createInvoice(t, admin, nunggak.id, '2025-12');
    const marked = await runOverdueMarking({ commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger }, t.clock.now());
    await t.app.runner.waitFor(marked.position!, 5000);
  });
  afterAll(async () => {
    await t.stop();
  });

  const segment = async (segmen?: string) => (await t.http.get(`/api/dashboard/loyalitas-users-by-segment${segmen ? `?segmen=${segmen}` : ''}`).set(auth(admin))).body;

  it('puts each pelanggan in its segment, with the counts of all three', async () => {
    expect((await segment('setia')).data.map((p: { id: number }) => p.id)).toEqual([setia.id]);
    expect((await segment('lunas-telat')).data).toEqual([expect.objectContaining({ id: telat.id, segmen: 'lunas-telat', pembayaran_telat: 1, invoice_jatuh_tempo: 0 })]);
    const m = await segment('menunggak');
    expect(m).toMatchObject({ segmen: 'menunggak', counts: { setia: 1, 'lunas-telat': 1, menunggak: 1 }, total_count: 1, skip: 0, limit: 15 });
    expect(m.data[0]).toMatchObject({ id: nunggak.id, invoice_jatuh_tempo: 1 });
    expect((await segment()).total_count).toBe(3);
    expect((await t.http.get('/api/dashboard/loyalitas-users-by-segment?segmen=vip').set(auth(admin))).status).toBe(422);
  });

  it('moves a pelanggan out of menunggak when it pays (into lunas-telat)', async () => {
    const [inv] = (await t.http.get(`/api/invoices/?pelanggan_id=${nunggak.id}`).set(auth(admin))).body.data;
    await t.http.patch(`/api/invoices/${inv.id}/status`).set(auth(admin)).send({ status_invoice: 'Lunas' });
    expect((await segment('menunggak')).total_count).toBe(0);
    expect((await segment('lunas-telat')).data.map((p: { id: number }) => p.id).sort()).toEqual([telat.id, nunggak.id].sort());
  });

  it('answers stat cards, the period’s revenue by brand and the charts', async () => {
    const res = await t.http.get('/api/dashboard/').set(auth(admin));
    expect(res.status).toBe(200);
    expect(res.body.stat_cards).toEqual([
      { title: 'Total Pelanggan', value: 3, icon: 'users', color: 'primary' },
      { title: 'Pelanggan Aktif', value: 3, icon: 'user-check', color: 'success' },
      { title: 'Pelanggan Suspended', value: 0, icon: 'user-x', color: 'warning' },
      { title: 'Invoice Belum Lunas', value: 1, icon: 'file-text', color: 'info' },
      { title: 'Invoice Jatuh Tempo', value: 0, icon: 'alert-circle', color: 'danger' },
    ]);
    // Every invoice was dated today (2026-01-15): the period's revenue is all four.
    expect(res.body.revenue_summary).toEqual({
      total: 1_200_000,
      dibayar: 900_000,
      periode: 'Januari 2026',
      breakdown: [
        { id_brand: 'ARTA', total: 300_000, dibayar: 300_000, jumlah_invoice: 1 },
        { id_brand: 'JAKINET', total: 900_000, dibayar: 600_000, jumlah_invoice: 3 },
      ],
    });
    const [revenue, status] = res.body.charts;
    expect(revenue).toMatchObject({ id: 'revenue_6_months', labels: ['Agustus 2025', 'September 2025', 'Oktober 2025', 'November 2025', 'Desember 2025', 'Januari 2026'] });
    expect(revenue.series[0].data).toEqual([0, 0, 0, 0, 0, 1_200_000]);
    expect(revenue.series[1].data).toEqual([0, 0, 0, 0, 0, 900_000]);
    expect(status).toMatchObject({ labels: ['Draft', 'Menunggu Pembayaran', 'Lunas', 'Jatuh Tempo', 'Dibatalkan', 'Dikembalikan'], series: [{ data: [0, 1, 3, 0, 0, 0] }] });
  });
});
