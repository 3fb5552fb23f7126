import { auth, catalog, createPelanggan, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/** /api/data_teknis/: one per pelanggan, address unique per Mikrotik server, VLAN in range, PPPoE password sealed. */
describe('Data teknis (document 002)', () => {
  let t: TestApp;
  let admin: TestUser;
  let tech: TestUser;
  beforeAll(async () => {
    t = await startBillingApp();
    admin = await t.user('super_admin');
    tech = await t.user('technician');
    await catalog(t, admin);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('records a line (by a technician), reads it by pelanggan, never shows the password', async () => {
    const p = await createPelanggan(t, admin);
    const res = await t.http.post('/api/data_teknis/').set(auth(tech)).send({
      pelanggan_id: p.id,
      ip_pelanggan: '192.168.1.100',
      vlan: 100,
      sn_ont: 'ALCL12345678',
      port_odp: 'ODP-01/P01',
      port_olt: '1/GP1',
      password_pppoe: 'pppoe-rahasia',
      mikrotik_server_id: 1,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      pelanggan_id: p.id,
      ip_pelanggan: '192.168.1.100',
      vlan: 100,
      username_pppoe: expect.stringMatching(/^CUST-\d{6}$/),
      password_pppoe: '********',
      sn_ont: 'ALCL12345678',
      port_odp: 'ODP-01/P01',
      port_olt: '1/GP1',
      mikrotik_server_id: 1,
      status: null,
      mikrotik_sync: { status: 'never', mikrotik_server_id: null, last_attempt_at: null, last_synced_at: null, last_error: null, pppoe_profile: null, pppoe_disabled: null, attempts: 0 },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const got = await t.http.get(`/api/data_teknis/pelanggan/${p.id}`).set(auth(admin));
    expect(got.body).toEqual(res.body);
    // Sealed at rest: not in the log, not in the read models, but recoverable for the router sync.
    const events = await t.eventStore.readAll({ eventTypes: ['TechnicalDataRecorded'] });
    expect(JSON.stringify(events)).not.toContain('pppoe-rahasia');
    const sealed = String(events.at(-1)!.data.pppoePasswordSealed);
    expect(t.app.deps.commands.secrets.open(sealed)).toBe('pppoe-rahasia');
    expect(JSON.stringify(await t.app.deps.readStore.collection('billing_data_teknis').find({}))).not.toContain('pppoe-rahasia');
    expect((await t.http.post('/api/data_teknis/').set(auth(tech)).send({ pelanggan_id: p.id })).status).toBe(409);
  });

  it('keeps ip_pelanggan unique per Mikrotik server, frees it when it changes, checks vlan and address', async () => {
    const [a, b, c] = [await createPelanggan(t, admin), await createPelanggan(t, admin), await createPelanggan(t, admin)];
    const first = await t.http.post('/api/data_teknis/').set(auth(admin)).send({ pelanggan_id: a.id, ip_pelanggan: '10.0.0.9', vlan: 10, mikrotik_server_id: 7 });
    expect(first.status).toBe(201);
    const clash = await t.http.post('/api/data_teknis/').set(auth(admin)).send({ pelanggan_id: b.id, ip_pelanggan: '10.0.0.9', vlan: 10, mikrotik_server_id: 7 });
    expect(clash.status).toBe(409);
    expect(clash.body).toEqual({ detail: 'ip_pelanggan is already registered', status: 'error', error_code: 'DUPLICATE_ENTRY' });
    // Another router may use the same address.
    expect((await t.http.post('/api/data_teknis/').set(auth(admin)).send({ pelanggan_id: b.id, ip_pelanggan: '10.0.0.9', vlan: 10, mikrotik_server_id: 8 })).status).toBe(201);
    for (const [body, field] of [
      [{ ip_pelanggan: '10.0.0.300' }, 'ip_pelanggan'],
      [{ vlan: 4095 }, 'vlan'],
      [{ vlan: 0 }, 'vlan'],
    ] as const) {
      const res = await t.http.post('/api/data_teknis/').set(auth(admin)).send({ pelanggan_id: c.id, ...body });
      expect([body, res.status]).toEqual([body, 422]);
      expect(res.body.detail.errors[0].field).toBe(field);
    }
    const moved = await t.http.patch(`/api/data_teknis/${first.body.id}`).set(auth(admin)).send({ ip_pelanggan: '10.0.0.10', password_pppoe: 'baru' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ ip_pelanggan: '10.0.0.10', password_pppoe: '********' });
    expect((await t.http.post('/api/data_teknis/').set(auth(admin)).send({ pelanggan_id: c.id, ip_pelanggan: '10.0.0.9', mikrotik_server_id: 7 })).status).toBe(201);
    expect((await t.http.patch('/api/data_teknis/99999').set(auth(admin)).send({ vlan: 5 })).status).toBe(404);
    expect((await t.http.get('/api/data_teknis/pelanggan/99999').set(auth(admin))).status).toBe(404);
  });
});
