import { auth, catalog, createPelanggan, startBillingApp, subscribe } from '../../../test/support/billing';
import type { TestApp, TestUser } from '../../../test/support/test-app';

/**
 * One domain: a pelanggan (document 002) is the customer of document 000 and the other way
 * round; a suspension in billing shows on the customer's tickets (`customer.service_status`).
 */
describe('Pelanggan and customer are one (documents 002 and 000)', () => {
  let t: TestApp;
  let admin: TestUser;
  let paketId: number;
  beforeAll(async () => {
    t = await startBillingApp();
    admin = await t.user('super_admin');
    ({ paketId } = await catalog(t, admin));
  });
  afterAll(async () => {
    await t.stop();
  });

  const customersByNumber = async (n: number) => {
    const list = await t.http.get('/api/customers?limit=100').set(auth(admin));
    return (list.body.data.customers as Array<{ id: string; number: number }>).find((c) => c.number === n)!;
  };

  it('a pelanggan created here is the customer document 000 shows, with the mapped fields', async () => {
    const p = await createPelanggan(t, admin, { nama: 'Dewi Lestari', no_ktp: '3171555566667777', email: 'dewi@example.com', no_telp: '081311112222', alamat: 'Jl. Cempaka 9', alamat_2: 'RT 02/RW 05', blok: 'C', unit: '9A' });
    const { id } = await customersByNumber(p.id);
    const res = await t.http.get(`/api/customers/${id}`).set(auth(admin));
    expect(res.status).toBe(200);
    expect(res.body.data.customer).toMatchObject({
      id,
      number: p.id,
      full_name: 'Dewi Lestari',
      nik: '3171555566667777',
      email: 'dewi@example.com',
      phone: '081311112222',
      address: 'Jl. Cempaka 9',
      address_parts: { line2: 'RT 02/RW 05', block: 'C', unit: '9A' },
      brand: 'JAKINET',
      installation_date: '2026-01-10',
      service_status: null,
    });
    // A change made through 002 shows in 000.
    await t.http.patch(`/api/pelanggan/${p.id}`).set(auth(admin)).send({ nama: 'Dewi L.' });
    expect((await t.http.get(`/api/customers/${id}`).set(auth(admin))).body.data.customer.full_name).toBe('Dewi L.');
  });

  it('a customer created through document 000 is a pelanggan here, and 000 sees 002’s changes', async () => {
    const created = await t.http
      .post('/api/customers')
      .set(auth(admin))
      .send({ full_name: 'Eko Prasetyo', phone: '081255556666', email: 'eko@example.com', nik: '3171888899990000', address: 'Jl. Melati 4', coordinates: { lat: -6.2, lng: 106.8 }, service_area: 'Depok', brand: 'JAKINET' });
    expect(created.status).toBe(201);
    const c = created.body.data.customer;
    const p = await t.http.get(`/api/pelanggan/${c.number}`).set(auth(admin));
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ id: c.number, nama: 'Eko Prasetyo', no_ktp: '3171888899990000', email: 'eko@example.com', no_telp: '081255556666', alamat: 'Jl. Melati 4', id_brand: 'JAKINET', status: 'Aktif' });
    // The same KTP cannot become a second pelanggan.
    expect((await t.http.post('/api/pelanggan/').set(auth(admin)).send({ nama: 'X', email: 'x@example.com', no_telp: '0812000', no_ktp: '3171888899990000', alamat: 'Jl. X', id_brand: 'JAKINET' })).status).toBe(409);
    await t.http.patch(`/api/pelanggan/${c.number}`).set(auth(admin)).send({ alamat: 'Jl. Melati 5' });
    expect((await t.http.get(`/api/customers/${c.id}`).set(auth(admin))).body.data.customer.address).toBe('Jl. Melati 5');
  });

  it('a suspension here shows on that customer and its tickets in document 000 (service_status)', async () => {
    const p = await createPelanggan(t, admin);
    const { id: customerId } = await customersByNumber(p.id);
    const sub = await subscribe(t, admin, p.id, paketId);
    const ticket = await t.http
      .post('/api/tickets')
      .set(auth(admin))
      .send({ customer_id: customerId, type: 'repair', priority: 'high', title: 'Internet mati', description: 'Tidak bisa browsing', location: { lat: -6.2, lng: 106.8 } });
    expect(ticket.status).toBe(201);
    expect(ticket.body.data.ticket.customer.service_status).toBe('active');

    await t.http.patch(`/api/langganan/${sub}`).set(auth(admin)).send({ status: 'Suspended' });
    const ticketId = ticket.body.data.ticket.id as string;
    expect((await t.http.get(`/api/tickets/${ticketId}`).set(auth(admin))).body.data.ticket.customer).toMatchObject({ id: customerId, service_status: 'suspended' });
    const listed = await t.http.get(`/api/customers/${customerId}/tickets`).set(auth(admin));
    expect(listed.body.data.tickets[0].customer.service_status).toBe('suspended');
    expect((await t.http.get(`/api/customers/${customerId}`).set(auth(admin))).body.data.customer.service_status).toBe('suspended');

    await t.http.patch(`/api/langganan/${sub}`).set(auth(admin)).send({ status: 'Aktif' });
    expect((await t.http.get(`/api/tickets/${ticketId}`).set(auth(admin))).body.data.ticket.customer.service_status).toBe('active');
  });
});
