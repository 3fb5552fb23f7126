import { auth, catalog, createPelanggan, startBillingApp, subscribe } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/** /api/langganan/: a pelanggan's subscription; its package is the pelanggan's harga_layanan. */
describe('Langganan (document 002)', () => {
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

  it('subscribes, refuses a second current subscription, changes package and status, ends it', async () => {
    const p = await createPelanggan(t, admin);
    const res = await t.http.post('/api/langganan/').set(auth(admin)).send({ pelanggan_id: p.id, paket_layanan_id: paketId, tgl_jatuh_tempo: '2026-02-10', metode_pembayaran: 'Otomatis' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      pelanggan_id: p.id,
      paket_layanan_id: paketId,
      status: 'Aktif',
      tgl_jatuh_tempo: '2026-02-10',
      metode_pembayaran: 'Otomatis',
      alasan_status: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = res.body.id as number;
    const second = await t.http.post('/api/langganan/').set(auth(admin)).send({ pelanggan_id: p.id, paket_layanan_id: paketId, tgl_jatuh_tempo: '2026-02-10' });
    expect(second.status).toBe(409);
    expect((await t.http.get(`/api/pelanggan/${p.id}`).set(auth(admin))).body.harga_layanan).toMatchObject({ id: paketId, harga: 300000 });

    const bigger = await t.http.post('/api/paket_layanan/').set(auth(admin)).send({ id_brand: 'JAKINET', nama_paket: 'Internet 100Mbps', kecepatan: 100, harga: 500000 });
    expect((await t.http.patch(`/api/langganan/${id}`).set(auth(admin)).send({ paket_layanan_id: bigger.body.id })).body.paket_layanan_id).toBe(bigger.body.id);
    expect((await t.http.get(`/api/pelanggan/${p.id}`).set(auth(admin))).body).toMatchObject({ layanan: 'Internet 100Mbps', harga_layanan: { harga: 500000 } });

    const suspended = await t.http.patch(`/api/langganan/${id}`).set(auth(admin)).send({ status: 'Suspended' });
    expect(suspended.body).toMatchObject({ status: 'Suspended', alasan_status: 'manual' });
    expect((await t.http.get(`/api/pelanggan/${p.id}`).set(auth(admin))).body.status).toBe('Suspended');
    expect((await t.http.patch(`/api/langganan/${id}`).set(auth(admin)).send({ status: 'Aktif' })).body.status).toBe('Aktif');
    expect((await t.http.get(`/api/langganan/?pelanggan_id=${p.id}&status=Aktif`).set(auth(admin))).body.total_count).toBe(1);

    expect((await t.http.delete(`/api/langganan/${id}`).set(auth(admin))).status).toBe(204);
    expect((await t.http.get(`/api/langganan/${id}`).set(auth(admin))).body.status).toBe('Berhenti');
    expect((await t.http.get(`/api/pelanggan/${p.id}`).set(auth(admin))).body).toMatchObject({ status: 'Berhenti', harga_layanan: null, layanan: null });
    const ended = await t.http.patch(`/api/langganan/${id}`).set(auth(admin)).send({ status: 'Aktif' });
    expect(ended.status).toBe(422);
    expect(ended.body.error_code).toBe('INVALID_STATE_TRANSITION');
    // Ended: a new subscription may start.
    expect(await subscribe(t, admin, p.id, paketId)).toBeGreaterThan(id);
  });

  it('refuses references that name nothing (422) and unknown ids (404)', async () => {
    const p = await createPelanggan(t, admin);
    const noPaket = await t.http.post('/api/langganan/').set(auth(admin)).send({ pelanggan_id: p.id, paket_layanan_id: 999, tgl_jatuh_tempo: '2026-02-10' });
    expect(noPaket.status).toBe(422);
    expect(noPaket.body.detail.errors).toEqual([{ field: 'paket_layanan_id', message: 'The paket layanan id names no package.' }]);
    const noPelanggan = await t.http.post('/api/langganan/').set(auth(admin)).send({ pelanggan_id: 99999, paket_layanan_id: paketId, tgl_jatuh_tempo: '2026-02-10' });
    expect(noPelanggan.body.detail.errors[0].field).toBe('pelanggan_id');
    expect((await t.http.get('/api/langganan/99999').set(auth(admin))).status).toBe(404);
    expect((await t.http.patch('/api/langganan/1').set(auth(admin)).send({ status: 'Nope' })).status).toBe(422);
  });
});
