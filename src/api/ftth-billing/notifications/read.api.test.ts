import { randomUUID } from 'node:crypto';
import { auth, catalog, createPelanggan, startBillingApp, subscribe } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/**
 * Billing notifications in the one notifications read model: suspensions and RouterOS sync
 * failures reach the staff who may see them; document 000's GET /api/notifications lists them;
 * document 002's PATCH /api/notifications/{id}/read marks one read (one's own only).
 */
describe('Billing notifications and PATCH …/read (document 002)', () => {
  let t: TestApp;
  let admin: TestUser;
  let supervisor: TestUser;
  let cs: TestUser;
  let tech: TestUser;
  let pelanggan: { id: number };
  let subscriptionId: number;

  beforeAll(async () => {
    t = await startBillingApp();
    admin = await t.user('super_admin');
    supervisor = await t.user('supervisor');
    cs = await t.user('customer_service');
    tech = await t.user('technician');
    const { paketId } = await catalog(t, admin);
    pelanggan = await createPelanggan(t, admin);
    subscriptionId = await subscribe(t, admin, pelanggan.id, paketId);
  });
  afterAll(async () => {
    await t.stop();
  });
  const inbox = async (u: TestUser, query = '') => (await t.http.get(`/api/notifications${query}`).set(auth(u))).body.data.notifications as Array<{ id: string; type: string; message: string; data: Record<string, unknown>; is_read: boolean }>;

  it('a suspension reaches billing staff and supervisors (not the one who did it, not technicians)', async () => {
    expect((await t.http.patch(`/api/langganan/${subscriptionId}`).set(auth(admin)).send({ status: 'Suspended' })).status).toBe(200);
    const [n] = await inbox(supervisor, '?type=service_suspended');
    expect(n).toMatchObject({ type: 'service_suspended', data: { langganan_id: subscriptionId, pelanggan_id: pelanggan.id, reason: 'manual' }, is_read: false });
    expect((await inbox(cs)).map((x) => x.type)).toContain('service_suspended');
    expect((await inbox(admin)).map((x) => x.type)).not.toContain('service_suspended');
    expect(await inbox(tech)).toEqual([]);
  });

  it('a PPPoE sync failure reported by the RouterOS side (PppoeSyncFailed) becomes mikrotik_sync_failed', async () => {
    expect((await t.http.post('/api/data_teknis/').set(auth(admin)).send({ pelanggan_id: pelanggan.id, vlan: 10, mikrotik_server_id: 3 })).status).toBe(201);
    const customerId = (await t.app.deps.readStore.collection('billing_pelanggan').findOne({ id: pelanggan.id }))!._id;
    const result = await t.eventStore.appendToStream(`mikrotik_sync-${customerId}`, [
      {
        id: randomUUID(),
        type: 'PppoeSyncFailed',
        data: { pelangganId: pelanggan.id, customerId, mikrotikServerId: 3, reason: '10.0.0.1:8728 refused the connection' },
        metadata: { actor: { userId: 'system', role: 'system' }, timestamp: t.clock.now().toISOString(), schemaVersion: 1 },
      },
    ]);
    await t.app.runner.waitFor(result.position, 5000);
    const [n] = await inbox(supervisor, '?type=mikrotik_sync_failed');
    expect(n).toMatchObject({ message: expect.stringContaining('10.0.0.1:8728 refused the connection'), data: { pelanggan_id: pelanggan.id, mikrotik_server_id: 3 } });
    expect((await inbox(admin)).map((x) => x.type)).toContain('mikrotik_sync_failed');
    expect((await inbox(cs)).map((x) => x.type)).not.toContain('mikrotik_sync_failed');
    // The technical data shows the last sync too.
    const teknis = await t.http.get(`/api/data_teknis/pelanggan/${pelanggan.id}`).set(auth(admin));
    expect(teknis.body.mikrotik_sync).toMatchObject({ status: 'failed', mikrotik_server_id: 3, last_error: '10.0.0.1:8728 refused the connection', attempts: 1 });
  });

  it('PATCH /api/notifications/{id}/read marks one’s own notification read, once', async () => {
    const [n] = await inbox(cs);
    t.clock.advance(1000);
    const res = await t.http.patch(`/api/notifications/${n!.id}/read`).set(auth(cs));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: n!.id, type: n!.type, message: n!.message, data: n!.data, is_read: true, read_at: t.clock.now().toISOString(), created_at: expect.any(String) });
    const head = await t.eventStore.headPosition();
    expect((await t.http.patch(`/api/notifications/${n!.id}/read`).set(auth(cs))).status).toBe(200);
    expect(await t.eventStore.headPosition()).toBe(head);
    expect((await inbox(cs)).find((x) => x.id === n!.id)!.is_read).toBe(true);
    // 000's PUT still answers on the same model.
    const [s] = await inbox(supervisor);
    expect((await t.http.put(`/api/notifications/${s!.id}/read`).set(auth(supervisor))).body.data.notification.is_read).toBe(true);
  });

  it('another user’s, an unknown or a malformed id is 404 in the document’s format; no token is 401', async () => {
    const [n] = await inbox(supervisor);
    for (const [who, id] of [
      [cs, n!.id],
      [cs, '7d0c3c53-0000-4000-8000-000000000000'],
      [cs, 'nope'],
    ] as const) {
      const res = await t.http.patch(`/api/notifications/${id}/read`).set(auth(who));
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: 'error', error_code: 'NOT_FOUND' });
    }
    expect((await t.http.patch(`/api/notifications/${n!.id}/read`)).status).toBe(401);
  });
});
