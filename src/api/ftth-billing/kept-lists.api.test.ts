import { auth, catalog, createInvoice, createPelanggan, startBillingApp } from '../../../test/support/billing';
import { countReads, expectSentAgain, headersBesidesRequest } from '../../../test/support/kept-answers';
import type { TestApp, TestUser } from '../../../test/support/test-app';
import { BILLING_PELANGGAN } from '../../projections/billing-customers/projector';
import { BILLING_INVOICES } from '../../projections/billing-invoices/projector';

/**
 * Use case: the billing screens poll the pelanggan and invoice lists (the cashier's desk, the
 * office wall). A list answered before is sent again as it was while nothing it read has changed
 * (src/api/http/kept-answers.ts), for the same caller only, and made again after any change. The
 * route's guard (token, rate limit, role) still runs on every request.
 */
describe('billing lists polled again (document 002)', () => {
  let t: TestApp;
  let cs: TestUser;
  let supervisor: TestUser;
  let technician: TestUser;
  let pelanggan: { id: number; nama: string };
  let invoiceId: number;

  beforeAll(async () => {
    t = await startBillingApp();
    const admin = await t.user('super_admin');
    cs = await t.user('customer_service');
    technician = await t.user('technician');
    // A second caller signed in through document 002's own login.
    const sv = await t.user('supervisor');
    const login = await t.http.post('/api/users/token').type('form').send({ username: sv.email, password: sv.password, grant_type: 'password' });
    expect(login.status).toBe(200);
    supervisor = { ...sv, token: login.body.access_token as string };
    await catalog(t, admin);
    pelanggan = await createPelanggan(t, cs, { nama: 'Sari Kept' });
    invoiceId = (await createInvoice(t, cs, pelanggan.id, '2026-01')).id;
  });
  afterAll(() => t.stop());

  const readsOf = (...names: string[]) => countReads(t.app.deps.readStore, ...names);
  /** The headers but those each request gets anew, the rate limit left among them (counted each time). */
  const headersOf = (res: { headers: Record<string, string> }) => headersBesidesRequest(res, ['x-ratelimit-remaining']);
  const remainingOf = (res: { headers: Record<string, string> }) => Number(res.headers['x-ratelimit-remaining']);

  describe('GET /api/pelanggan/', () => {
    const pelangganReads = () => readsOf(BILLING_PELANGGAN);
    const namaIn = (res: { body: { data: Array<{ id: number; nama: string }> } }) => res.body.data.find((p) => p.id === pelanggan.id)?.nama;

    it.each(['/api/pelanggan/?skip=0&limit=20', '/api/pelanggan/?search=sari&fields=id,nama,status'])(
      '%s is sent again with the same bytes and headers, without reading the pelanggan, while nothing changed',
      async (path) => {
        const { first, third: again } = await expectSentAgain(() => t.http.get(path).set(auth(cs)), pelangganReads, headersOf);
        expect(namaIn(first)).toBe('Sari Kept');
        // The rate limit still counts the requests answered again.
        expect(remainingOf(again)).toBe(remainingOf(first) - 2);
      },
    );

    it('is made again after a pelanggan’s nama is changed', async () => {
      const path = '/api/pelanggan/?limit=50';
      expect(namaIn(await t.http.get(path).set(auth(cs)))).toBe('Sari Kept');
      const patched = await t.http.patch(`/api/pelanggan/${pelanggan.id}`).set(auth(cs)).send({ nama: 'Sari Renamed' });
      expect(patched.status).toBe(200);
      const reads = pelangganReads();
      const after = await t.http.get(path).set(auth(cs));
      expect(reads()).toBeGreaterThan(0);
      expect(namaIn(after)).toBe('Sari Renamed');
      // Back again, for the tests after this one.
      expect((await t.http.patch(`/api/pelanggan/${pelanggan.id}`).set(auth(cs)).send({ nama: 'Sari Kept' })).status).toBe(200);
      expect(namaIn(await t.http.get(path).set(auth(cs)))).toBe('Sari Kept');
    });

    it('is not shared between callers: each user’s answer is made for them, and both see a change', async () => {
      const path = '/api/pelanggan/?limit=30';
      const mine = await t.http.get(path).set(auth(cs));
      expect(namaIn(mine)).toBe('Sari Kept');
      expect((await t.http.get(path).set(auth(cs))).text).toBe(mine.text);
      // The customer service agent's answer is kept; the supervisor's first requests make their own.
      let reads = pelangganReads();
      const theirs = await t.http.get(path).set(auth(supervisor));
      expect(reads()).toBeGreaterThan(0);
      expect(theirs.status).toBe(200);
      expect(theirs.text).toBe(mine.text);
      expect((await t.http.get(path).set(auth(supervisor))).text).toBe(mine.text);
      // Both are kept now, each for its caller.
      reads = pelangganReads();
      expect((await t.http.get(path).set(auth(cs))).text).toBe(mine.text);
      expect((await t.http.get(path).set(auth(supervisor))).text).toBe(mine.text);
      expect(reads()).toBe(0);
      // A new pelanggan: both answers are made again, and show it.
      const added = await createPelanggan(t, cs, { nama: 'Budi Baru' });
      for (const who of [cs, supervisor]) {
        const res = await t.http.get(path).set(auth(who));
        expect(res.body.data[0]).toMatchObject({ id: added.id, nama: 'Budi Baru' });
        expect(res.body.total_count).toBe(mine.body.total_count + 1);
      }
    });
  });

  describe('GET /api/invoices/', () => {
    // The list reads the invoices, and the pelanggan for their names.
    const invoiceReads = () => readsOf(BILLING_INVOICES, BILLING_PELANGGAN);
    const mineIn = (res: { body: { data: Array<{ id: number; status_invoice: string; pelanggan_nama: string | null }> } }) => res.body.data.find((i) => i.id === invoiceId);

    it('is sent again with the same bytes and headers, without reading the invoices, while nothing changed', async () => {
      const path = `/api/invoices/?pelanggan_id=${pelanggan.id}&skip=0&limit=20`;
      const { first, third: again } = await expectSentAgain(() => t.http.get(path).set(auth(cs)), invoiceReads, headersOf);
      expect(mineIn(first)).toMatchObject({ status_invoice: 'Menunggu Pembayaran', pelanggan_nama: 'Sari Kept' });
      expect(remainingOf(again)).toBe(remainingOf(first) - 2);
    });

    it('is made again after the invoice’s status changes, and after its pelanggan is renamed', async () => {
      const all = '/api/invoices/?limit=50';
      const unpaid = '/api/invoices/?status_invoice=Menunggu%20Pembayaran&limit=50';
      expect(mineIn(await t.http.get(all).set(auth(cs)))?.status_invoice).toBe('Menunggu Pembayaran');
      expect(mineIn(await t.http.get(unpaid).set(auth(cs)))).toBeDefined();
      const paid = await t.http.patch(`/api/invoices/${invoiceId}/status`).set(auth(cs)).send({ status_invoice: 'Lunas', paid_at: '2026-01-12T03:00:00Z' });
      expect(paid.status).toBe(200);
      const reads = invoiceReads();
      expect(mineIn(await t.http.get(all).set(auth(cs)))?.status_invoice).toBe('Lunas');
      expect(reads()).toBeGreaterThan(0);
      expect(mineIn(await t.http.get(unpaid).set(auth(cs)))).toBeUndefined();
      // The item shows its pelanggan's name: a change of the pelanggan alone is a change of the list.
      expect((await t.http.patch(`/api/pelanggan/${pelanggan.id}`).set(auth(cs)).send({ nama: 'Sari Paid' })).status).toBe(200);
      expect(mineIn(await t.http.get(all).set(auth(cs)))?.pelanggan_nama).toBe('Sari Paid');
    });

    it('is not shared between callers, and a role refused the list is refused even while answers are kept', async () => {
      const path = '/api/invoices/?limit=25';
      const mine = await t.http.get(path).set(auth(cs));
      expect(mine.status).toBe(200);
      let reads = invoiceReads();
      const theirs = await t.http.get(path).set(auth(supervisor));
      expect(reads()).toBeGreaterThan(0);
      expect(theirs.text).toBe(mine.text);
      // A technician may not see invoices: the guard runs before any kept answer.
      expect((await t.http.get(path).set(auth(technician))).status).toBe(403);
      expect((await t.http.get(path).set(auth(technician))).status).toBe(403);
      // A new invoice: both callers' answers are made again, and show it.
      const created = await createInvoice(t, cs, pelanggan.id, '2026-02');
      for (const who of [cs, supervisor]) {
        reads = invoiceReads();
        const res = await t.http.get(path).set(auth(who));
        expect(reads()).toBeGreaterThan(0);
        expect(res.body.data[0]).toMatchObject({ id: created.id, periode: '2026-02', status_invoice: 'Menunggu Pembayaran' });
        expect(res.body.total_count).toBe(mine.body.total_count + 1);
      }
    });

    it('keeps no answer that was refused', async () => {
      const bad = '/api/invoices/?limit=1000';
      const first = await t.http.get(bad).set(auth(cs));
      expect(first.status).toBe(422);
      const again = await t.http.get(bad).set(auth(cs));
      expect(again.status).toBe(422);
      expect(again.body).toEqual(first.body);
    });
  });
});
