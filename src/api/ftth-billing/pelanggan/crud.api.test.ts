import { auth, catalog, createPelanggan, pelangganBody, startBillingApp, subscribe } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/** Document 002 "Pelanggan Endpoints": create, list (filters, fields, paging), get, PATCH, errors. */
describe('Pelanggan CRUD (document 002)', () => {
  let t: TestApp;
  let admin: TestUser;
  let cs: TestUser;

  beforeAll(async () => {
    t = await startBillingApp();
    admin = await t.user('super_admin');
    cs = await t.user('customer_service');
    await catalog(t, admin);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates a pelanggan (201) with an integer id and the document’s fields', async () => {
    const body = pelangganBody({ nama: 'John Doe', email: 'John@Example.com', no_ktp: '1234567890123456', alamat_2: 'RT 01/RW 02', blok: 'A', unit: '123' });
    const res = await t.http.post('/api/pelanggan/').set(auth(cs)).send(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      nama: 'John Doe',
      email: 'john@example.com',
      no_telp: body.no_telp,
      no_ktp: '1234567890123456',
      alamat: body.alamat,
      alamat_2: 'RT 01/RW 02',
      blok: 'A',
      unit: '123',
      tanggal_instalasi: '2026-01-10',
      id_brand: 'JAKINET',
      layanan: null,
      status: 'Aktif',
      created_at: t.clock.now().toISOString(),
      updated_at: t.clock.now().toISOString(),
      langganan_id: null,
      harga_layanan: null,
      data_teknis: null,
    });
    expect(res.headers.location).toBe(`/api/pelanggan/${res.body.id}`);
    expect(res.headers.etag).toBe('"0"');
  });

  it('refuses a duplicate no_ktp or email (409) and invalid fields (422, per field)', async () => {
    const first = pelangganBody();
    expect((await t.http.post('/api/pelanggan/').set(auth(cs)).send(first)).status).toBe(201);
    const dupKtp = await t.http.post('/api/pelanggan/').set(auth(cs)).send(pelangganBody({ no_ktp: first.no_ktp }));
    expect(dupKtp.status).toBe(409);
    expect(dupKtp.body).toEqual({ detail: 'no_ktp is already registered', status: 'error', error_code: 'DUPLICATE_ENTRY' });
    const dupEmail = await t.http.post('/api/pelanggan/').set(auth(cs)).send(pelangganBody({ email: first.email.toUpperCase() }));
    expect(dupEmail.status).toBe(409);
    expect(dupEmail.body.detail).toBe('email is already registered');
    const bad = await t.http.post('/api/pelanggan/').set(auth(cs)).send(pelangganBody({ email: 'not-an-email', no_ktp: '123', nama: '' }));
    expect(bad.status).toBe(422);
    expect(bad.body.detail.message).toBe('Validation failed');
    expect(bad.body.detail.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'nama', 'no_ktp']);
    expect(bad.body.detail.errors.find((e: { field: string }) => e.field === 'email').message).toBe('Email format is invalid');
    const unknownBrand = await t.http.post('/api/pelanggan/').set(auth(cs)).send(pelangganBody({ id_brand: 'NOPE' }));
    expect(unknownBrand.status).toBe(422);
    expect(unknownBrand.body.detail.errors).toEqual([{ field: 'id_brand', message: 'The id brand NOPE names no brand.' }]);
  });

  it('lists with skip/limit (default 15), search, alamat, id_brand and fields', async () => {
    await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'OTHER', nama_brand: 'Other' });
    const made = [];
    for (let i = 0; i < 17; i++) made.push(await createPelanggan(t, cs, { nama: `Daftar ${i}`, alamat: i === 3 ? 'Jl. Kenanga Raya 3' : `Jl. Mawar ${i}` }));
    const zul = await createPelanggan(t, cs, { nama: 'Zulkifli Rahman', id_brand: 'OTHER' });

    const page = await t.http.get('/api/pelanggan/').set(auth(cs));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ skip: 0, limit: 15 });
    expect(page.body.data).toHaveLength(15);
    expect(page.body.data[0].id).toBe(zul.id);
    const total = page.body.total_count as number;
    const next = await t.http.get('/api/pelanggan/?skip=15&limit=100').set(auth(cs));
    expect(next.body.data).toHaveLength(total - 15);

    const search = await t.http.get('/api/pelanggan/?search=zulk').set(auth(cs));
    expect(search.body.data.map((p: { id: number }) => p.id)).toEqual([zul.id]);
    const byPhone = await t.http.get(`/api/pelanggan/?search=${zul.no_telp}`).set(auth(cs));
    expect(byPhone.body.total_count).toBe(1);
    const byEmail = await t.http.get(`/api/pelanggan/?search=${encodeURIComponent(String(zul.email))}`).set(auth(cs));
    expect(byEmail.body.data[0].id).toBe(zul.id);
    const alamat = await t.http.get('/api/pelanggan/?alamat=kenanga').set(auth(cs));
    expect(alamat.body.data.map((p: { id: number }) => p.id)).toEqual([made[3]!.id]);
    const brand = await t.http.get('/api/pelanggan/?id_brand=other').set(auth(cs));
    expect(brand.body).toMatchObject({ total_count: 1, data: [{ id: zul.id }] });
    const fields = await t.http.get('/api/pelanggan/?fields=id,nama&limit=2').set(auth(cs));
    expect(fields.body.data).toEqual([{ id: zul.id, nama: 'Zulkifli Rahman' }, { id: made[16]!.id, nama: 'Daftar 16' }]);
    for (const q of ['limit=101', 'limit=0', 'skip=-1', 'fields=id,password']) {
      const res = await t.http.get(`/api/pelanggan/?${q}`).set(auth(cs));
      expect([q, res.status]).toEqual([q, 422]);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
    }
  });

  it('gets one with its package (harga_layanan) and technical data; unknown is 404', async () => {
    const p = await createPelanggan(t, cs);
    const { paketId } = { paketId: (await t.http.get('/api/paket_layanan/').set(auth(admin))).body.data[0].id as number };
    await subscribe(t, admin, p.id, paketId);
    const teknis = await t.http.post('/api/data_teknis/').set(auth(admin)).send({ pelanggan_id: p.id, ip_pelanggan: '10.1.0.5', vlan: 100, password_pppoe: 'rahasia' });
    expect(teknis.status).toBe(201);
    const res = await t.http.get(`/api/pelanggan/${p.id}`).set(auth(cs));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: p.id,
      layanan: 'Internet 50Mbps',
      status: 'Aktif',
      harga_layanan: { id: paketId, nama_paket: 'Internet 50Mbps', kecepatan: 50, harga: 300_000 },
      data_teknis: { ip_pelanggan: '10.1.0.5', vlan: 100, password_pppoe: '********' },
    });
    expect(JSON.stringify(res.body)).not.toContain('rahasia');
    for (const id of ['999999', 'abc', '0']) {
      const missing = await t.http.get(`/api/pelanggan/${id}`).set(auth(cs));
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ detail: expect.any(String), status: 'error', error_code: 'NOT_FOUND' });
    }
  });

  it('PATCH changes only what is sent; If-Match guards; a duplicate is 409', async () => {
    const p = await createPelanggan(t, cs);
    const other = await createPelanggan(t, cs);
    t.clock.advance(60_000);
    const res = await t.http.patch(`/api/pelanggan/${p.id}`).set(auth(cs)).send({ nama: 'John Smith', alamat: 'Jl. Updated Address No. 456' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: p.id, nama: 'John Smith', alamat: 'Jl. Updated Address No. 456', email: p.email, updated_at: t.clock.now().toISOString() });
    expect((await t.http.patch(`/api/pelanggan/${p.id}`).set(auth(cs)).set('If-Match', '"0"').send({ nama: 'X' })).status).toBe(412);
    expect((await t.http.patch(`/api/pelanggan/${p.id}`).set(auth(cs)).send({ no_ktp: other.no_ktp })).status).toBe(409);
    expect((await t.http.patch(`/api/pelanggan/${p.id}`).set(auth(cs)).send({ unknown: 1 })).status).toBe(422);
    // The old KTP is free again after a change.
    const ktp = '9999888877776666';
    expect((await t.http.patch(`/api/pelanggan/${p.id}`).set(auth(cs)).send({ no_ktp: ktp })).status).toBe(200);
    expect((await t.http.patch(`/api/pelanggan/${other.id}`).set(auth(cs)).send({ no_ktp: p.no_ktp })).status).toBe(200);
  });

  it('answers 401 without a token, in the document’s format', async () => {
    const res = await t.http.get('/api/pelanggan/');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Unauthenticated', status: 'error', error_code: 'UNAUTHORIZED' });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });
});
