import { systemMeta } from '../../src/commands/context';
import { createPortalAccount } from '../../src/commands/portal-accounts';
import { getPelanggan } from '../../src/projections/billing-customers/queries';
import { auth, catalog, createPelanggan, startBillingApp, subscribe, type Catalog } from './billing';
import type { TestApp, TestUser } from './test-app';

/**
 * Fixtures of document 004's portal tests: a customer made through document 002 (a pelanggan of
 * a brand, optionally subscribed to a package), its portal account made by the command the
 * admin API calls, and that account signed in (temporary password replaced, unless `activate`
 * is false).
 */
export const TEMP_PASSWORD = 'temp_password123';
export const NEW_PASSWORD = 'new-secure-password-7';
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * The product for portal tests: document 002's fixtures (simulated gateway, callback token) and
 * portal limits high enough for the fixtures (the rate-limit test sets its own).
 */
export function startPortalApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startBillingApp({ DOTMAC_RATE_LIMIT_PORTAL_AUTH: '100000', DOTMAC_RATE_LIMIT_PORTAL: '100000', DOTMAC_RATE_LIMIT_ADMIN: '100000', ...env });
}

export interface PortalCustomer {
  customerId: string;
  pelangganId: number;
  portalAccountId: string;
  portalId: string;
  password: string;
  token: string;
  refreshToken: string;
  subscriptionId: number | null;
  email: string;
}

const catalogs = new WeakMap<TestApp, Promise<Catalog>>();

/** The brand JAKINET and its package, made once per app. */
export function portalCatalog(t: TestApp, admin: TestUser): Promise<Catalog> {
  let c = catalogs.get(t);
  if (!c) catalogs.set(t, (c = catalog(t, admin)));
  return c;
}

export async function portalLogin(t: TestApp, portalId: string, password: string, extra: Record<string, unknown> = {}) {
  return t.http.post('/api/portal/v1/auth/login').send({ portal_id: portalId, password, ...extra });
}

export async function portalCustomer(
  t: TestApp,
  admin: TestUser,
  options: { subscribe?: boolean; activate?: boolean } = {},
): Promise<PortalCustomer> {
  const cat = await portalCatalog(t, admin);
  const pelanggan = await createPelanggan(t, admin, { id_brand: cat.brand });
  const doc = await getPelanggan(t.app.deps.readStore, pelanggan.id);
  if (!doc) throw new Error('portal fixture: no pelanggan document');
  const customerId = doc._id;
  const subscriptionId = options.subscribe === false ? null : await subscribe(t, admin, pelanggan.id, cat.paketId);
  const created = await createPortalAccount(t.app.deps.commands, { customerId, temporaryPassword: TEMP_PASSWORD }, systemMeta(t.app.deps.commands.ids, 'test'));
  await t.app.runner.waitFor(created.position, 5000);
  const first = await portalLogin(t, created.portalId, TEMP_PASSWORD);
  if (first.status !== 200) throw new Error(`portal fixture login: ${first.status} ${JSON.stringify(first.body)}`);
  const token = first.body.data.access_token as string;
  const refreshToken = first.body.data.refresh_token as string;
  let password = TEMP_PASSWORD;
  if (options.activate !== false) {
    const changed = await t.http
      .post('/api/portal/v1/account/change-password')
      .set(bearer(token))
      .send({ current_password: TEMP_PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    if (changed.status !== 200) throw new Error(`portal fixture password change: ${changed.status} ${JSON.stringify(changed.body)}`);
    password = NEW_PASSWORD;
  }
  return {
    customerId,
    pelangganId: pelanggan.id,
    portalAccountId: created.portalAccountId,
    portalId: created.portalId,
    password,
    token,
    refreshToken,
    subscriptionId,
    email: String(pelanggan.email),
  };
}

export { auth };
