import { auth, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/** /api/brands/: list, get, create, PATCH, DELETE; gateway keys sealed and never returned. */
describe('Brands (document 002)', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startBillingApp();
    admin = await t.user('super_admin');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates, reads, updates and deletes a brand with its payment gateway settings', async () => {
    const created = await t.http
      .post('/api/brands/')
      .set(auth(admin))
      .send({ id_brand: 'jakinet', nama_brand: 'Jakinet', payment_gateway: { provider: 'xendit', api_key: 'xnd_secret_key_1', invoice_duration_seconds: 86400 } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id_brand: 'JAKINET',
      nama_brand: 'Jakinet',
      payment_gateway: { provider: 'xendit', api_key_set: true, invoice_duration_seconds: 86400 },
      created_at: t.clock.now().toISOString(),
      updated_at: t.clock.now().toISOString(),
    });
    // The key is sealed in the log and absent from every read.
    const events = await t.eventStore.readStream('brand-JAKINET');
    expect(JSON.stringify(events)).not.toContain('xnd_secret_key_1');
    expect(t.app.deps.commands.secrets.open(String((events[0]!.data.gateway as { apiKeySealed: string }).apiKeySealed))).toBe('xnd_secret_key_1');
    expect((await t.http.get('/api/brands/JAKINET').set(auth(admin))).body.payment_gateway.api_key_set).toBe(true);

    expect((await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'JAKINET', nama_brand: 'Again' })).status).toBe(409);
    expect((await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'bad id', nama_brand: '' })).status).toBe(422);

    t.clock.advance(1000);
    const patched = await t.http.patch('/api/brands/jakinet').set(auth(admin)).send({ nama_brand: 'Jakinet Baru', payment_gateway: { api_key: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ nama_brand: 'Jakinet Baru', payment_gateway: { provider: 'xendit', api_key_set: false, invoice_duration_seconds: 86400 } });

    await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'ARTA', nama_brand: 'Arta' });
    const list = await t.http.get('/api/brands/?limit=1').set(auth(admin));
    expect(list.body).toMatchObject({ total_count: 2, skip: 0, limit: 1, data: [{ id_brand: 'ARTA', payment_gateway: { provider: 'simulated', api_key_set: false } }] });

    expect((await t.http.delete('/api/brands/ARTA').set(auth(admin))).status).toBe(204);
    expect((await t.http.get('/api/brands/ARTA').set(auth(admin))).status).toBe(404);
    expect((await t.http.delete('/api/brands/ARTA').set(auth(admin))).status).toBe(404);
    expect((await t.http.patch('/api/brands/NOPE').set(auth(admin)).send({ nama_brand: 'x' })).status).toBe(404);
  });
});
