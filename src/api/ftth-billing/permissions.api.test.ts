import type { Role } from '../../domain/user';
import { auth, startBillingApp } from '../../../test/support/billing';
import { customerWithLogin, type TestApp } from '../../../test/support/test-app';
import { ALL_ROLES } from '../technician-management/permissions';
import { BILLING_PERMISSIONS as P } from './permissions';

/**
 * The role matrix of document 002 (docs/api/002-billing.md), every endpoint for every role:
 * a role the table allows gets past the role check (its answer is then about the request: 200,
 * 404 for the unknown ids used here, 422 for the empty bodies), every other role gets 403.
 */
const UNKNOWN = '7d0c3c53-0000-4000-8000-000000000000';

describe('Document 002 permissions (every role, every endpoint)', () => {
  let t: TestApp;
  const tokens = {} as Record<Role, { token: string }>;

  beforeAll(async () => {
    t = await startBillingApp({ BILLING_RATE_LIMIT_GENERAL: '0' });
    for (const role of ALL_ROLES.filter((r) => r !== 'customer')) tokens[role] = await t.user(role);
    tokens.customer = (await customerWithLogin(t, tokens.manager as never)).user;
  });
  afterAll(async () => {
    await t.stop();
  });

  type Call = (token: { token: string }) => Promise<{ status: number; body: { error_code?: string } }>;
  const g = (path: string): Call => (u) => t.http.get(path).set(auth(u));
  const post = (path: string): Call => (u) => t.http.post(path).set(auth(u)).send({});
  const patch = (path: string): Call => (u) => t.http.patch(path).set(auth(u)).send({});
  const del = (path: string): Call => (u) => t.http.delete(path).set(auth(u));
  const endpoints: Record<string, [Call, readonly Role[]]> = {
    'GET /api/pelanggan/': [g('/api/pelanggan/'), P.viewPelanggan],
    'GET /api/pelanggan/{id}': [g('/api/pelanggan/99999'), P.viewPelanggan],
    'POST /api/pelanggan/': [post('/api/pelanggan/'), P.editPelanggan],
    'PATCH /api/pelanggan/{id}': [patch('/api/pelanggan/99999'), P.editPelanggan],
    'DELETE /api/pelanggan/{id}': [del('/api/pelanggan/99999'), P.closePelanggan],
    'GET /api/pelanggan/export/csv': [g('/api/pelanggan/export/csv'), P.exportPelanggan],
    'POST /api/pelanggan/import': [post('/api/pelanggan/import'), P.importPelanggan],
    'GET /api/brands/': [g('/api/brands/'), P.viewCatalog],
    'GET /api/brands/{id}': [g('/api/brands/NOPE'), P.viewCatalog],
    'POST /api/brands/': [post('/api/brands/'), P.editCatalog],
    'PATCH /api/brands/{id}': [patch('/api/brands/NOPE'), P.editCatalog],
    'DELETE /api/brands/{id}': [del('/api/brands/NOPE'), P.editCatalog],
    'GET /api/paket_layanan/': [g('/api/paket_layanan/'), P.viewCatalog],
    'GET /api/paket_layanan/{id}': [g('/api/paket_layanan/99999'), P.viewCatalog],
    'POST /api/paket_layanan/': [post('/api/paket_layanan/'), P.editCatalog],
    'PATCH /api/paket_layanan/{id}': [patch('/api/paket_layanan/99999'), P.editCatalog],
    'DELETE /api/paket_layanan/{id}': [del('/api/paket_layanan/99999'), P.editCatalog],
    'GET /api/langganan/': [g('/api/langganan/'), P.viewCatalog],
    'GET /api/langganan/{id}': [g('/api/langganan/99999'), P.viewCatalog],
    'POST /api/langganan/': [post('/api/langganan/'), P.editCatalog],
    'PATCH /api/langganan/{id}': [patch('/api/langganan/99999'), P.editCatalog],
    'DELETE /api/langganan/{id}': [del('/api/langganan/99999'), P.editCatalog],
    'POST /api/data_teknis/': [post('/api/data_teknis/'), P.editDataTeknis],
    'GET /api/data_teknis/pelanggan/{id}': [g('/api/data_teknis/pelanggan/99999'), P.viewDataTeknis],
    'PATCH /api/data_teknis/{id}': [patch('/api/data_teknis/99999'), P.editDataTeknis],
    'GET /api/invoices/': [g('/api/invoices/'), P.viewInvoices],
    'GET /api/invoices/{id}': [g('/api/invoices/99999'), P.viewInvoices],
    'POST /api/invoices/': [post('/api/invoices/'), P.editInvoices],
    'PATCH /api/invoices/{id}/status': [patch('/api/invoices/99999/status'), P.editInvoices],
    'GET /api/dashboard/': [g('/api/dashboard/'), P.reports],
    'GET /api/dashboard/loyalitas-users-by-segment': [g('/api/dashboard/loyalitas-users-by-segment'), P.reports],
    'GET /api/reports/revenue': [g('/api/reports/revenue'), P.reports],
    'GET /api/reports/customers': [g('/api/reports/customers'), P.reports],
    'PATCH /api/notifications/{id}/read': [patch(`/api/notifications/${UNKNOWN}/read`), P.notifications],
    'GET /api/activity-logs/': [g('/api/activity-logs/'), P.activity],
    'GET /api/activity-logs/pelanggan/{id}': [g('/api/activity-logs/pelanggan/99999'), P.activity],
  };
  const cases = Object.entries(endpoints).flatMap(([name, [call, allowed]]) => ALL_ROLES.map((role) => [name, role, allowed.includes(role), call] as const));

  it('covers every signed-in endpoint of the document for every role', () => {
    expect(cases).toHaveLength(36 * ALL_ROLES.length);
  });

  it.each(cases.map(([name, role, allowed]) => [name, role, allowed ? 'allowed' : 'forbidden']))('%s as %s → %s', async (name, role) => {
    const [, , allowed, call] = cases.find(([n, r]) => n === name && r === role)!;
    const res = await call(tokens[role as Role]);
    if (allowed) {
      expect([name, role, res.status === 403 || res.status === 401 || res.status >= 500]).toEqual([name, role, false]);
    } else {
      expect([name, role, res.status, res.body.error_code]).toEqual([name, role, 403, 'FORBIDDEN']);
    }
  });
});
