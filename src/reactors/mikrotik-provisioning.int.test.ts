import { startTestApp, type TestApp, type TestUser } from '../../test/support/test-app';
import { bearer, registerServerFor } from '../../test/support/mikrotik';
import { RouterOsStandIn } from '../../test/support/routeros-standin';
import { systemMeta, toNewEvents } from '../commands/context';
import type { PppoeSyncSubject } from '../commands/mikrotik-sync';
import { silentLogger } from '../ports/logger';
import { mikrotikSyncForPelanggan } from '../projections/mikrotik-sync/queries';
import { CheckpointedReactor } from './checkpointed-reactor';
import { mikrotikProvisioningHandler } from './mikrotik-provisioning';

/**
 * The reaction to suspensions and reactivations, from the event log to a RouterOS stand-in:
 * subscription events appended to the log, the reactor syncing the pelanggan's secret on its
 * server, the outcome recorded on `mikrotik_sync-<customerId>`. The pelanggan's billing state
 * (what the data-teknis / langganan / paket read models say) is given by `subjects`.
 */

let t: TestApp;
let admin: TestUser;
let router: RouterOsStandIn;
let serverId: number;
let reactor: CheckpointedReactor;
const subjects = new Map<number, PppoeSyncSubject>();
let n = 0;

const subjectFor = (pelangganId: number, service: PppoeSyncSubject['service'], more: Partial<PppoeSyncSubject> = {}): PppoeSyncSubject => ({
  pelangganId,
  customerId: `c0000000-0000-4000-8000-${String(pelangganId).padStart(12, '0')}`,
  mikrotikServerId: serverId,
  pppoeUsername: `pel${pelangganId}`,
  pppoePasswordSealed: t.app.deps.commands.secrets.seal(`pw-${pelangganId}`),
  remoteAddress: `10.50.0.${pelangganId}`,
  plan: { profile: '20M', rateLimit: '20M/20M' },
  service,
  ...more,
});

async function trigger(type: 'SubscriptionSuspended' | 'SubscriptionReactivated' | 'SubscriptionTerminated', s: PppoeSyncSubject) {
  const deps = t.app.deps.commands;
  const ref = { subscriptionId: s.pelangganId, customerId: s.customerId, pelangganId: s.pelangganId };
  const at = deps.clock.now().toISOString();
  const data =
    type === 'SubscriptionSuspended'
      ? { ...ref, reason: 'overdue', invoiceId: null, suspendedAt: at }
      : type === 'SubscriptionReactivated'
        ? { ...ref, reason: 'payment', invoiceId: null, reactivatedAt: at }
        : { ...ref, reason: null, terminatedAt: at };
  const r = await deps.eventStore.appendToStream(`subscription-${s.pelangganId}`, toNewEvents(deps, systemMeta(deps.ids, 'billing-job'), [{ type, data }]));
  return r.events[0]!;
}

const outcomes = async (customerId: string) => (await t.eventStore.readStream(`mikrotik_sync-${customerId}`)).map((e) => ({ type: e.type, data: e.data, causationId: e.metadata.causationId }));

function startReactor(attempts = 3) {
  reactor = new CheckpointedReactor({
    deps: t.app.deps.commands,
    logger: silentLogger,
    sync: t.app.deps.sync,
    resubscribeDelayMs: () => 5,
    handler: mikrotikProvisioningHandler({
      commands: t.app.deps.commands,
      readStore: t.app.deps.readStore,
      logger: silentLogger,
      attempts,
      retryDelayMs: 1,
      resolveSubject: async (_store, pelangganId) => subjects.get(pelangganId) ?? null,
    }),
  });
  return reactor.start();
}

beforeAll(async () => {
  t = await startTestApp({ MIKROTIK_TIMEOUT_MS: '300', MIKROTIK_SUSPENDED_PROFILE: 'isolir' });
  admin = await t.user('super_admin');
  router = await RouterOsStandIn.start();
  serverId = (await registerServerFor(t, admin, router)).id;
});
afterAll(async () => {
  await router.stop();
  await t.stop();
});
beforeEach(async () => {
  await startReactor();
});
afterEach(async () => {
  await reactor.stop();
});

it('a suspension disables the secret on the suspended profile and ends the live session; a reactivation enables it again', async () => {
  const p = 100 + ++n;
  router.addProfile({ name: '20M', 'rate-limit': '20M/20M' });
  router.addSecret({ name: `pel${p}`, password: `pw-${p}`, profile: '20M', service: 'pppoe', 'remote-address': `10.50.0.${p}`, disabled: 'false' });
  router.connectSession(`pel${p}`);
  subjects.set(p, subjectFor(p, 'suspended'));
  const suspended = await trigger('SubscriptionSuspended', subjects.get(p)!);
  await reactor.reached(suspended.position);
  expect(router.secretNamed(`pel${p}`)).toEqual(expect.objectContaining({ disabled: 'true', profile: 'isolir' }));
  expect(router.profileNamed('isolir')).toBeDefined();
  expect(router.sessionsOf(`pel${p}`)).toEqual([]);
  const customerId = subjects.get(p)!.customerId;
  expect(await outcomes(customerId)).toEqual([
    {
      type: 'PppoeSynced',
      data: expect.objectContaining({ pelangganId: p, customerId, mikrotikServerId: serverId, secretName: `pel${p}`, profile: 'isolir', disabled: true, action: 'updated', activeSessionsRemoved: 1 }),
      causationId: suspended.id,
    },
  ]);

  subjects.set(p, subjectFor(p, 'active'));
  const reactivated = await trigger('SubscriptionReactivated', subjects.get(p)!);
  await reactor.reached(reactivated.position);
  expect(router.secretNamed(`pel${p}`)).toEqual(expect.objectContaining({ disabled: 'false', profile: '20M' }));
  expect((await outcomes(customerId)).at(-1)).toEqual({
    type: 'PppoeSynced',
    data: expect.objectContaining({ profile: '20M', disabled: false, action: 'updated', activeSessionsRemoved: 0 }),
    causationId: reactivated.id,
  });
  // The sync status the data teknis shows follows.
  await t.app.deps.sync.waitFor(await t.eventStore.headPosition(), 2000);
  expect(await mikrotikSyncForPelanggan(t.app.deps.readStore, p)).toEqual(expect.objectContaining({ status: 'synced', pppoe_profile: '20M', pppoe_disabled: false, attempts: 2 }));
});

it('an ended subscription is switched off like a suspension; a secret missing on the router is created disabled', async () => {
  const p = 100 + ++n;
  subjects.set(p, subjectFor(p, 'terminated'));
  const ended = await trigger('SubscriptionTerminated', subjects.get(p)!);
  await reactor.reached(ended.position);
  expect(router.secretNamed(`pel${p}`)).toEqual(expect.objectContaining({ disabled: 'true', profile: 'isolir', password: `pw-${p}`, service: 'pppoe' }));
  expect((await outcomes(subjects.get(p)!.customerId))[0]!.data).toEqual(expect.objectContaining({ action: 'created' }));
});

it('retries a transient router failure and records only the final outcome', async () => {
  const p = 100 + ++n;
  subjects.set(p, subjectFor(p, 'suspended'));
  router.failNext('/login', { kind: 'drop' });
  router.failNext('/ppp/secret/print', { kind: 'trap', message: 'not enough permissions (9)' });
  const e = await trigger('SubscriptionSuspended', subjects.get(p)!);
  await reactor.reached(e.position);
  const recorded = await outcomes(subjects.get(p)!.customerId);
  expect(recorded.map((o) => o.type)).toEqual(['PppoeSynced']);
  expect(router.secretNamed(`pel${p}`)!.disabled).toBe('true');
});

it('after every attempt failed, records PppoeSyncFailed with the reason and goes on to the next trigger', async () => {
  const p = 100 + ++n;
  const q = 100 + ++n;
  subjects.set(p, subjectFor(p, 'suspended'));
  subjects.set(q, subjectFor(q, 'suspended'));
  router.failNext('/ppp/profile/print', { kind: 'trap', message: 'not enough permissions (9)' }, 3);
  const failed = await trigger('SubscriptionSuspended', subjects.get(p)!);
  const next = await trigger('SubscriptionSuspended', subjects.get(q)!);
  await reactor.reached(next.position);
  expect(await outcomes(subjects.get(p)!.customerId)).toEqual([
    {
      type: 'PppoeSyncFailed',
      data: { pelangganId: p, customerId: subjects.get(p)!.customerId, mikrotikServerId: serverId, reason: '/ppp/profile/print failed: not enough permissions (9)' },
      causationId: failed.id,
    },
  ]);
  expect((await outcomes(subjects.get(q)!.customerId)).map((o) => o.type)).toEqual(['PppoeSynced']);
});

it('a trigger whose outcome is recorded is not synced again when redelivered (restart before the checkpoint)', async () => {
  const p = 100 + ++n;
  subjects.set(p, subjectFor(p, 'suspended'));
  const e = await trigger('SubscriptionSuspended', subjects.get(p)!);
  await reactor.reached(e.position);
  const commandsBefore = router.received.length;
  // The same trigger handled again, as after a crash between the outcome and the checkpoint.
  const handler = mikrotikProvisioningHandler({
    commands: t.app.deps.commands,
    readStore: t.app.deps.readStore,
    logger: silentLogger,
    attempts: 1,
    retryDelayMs: 0,
    resolveSubject: async (_s, id) => subjects.get(id) ?? null,
  });
  const [raw] = await t.eventStore.readStream(`subscription-${p}`);
  await handler.handle({ ...raw!, data: raw!.data });
  expect(router.received.length).toBe(commandsBefore);
  expect(await outcomes(subjects.get(p)!.customerId)).toHaveLength(1);
});

it('a pelanggan with no Mikrotik server, or without a PPPoE account, is skipped without an outcome', async () => {
  const p = 100 + ++n;
  const q = 100 + ++n;
  subjects.set(p, subjectFor(p, 'suspended', { mikrotikServerId: null }));
  subjects.set(q, subjectFor(q, 'suspended', { pppoeUsername: null }));
  await trigger('SubscriptionSuspended', subjects.get(p)!);
  const last = await trigger('SubscriptionSuspended', subjects.get(q)!);
  await reactor.reached(last.position);
  expect(await outcomes(subjects.get(p)!.customerId)).toEqual([]);
  expect(await outcomes(subjects.get(q)!.customerId)).toEqual([]);
});

it('a server that was removed is a recorded failure', async () => {
  const gone = await registerServerFor(t, admin, router);
  await t.http.delete(`/api/mikrotik_servers/${gone.id}`).set(bearer(admin));
  const p = 100 + ++n;
  subjects.set(p, subjectFor(p, 'suspended', { mikrotikServerId: gone.id }));
  const e = await trigger('SubscriptionSuspended', subjects.get(p)!);
  await reactor.reached(e.position);
  expect((await outcomes(subjects.get(p)!.customerId)).map((o) => [o.type, o.data.reason])).toEqual([['PppoeSyncFailed', `Mikrotik server ${gone.id} does not exist`]]);
});
