import { systemMeta } from '../../src/commands/context';
import { registerCustomer } from '../../src/commands/customers';
import { registerBrand } from '../../src/commands/billing/brands';
import type { BillingCommandDeps } from '../../src/commands/billing/deps';
import { createServicePlan } from '../../src/commands/billing/service-plans';
import { createSubscription, suspendSubscription } from '../../src/commands/billing/subscriptions';
import { recordTechnicalData } from '../../src/commands/billing/technical-data';
import type { TestApp } from './test-app';
import type { RouterOsStandIn } from './routeros-standin';

/** Helpers for document 002's Mikrotik API tests: a bearer header, a server registered through HTTP pointing at a stand-in. */

import { auth as bearer } from './test-app';
export { bearer };

let counter = 0;

export async function registerServerFor(
  t: TestApp,
  by: { token: string },
  router: Pick<RouterOsStandIn, 'host' | 'port' | 'username' | 'password'>,
  more: Record<string, unknown> = {},
): Promise<{ id: number; body: Record<string, unknown> }> {
  counter++;
  const res = await t.http
    .post('/api/mikrotik_servers/')
    .set(bearer(by))
    .send({ name: `POP ${counter}`, host_ip: router.host, port: router.port, username: router.username, password: router.password, ros_version: '7.18', ...more });
  if (res.status !== 201) throw new Error(`mikrotik server fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as number, body: res.body };
}

/**
 * A pelanggan the sync can provision, made through the billing use cases (document 002's
 * pelanggan, brand, paket layanan, langganan and data teknis), its read models caught up.
 */
export interface BillingFixture {
  pelangganId: number;
  customerId: string;
  subscriptionId: number | null;
  technicalDataId: number | null;
}

let fixtures = 0;

export function billingDeps(t: TestApp): BillingCommandDeps {
  return {
    ...t.app.deps.commands,
    paymentGateway: () => {
      throw new Error('no payment gateway in Mikrotik tests');
    },
    billing: { currency: 'IDR', timeZone: 'Asia/Jakarta', suspendAfterDays: 7 },
  } as BillingCommandDeps;
}

export async function provisionablePelanggan(
  t: TestApp,
  options: {
    serverId: number | null;
    pppoeUsername?: string | null;
    pppoePassword?: string | null;
    ip?: string | null;
    speedMbps?: number;
    pppoeProfile?: string | null;
    /** Subscribe to a plan (default true); `suspended` suspends that subscription. */
    subscription?: 'active' | 'suspended' | 'none';
    /** Record data teknis (default true). */
    technicalData?: boolean;
  },
): Promise<BillingFixture> {
  fixtures++;
  const deps = billingDeps(t);
  const meta = systemMeta(deps.ids, 'mikrotik-fixture');
  const { customerId, number, result } = await registerCustomer(
    deps,
    {
      details: {
        fullName: `Pelanggan Mikrotik ${fixtures}`,
        phone: `0821${String(fixtures).padStart(8, '0')}`,
        email: `mikrotik.${fixtures}.${Date.now()}@example.com`,
        nationalId: null,
        address: { line: `Jl. Router No. ${fixtures}`, line2: null, block: null, unit: null, city: null, province: null, postalCode: null, country: null },
        coordinates: null,
        serviceArea: null,
        servicePackage: null,
        brand: null,
        installationDate: null,
        customerType: null,
      },
      createLogin: false,
    },
    meta,
  );
  let position = result.position ?? 0;
  const track = (p: number | null) => {
    if (p !== null && p > position) position = p;
  };
  let subscriptionId: number | null = null;
  if ((options.subscription ?? 'active') !== 'none') {
    const brandId = `MKT${fixtures}`;
    track((await registerBrand(deps, { brandId, name: `Brand ${fixtures}`, gateway: { provider: 'simulated' } }, meta)).position);
    const plan = await createServicePlan(
      deps,
      { brandId, name: `Internet ${options.speedMbps ?? 20} Mbps`, speedMbps: options.speedMbps ?? 20, price: 250_000, pppoeProfile: options.pppoeProfile ?? null },
      meta,
    );
    track(plan.result.position);
    const sub = await createSubscription(deps, { customerId, terms: { planId: plan.planId, dueDate: '2026-04-10', paymentMethod: 'Manual' } }, meta);
    track(sub.result.position);
    subscriptionId = sub.subscriptionId;
    if (options.subscription === 'suspended') track((await suspendSubscription(deps, subscriptionId, { reason: 'manual', invoiceId: null }, meta)).position);
  }
  let technicalDataId: number | null = null;
  if (options.technicalData ?? true) {
    const td = await recordTechnicalData(
      deps,
      {
        customerId,
        mikrotikServerId: options.serverId,
        ip: options.ip === undefined ? `10.60.${Math.floor(fixtures / 250)}.${(fixtures % 250) + 2}` : options.ip,
        vlan: 100,
        pppoeUsername: options.pppoeUsername === undefined ? `pppoe${fixtures}` : options.pppoeUsername,
        pppoePassword: options.pppoePassword === undefined ? `pppoe-pass-${fixtures}` : options.pppoePassword,
        ontSerial: null,
        odpPort: null,
        oltPort: null,
      },
      meta,
    );
    track(td.result.position);
    technicalDataId = td.technicalDataId;
  }
  await t.app.runner.waitFor(position, 5000);
  return { pelangganId: number, customerId, subscriptionId, technicalDataId };
}
