import { auth, catalog, createInvoice, createPelanggan, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/**
 * Use case: a billing clerk keeps document 002's invoice and pelanggan lists open and reloads
 * them. Items shown before are not presented again while nothing they show changed
 * (json-text.ts): each reload must show an invoice's new status and its pelanggan's new name.
 */
describe('document 002 invoice and pelanggan lists reloaded after what their items show changed', () => {
  let t: TestApp;
  let cs: TestUser;
  beforeAll(async () => {
    t = await startBillingApp();
    await catalog(t, await t.user('super_admin'));
    cs = await t.user('customer_service');
  });
  afterAll(() => t.stop());

  const listed = async (path: string, id: number) => {
    let item: Record<string, unknown> | undefined;
    for (let reload = 0; reload < 2; reload++) {
      const res = await t.http.get(path).set(auth(cs));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toMatchObject({ skip: 0, limit: 15 });
      item = (res.body.data as Array<Record<string, unknown>>).find((x) => x.id === id);
    }
    return item;
  };

  it('shows the invoice’s new status and the pelanggan’s new name in both lists', async () => {
    const p = await createPelanggan(t, cs, { nama: 'Sari Reload' });
    const invoice = await createInvoice(t, cs, p.id);
    const invoiceItem = () => listed(`/api/invoices/?pelanggan_id=${p.id}`, invoice.id);
    const pelangganItem = () => listed(`/api/pelanggan/?search=Reload`, p.id);
    expect(await invoiceItem()).toMatchObject({ pelanggan_nama: 'Sari Reload', status_invoice: 'Menunggu Pembayaran' });
    expect(await pelangganItem()).toMatchObject({ nama: 'Sari Reload' });

    expect((await t.http.patch(`/api/pelanggan/${p.id}`).set(auth(cs)).send({ nama: 'Sari Reload Wijaya' })).status).toBe(200);
    expect(await invoiceItem()).toMatchObject({ pelanggan_nama: 'Sari Reload Wijaya', status_invoice: 'Menunggu Pembayaran' });
    expect(await pelangganItem()).toMatchObject({ nama: 'Sari Reload Wijaya' });

    expect((await t.http.patch(`/api/invoices/${invoice.id}/status`).set(auth(cs)).send({ status_invoice: 'Lunas' })).status).toBe(200);
    expect(await invoiceItem()).toMatchObject({ pelanggan_nama: 'Sari Reload Wijaya', status_invoice: 'Lunas' });
  });
});
