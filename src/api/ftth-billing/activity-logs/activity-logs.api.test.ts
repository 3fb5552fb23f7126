import { auth, catalog, createInvoice, createPelanggan, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/** GET /api/activity-logs/: who did what to which record, when, from the event log; filters and paging. */
describe('Activity logs (document 002)', () => {
  let t: TestApp;
  let admin: TestUser;
  let cs: TestUser;
  beforeAll(async () => {
    t = await startBillingApp({ BILLING_RATE_LIMIT_GENERAL: '0' });
    admin = await t.user('super_admin');
    cs = await t.user('customer_service');
    await catalog(t, admin);
  });
  afterAll(async () => {
    await t.stop();
  });
  const logs = async (q = '') => (await t.http.get(`/api/activity-logs/${q}`).set(auth(admin))).body;

  it('shows who did what to which record, newest first, filtered by user, action, dates and pelanggan', async () => {
    t.clock.set('2026-02-01T03:00:00.000Z');
    admin = { ...admin, token: (await t.login(admin.email, admin.password)).body.token };
    cs = { ...cs, token: (await t.login(cs.email, cs.password)).body.token };
    const p = await createPelanggan(t, cs);
    t.clock.advance(60_000);
    const inv = await createInvoice(t, cs, p.id);
    t.clock.set('2026-02-03T03:00:00.000Z');
    admin = { ...admin, token: (await t.login(admin.email, admin.password)).body.token };
    await t.http.patch(`/api/invoices/${inv.id}/status`).set(auth(admin)).send({ status_invoice: 'Dibatalkan' });

    const all = await logs();
    expect(all).toMatchObject({ skip: 0, limit: 15 });
    expect(all.data[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      user_id: admin.number,
      user_role: 'super_admin',
      action: 'invoice_voided',
      record_type: 'invoice',
      record_id: String(inv.id),
      pelanggan_id: p.id,
      timestamp: '2026-02-03T03:00:00.000Z',
    });
    const byCs = await logs(`?user_id=${cs.number}&limit=100`);
    expect(byCs.data.map((e: { action: string }) => e.action)).toEqual(['invoice_issued', 'invoice_created', 'customer_registered', 'user_logged_in', 'user_logged_in']);
    expect((await logs('?action=customer_registered')).data.map((e: { pelanggan_id: number }) => e.pelanggan_id)).toEqual([p.id]);
    expect((await logs(`?action=invoice_created&user_id=${cs.number}`)).total_count).toBe(1);
    expect((await logs('?start_date=2026-02-02&end_date=2026-02-03')).data.map((e: { action: string }) => e.action)).toEqual(['invoice_voided', 'user_logged_in']);
    expect((await logs(`?pelanggan_id=${p.id}`)).total_count).toBe(4);
    expect((await logs('?limit=2&skip=1')).data).toHaveLength(2);
    for (const q of ['?start_date=2026-02-05&end_date=2026-02-01', '?user_id=abc', '?limit=101']) {
      expect((await t.http.get(`/api/activity-logs/${q}`).set(auth(admin))).status).toBe(422);
    }
  });

  it('is for admins only', async () => {
    cs = { ...cs, token: (await t.login(cs.email, cs.password)).body.token };
    expect((await t.http.get('/api/activity-logs/').set(auth(cs))).status).toBe(403);
  });
});
