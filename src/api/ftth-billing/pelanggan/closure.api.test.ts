import { auth, catalog, createInvoice, createPelanggan, startBillingApp, subscribe } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';
import type { ReadStore } from '../../../ports/read-store';

/** Everything the read store holds, as text (to look for what must be gone). */
async function everything(store: ReadStore): Promise<string> {
  const parts: string[] = [];
  for (const name of await store.listCollections()) parts.push(JSON.stringify(await store.collection(name).find({})));
  return parts.join('\n');
}

/**
 * DELETE /api/pelanggan/{id}: a recorded closure. The customer leaves every list and read (000's
 * too), its personal fields leave every read model and export, its history stays for auditors.
 */
describe('Closing a pelanggan (document 002 DELETE)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeEach(async () => {
    t = await startBillingApp();
    admin = await t.user('super_admin');
  });
  afterEach(async () => {
    await t.stop();
  });

  it('erases the personal fields from every read model and export, keeps invoices and the history', async () => {
    const { paketId } = await catalog(t, admin);
    const personal = { nama: 'Rahasia Sekali', email: 'rahasia.sekali@example.com', no_telp: '081999888777', no_ktp: '3171999988887777', alamat: 'Jl. Tersembunyi 77' };
    const p = await createPelanggan(t, admin, personal);
    const keep = await createPelanggan(t, admin);
    const subscriptionId = await subscribe(t, admin, p.id, paketId);
    const invoice = await createInvoice(t, admin, p.id);
    const before = await everything(t.app.deps.readStore);
    for (const v of Object.values(personal)) expect(before).toContain(v);

    const res = await t.http.delete(`/api/pelanggan/${p.id}`).set(auth(admin));
    expect(res.status).toBe(204);

    const after = await everything(t.app.deps.readStore);
    for (const v of Object.values(personal)) expect([v, after.includes(v)]).toEqual([v, false]);
    const csv = await t.http.get('/api/pelanggan/export/csv').set(auth(admin));
    expect(csv.status).toBe(200);
    for (const v of Object.values(personal)) expect(csv.text).not.toContain(v);
    expect(csv.text).toContain(String(keep.nama));

    // Gone from every list and read, of both documents.
    expect((await t.http.get(`/api/pelanggan/${p.id}`).set(auth(admin))).status).toBe(404);
    expect((await t.http.get('/api/pelanggan/').set(auth(admin))).body.data.map((x: { id: number }) => x.id)).toEqual([keep.id]);
    const uuid = (await t.eventStore.readAll({ eventTypes: ['CustomerClosed'] }))[0]!.data.customerId as string;
    expect((await t.http.get(`/api/customers/${uuid}`).set(auth(admin))).status).toBe(404);
    expect((await t.http.get('/api/customers').set(auth(admin))).body.data.customers.map((c: { id: string }) => c.id)).not.toContain(uuid);
    expect((await t.http.delete(`/api/pelanggan/${p.id}`).set(auth(admin))).status).toBe(404);

    // The subscription ended; the invoice stays, without the name.
    expect((await t.http.get(`/api/langganan/${subscriptionId}`).set(auth(admin))).body.status).toBe('Berhenti');
    expect((await t.http.get(`/api/invoices/${invoice.id}`).set(auth(admin))).body).toMatchObject({ id: invoice.id, pelanggan_id: p.id, pelanggan_nama: null });

    // An auditor still sees that the customer existed, and what it was billed.
    const history = await t.http.get(`/api/activity-logs/pelanggan/${p.id}`).set(auth(admin));
    expect(history.status).toBe(200);
    expect(history.body.closed).toBe(true);
    const types = history.body.data.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('CustomerRegistered');
    expect(types).toEqual(expect.arrayContaining(['SubscriptionCreated', 'InvoiceCreated', 'SubscriptionTerminated', 'CustomerClosed']));
    expect(JSON.stringify(history.body)).not.toContain(personal.nama);
    // And the raw stream, with its hash chain, for those who may read it.
    const stream = await t.http.get(`/ops/streams/customer-${uuid}`).set(auth(admin));
    expect(stream.status).toBe(200);
    expect(JSON.stringify(stream.body)).toContain('CustomerClosed');
  });

  it('frees the no_ktp and email for a new customer, and needs an admin role', async () => {
    await catalog(t, admin);
    const cs = await t.user('customer_service');
    const p = await createPelanggan(t, admin, { no_ktp: '3171000011112222', email: 'kembali@example.com' });
    expect((await t.http.delete(`/api/pelanggan/${p.id}`).set(auth(cs))).status).toBe(403);
    expect((await t.http.delete(`/api/pelanggan/${p.id}`).set(auth(admin))).status).toBe(204);
    const again = await createPelanggan(t, admin, { no_ktp: '3171000011112222', email: 'kembali@example.com' });
    expect(again.id).not.toBe(p.id);
  });

  it('closes a customer registered through document 000 with a login: the account is closed and erased too', async () => {
    await catalog(t, admin);
    const created = await t.http
      .post('/api/customers')
      .set(auth(admin))
      .send({ full_name: 'Budi Login', phone: '081234500000', email: 'budi.login@example.com', address: 'Jl. Satu', coordinates: { lat: -6.2, lng: 106.8 }, service_area: 'Depok', brand: 'JAKINET' });
    expect(created.status).toBe(201);
    const { number, user_id: userId } = created.body.data.customer;
    expect((await t.http.delete(`/api/pelanggan/${number}`).set(auth(admin))).status).toBe(204);
    const user = await t.http.get(`/api/users/${userId}`).set(auth(admin));
    expect(user.body.data.user).toMatchObject({ is_active: false });
    expect(JSON.stringify(user.body)).not.toContain('budi.login@example.com');
    expect(JSON.stringify(user.body)).not.toContain('Budi Login');
    expect((await t.login('budi.login@example.com', 'anything')).status).toBe(401);
  });
});
