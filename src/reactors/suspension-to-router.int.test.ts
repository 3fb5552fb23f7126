import { startTestApp, type TestApp, type TestUser } from '../../test/support/test-app';
import { billingDeps, provisionablePelanggan, registerServerFor } from '../../test/support/mikrotik';
import { RouterOsStandIn } from '../../test/support/routeros-standin';
import { systemMeta } from '../commands/context';
import { reactivateSubscription, suspendSubscription } from '../commands/billing/subscriptions';

/**
 * The whole chain as the product wires it (src/app.ts createReactors): a billing suspension
 * and reactivation appended by the billing use cases, the app's reactor fed from the log,
 * the pelanggan read from the billing read models, its secret switched on the stand-in router.
 */

let t: TestApp;
let admin: TestUser;
let router: RouterOsStandIn;
let serverId: number;

beforeAll(async () => {
  t = await startTestApp({ MIKROTIK_TIMEOUT_MS: '500', MIKROTIK_SYNC_RETRY_DELAY_MS: '0' });
  admin = await t.user('super_admin');
  router = await RouterOsStandIn.start();
  serverId = (await registerServerFor(t, admin, router)).id;
  await t.app.reactors.start();
});
afterAll(async () => {
  await t.app.reactors.stop();
  await router.stop();
  await t.stop();
});

it('a suspension by billing disables the secret and ends the session; the reactivation on payment enables it', async () => {
  const p = await provisionablePelanggan(t, { serverId, pppoeUsername: 'siti01', pppoePassword: 'pw-siti', speedMbps: 40 });
  router.addProfile({ name: '40M', 'rate-limit': '40M/40M' });
  router.addSecret({ name: 'siti01', password: 'pw-siti', profile: '40M', service: 'pppoe', disabled: 'false' });
  router.connectSession('siti01');
  const deps = billingDeps(t);
  const [reactor] = t.app.reactors.all;

  const suspended = await suspendSubscription(deps, p.subscriptionId!, { reason: 'overdue', invoiceId: null }, systemMeta(deps.ids, 'suspension-job'));
  await reactor!.reached(suspended.position!);
  expect(router.secretNamed('siti01')).toEqual(expect.objectContaining({ disabled: 'true', profile: 'suspended' }));
  expect(router.sessionsOf('siti01')).toEqual([]);

  const reactivated = await reactivateSubscription(deps, p.subscriptionId!, { reason: 'payment', invoiceId: null }, systemMeta(deps.ids, 'payment'));
  await reactor!.reached(reactivated.position!);
  expect(router.secretNamed('siti01')).toEqual(expect.objectContaining({ disabled: 'false', profile: '40M' }));

  const outcomes = await t.eventStore.readStream(`mikrotik_sync-${p.customerId}`);
  expect(outcomes.map((e) => [e.type, e.data.disabled, e.metadata.causationId])).toEqual([
    ['PppoeSynced', true, suspended.newEvents[0]!.id],
    ['PppoeSynced', false, reactivated.newEvents[0]!.id],
  ]);
});

it('a router that is down when billing suspends leaves a PppoeSyncFailed after the retries', async () => {
  const down = await RouterOsStandIn.start();
  const downId = (await registerServerFor(t, admin, down)).id;
  const p = await provisionablePelanggan(t, { serverId: downId });
  await down.stop();
  const deps = billingDeps(t);
  const suspended = await suspendSubscription(deps, p.subscriptionId!, { reason: 'overdue', invoiceId: null }, systemMeta(deps.ids, 'suspension-job'));
  await t.app.reactors.all[0]!.reached(suspended.position!);
  const outcomes = await t.eventStore.readStream(`mikrotik_sync-${p.customerId}`);
  expect(outcomes.map((e) => [e.type, e.data])).toEqual([
    ['PppoeSyncFailed', { pelangganId: p.pelangganId, customerId: p.customerId, mikrotikServerId: downId, reason: `connection refused by 127.0.0.1:${down.port}` }],
  ]);
});
