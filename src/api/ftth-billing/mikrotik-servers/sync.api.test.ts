import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { bearer, billingDeps, provisionablePelanggan, registerServerFor } from '../../../../test/support/mikrotik';
import { RouterOsStandIn } from '../../../../test/support/routeros-standin';
import { systemMeta } from '../../../commands/context';
import { reactivateSubscription } from '../../../commands/billing/subscriptions';
import type { Role } from '../../../domain/user';
import { mikrotikSyncForPelanggan } from '../../../projections/mikrotik-sync/queries';

/**
 * POST /api/mikrotik_servers/{server_id}/sync/{pelanggan_id} (document 002): the pelanggan's
 * PPPoE secret provisioned on a RouterOS stand-in from its data teknis, langganan and paket
 * layanan; the outcome recorded and shown with its technical data.
 */

let t: TestApp;
let admin: TestUser;
let router: RouterOsStandIn;
let serverId: number;

const sync = (pelangganId: number, server = serverId, user: { token: string } = admin) =>
  t.http.post(`/api/mikrotik_servers/${server}/sync/${pelangganId}`).set(bearer(user));
const outcomes = async (customerId: string) => (await t.eventStore.readStream(`mikrotik_sync-${customerId}`)).map((e) => ({ type: e.type, data: e.data }));

beforeAll(async () => {
  t = await startTestApp({ MIKROTIK_TIMEOUT_MS: '500', MIKROTIK_SUSPENDED_PROFILE: 'isolir' });
  admin = await t.user('super_admin');
  router = await RouterOsStandIn.start();
  serverId = (await registerServerFor(t, admin, router)).id;
});
afterAll(async () => {
  await router.stop();
  await t.stop();
});

it('creates the PPPoE secret on the profile of the pelanggan’s package, creating the profile with its rate limit', async () => {
  const p = await provisionablePelanggan(t, { serverId, pppoeUsername: 'budi01', pppoePassword: 'rahasia-01', ip: '10.60.9.1', speedMbps: 50 });
  const res = await sync(p.pelangganId);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    success: true,
    message: 'PPPoE secret budi01 created',
    mikrotik_server_id: serverId,
    pelanggan_id: p.pelangganId,
    pppoe_username: 'budi01',
    profile: '50M',
    disabled: false,
    action: 'created',
    profile_created: true,
    active_sessions_removed: 0,
    synced_at: t.clock.now().toISOString(),
  });
  expect(router.secretNamed('budi01')).toEqual(
    expect.objectContaining({ password: 'rahasia-01', profile: '50M', service: 'pppoe', disabled: 'false', 'remote-address': '10.60.9.1', comment: `pelanggan ${p.pelangganId}` }),
  );
  expect(router.profileNamed('50M')).toEqual(expect.objectContaining({ 'rate-limit': '50M/50M' }));
  expect(await outcomes(p.customerId)).toEqual([
    {
      type: 'PppoeSynced',
      data: expect.objectContaining({ pelangganId: p.pelangganId, customerId: p.customerId, mikrotikServerId: serverId, secretName: 'budi01', action: 'created', profileCreated: true }),
    },
  ]);
  // Shown with the customer's technical data.
  expect(await mikrotikSyncForPelanggan(t.app.deps.readStore, p.pelangganId)).toEqual(
    expect.objectContaining({ status: 'synced', mikrotik_server_id: serverId, pppoe_profile: '50M', pppoe_disabled: false, last_error: null }),
  );
});

it('syncing again changes nothing on the router; a changed password or package updates the secret', async () => {
  const p = await provisionablePelanggan(t, { serverId, pppoeUsername: 'budi02', pppoePassword: 'first', speedMbps: 20, pppoeProfile: 'HOME-20' });
  expect((await sync(p.pelangganId)).body.profile).toBe('HOME-20');
  const again = await sync(p.pelangganId);
  expect([again.status, again.body.action, again.body.message]).toEqual([200, 'unchanged', 'PPPoE secret budi02 already up to date']);
  router.secretNamed('budi02')!.password = 'changed-on-router';
  const fixed = await sync(p.pelangganId);
  expect(fixed.body.action).toBe('updated');
  expect(router.secretNamed('budi02')!.password).toBe('first');
  expect(router.received.at(-1)!.words.filter((w) => w.startsWith('='))).toEqual([`=.id=${router.secretNamed('budi02')!['.id']}`, '=password=first']);
});

it('a suspended pelanggan gets a disabled secret on the suspended profile and its live session removed; reactivated, it is enabled again', async () => {
  const p = await provisionablePelanggan(t, { serverId, pppoeUsername: 'budi03', speedMbps: 30, subscription: 'suspended' });
  router.addSecret({ name: 'budi03', password: 'old', profile: 'default', service: 'pppoe', disabled: 'false' });
  router.connectSession('budi03');
  const res = await sync(p.pelangganId);
  expect(res.status).toBe(200);
  expect(res.body).toEqual(
    expect.objectContaining({ profile: 'isolir', disabled: true, action: 'updated', profile_created: true, active_sessions_removed: 1, message: 'PPPoE secret budi03 updated (disabled: suspended)' }),
  );
  expect(router.secretNamed('budi03')).toEqual(expect.objectContaining({ profile: 'isolir', disabled: 'true' }));
  expect(router.sessionsOf('budi03')).toEqual([]);
  const deps = billingDeps(t);
  const r = await reactivateSubscription(deps, p.subscriptionId!, { reason: 'manual', invoiceId: null }, systemMeta(deps.ids, 'test'));
  await t.app.runner.waitFor(r.position!, 5000);
  const back = await sync(p.pelangganId);
  expect(back.body).toEqual(expect.objectContaining({ profile: '30M', disabled: false, active_sessions_removed: 0 }));
  expect(router.secretNamed('budi03')).toEqual(expect.objectContaining({ profile: '30M', disabled: 'false' }));
});

it('a failed sync is recorded with its reason, shown in the technical data, and answered 502', async () => {
  const p = await provisionablePelanggan(t, { serverId, pppoeUsername: 'budi04' });
  router.failNext('/ppp/secret/add', { kind: 'trap', message: 'failure: pool exhausted' });
  const res = await sync(p.pelangganId);
  expect(res.status).toBe(502);
  expect(res.body).toEqual({ detail: 'Sync failed: /ppp/secret/add failed: failure: pool exhausted', status: 'error', error_code: 'MIKROTIK_SYNC_FAILED' });
  expect(await outcomes(p.customerId)).toEqual([
    { type: 'PppoeSyncFailed', data: { pelangganId: p.pelangganId, customerId: p.customerId, mikrotikServerId: serverId, reason: '/ppp/secret/add failed: failure: pool exhausted' } },
  ]);
  expect(await mikrotikSyncForPelanggan(t.app.deps.readStore, p.pelangganId)).toEqual(
    expect.objectContaining({ status: 'failed', last_error: '/ppp/secret/add failed: failure: pool exhausted', attempts: 1 }),
  );
  // The next sync succeeds and clears the error.
  expect((await sync(p.pelangganId)).status).toBe(200);
  expect((await mikrotikSyncForPelanggan(t.app.deps.readStore, p.pelangganId)).status).toBe('synced');
});

it('an unreachable router, or one that refuses the login, is a recorded 502 too', async () => {
  const p = await provisionablePelanggan(t, { serverId, pppoeUsername: 'budi05' });
  router.failNext('/login', { kind: 'drop' });
  const dropped = await sync(p.pelangganId);
  expect([dropped.status, dropped.body.detail]).toEqual([502, `Sync failed: connection to 127.0.0.1:${router.port} closed by the router`]);
  const badLogin = await registerServerFor(t, admin, { ...router, password: 'wrong' });
  const q = await provisionablePelanggan(t, { serverId: badLogin.id, pppoeUsername: 'budi06' });
  const refused = await sync(q.pelangganId, badLogin.id);
  expect([refused.status, refused.body.detail]).toEqual([502, `Sync failed: login to 127.0.0.1:${router.port} refused: invalid user name or password (6)`]);
  expect((await outcomes(q.customerId)).map((o) => o.type)).toEqual(['PppoeSyncFailed']);
});

it('works with a router older than 7.18 (no !empty) as with a newer one', async () => {
  router.emptyReplies = false;
  try {
    const p = await provisionablePelanggan(t, { serverId, pppoeUsername: 'budi07' });
    const res = await sync(p.pelangganId);
    expect([res.status, res.body.action]).toEqual([200, 'created']);
  } finally {
    router.emptyReplies = true;
  }
});

it('refuses what cannot be synced, recording nothing: no data teknis, no password, no package, another server', async () => {
  const noTeknis = await provisionablePelanggan(t, { serverId, technicalData: false });
  const noPassword = await provisionablePelanggan(t, { serverId, pppoePassword: null });
  const noPlan = await provisionablePelanggan(t, { serverId, subscription: 'none' });
  const other = await registerServerFor(t, admin, router);
  const elsewhere = await provisionablePelanggan(t, { serverId: other.id });
  const cases: Array<[number, number, string]> = [
    [noTeknis.pelangganId, 422, 'The pelanggan has no data teknis with a PPPoE user name.'],
    [noPassword.pelangganId, 422, 'The pelanggan’s data teknis has no PPPoE password.'],
    [noPlan.pelangganId, 422, 'The pelanggan has no active subscription on a paket layanan.'],
  ];
  for (const [id, status, message] of cases) {
    const res = await sync(id);
    expect([id, res.status, res.body]).toEqual([id, status, { detail: { message: 'Validation failed', errors: [{ field: 'pelanggan_id', message }] }, status: 'error', error_code: 'VALIDATION_ERROR' }]);
  }
  const wrongServer = await sync(elsewhere.pelangganId);
  expect([wrongServer.status, wrongServer.body]).toEqual([
    422,
    { detail: `The pelanggan is provisioned on Mikrotik server ${other.id}, not ${serverId}`, status: 'error', error_code: 'INVALID_STATE_TRANSITION' },
  ]);
  for (const p of [noTeknis, noPassword, noPlan, elsewhere]) expect(await outcomes(p.customerId)).toEqual([]);
});

it('answers 404 for an unknown pelanggan or server', async () => {
  const p = await provisionablePelanggan(t, { serverId });
  for (const res of [await sync(999_999), await sync(p.pelangganId, 999_999), await sync(0), await t.http.post(`/api/mikrotik_servers/${serverId}/sync/abc`).set(bearer(admin))]) {
    expect([res.status, res.body.error_code]).toEqual([404, 'NOT_FOUND']);
  }
});

it.each<[Role, number]>([
  ['manager', 200],
  ['supervisor', 200],
  ['customer_service', 200],
  ['technician', 200],
  ['customer', 403],
])('role %s → %i', async (role, status) => {
  const p = await provisionablePelanggan(t, { serverId });
  const u = await t.user(role);
  expect((await sync(p.pelangganId, serverId, u)).status).toBe(status);
});
