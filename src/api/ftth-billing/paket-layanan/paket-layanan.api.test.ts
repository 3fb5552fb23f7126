import { auth, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/** /api/paket_layanan/: a brand's packages (speed in Mbps, price in integer rupiah). */
describe('Paket layanan (document 002)', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startBillingApp();
    admin = await t.user('manager');
    await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'JAKINET', nama_brand: 'Jakinet' });
    await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'ARTA', nama_brand: 'Arta' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates, lists by brand, gets, updates and removes packages', async () => {
    const created = await t.http.post('/api/paket_layanan/').set(auth(admin)).send({ id_brand: 'jakinet', nama_paket: 'Internet 50Mbps', kecepatan: 50, harga: 300000 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: 1,
      id_brand: 'JAKINET',
      nama_paket: 'Internet 50Mbps',
      kecepatan: 50,
      harga: 300000,
      profile_pppoe: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    await t.http.post('/api/paket_layanan/').set(auth(admin)).send({ id_brand: 'ARTA', nama_paket: 'Arta 20', kecepatan: 20, harga: 150000, profile_pppoe: '20M' });
    expect((await t.http.get('/api/paket_layanan/').set(auth(admin))).body.total_count).toBe(2);
    expect((await t.http.get('/api/paket_layanan/?id_brand=ARTA').set(auth(admin))).body.data.map((p: { nama_paket: string }) => p.nama_paket)).toEqual(['Arta 20']);

    const bad = await t.http.post('/api/paket_layanan/').set(auth(admin)).send({ id_brand: 'JAKINET', nama_paket: 'X', kecepatan: 0, harga: 1.5 });
    expect(bad.status).toBe(422);
    expect(bad.body.detail.errors.map((e: { field: string }) => e.field).sort()).toEqual(['harga', 'kecepatan']);
    const noBrand = await t.http.post('/api/paket_layanan/').set(auth(admin)).send({ id_brand: 'NOPE', nama_paket: 'X', kecepatan: 10, harga: 1 });
    expect(noBrand.status).toBe(422);
    expect(noBrand.body.detail.errors[0].field).toBe('id_brand');

    const patched = await t.http.patch('/api/paket_layanan/1').set(auth(admin)).send({ harga: 325000 });
    expect(patched.body).toMatchObject({ id: 1, harga: 325000, nama_paket: 'Internet 50Mbps' });
    expect((await t.http.get('/api/paket_layanan/1').set(auth(admin))).body.harga).toBe(325000);
    expect((await t.http.delete('/api/paket_layanan/1').set(auth(admin))).status).toBe(204);
    expect((await t.http.get('/api/paket_layanan/1').set(auth(admin))).status).toBe(404);
    expect((await t.http.patch('/api/paket_layanan/1').set(auth(admin)).send({ harga: 1 })).status).toBe(404);
  });
});
