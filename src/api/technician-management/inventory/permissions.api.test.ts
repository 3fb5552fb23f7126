import type { Role } from '../../../domain/user';
import { customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as } from '../../../../test/support/inventory';
import { ALL_ROLES } from '../permissions';
import { INVENTORY_PERMISSIONS as P } from './permissions';

/** Document 000 inventory: every endpoint for every role (docs/api/000-inventory.md, "Roles"). */
describe('document 000 inventory permissions', () => {
  let t: TestApp;
  const users = {} as Record<Role, { token: string; userId: string }>;
  let itemId: string;
  let assignmentId: string;

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ALL_ROLES.filter((r) => r !== 'customer')) users[role] = (await t.user(role)) as TestUser;
    const { customerId, user } = await customerWithLogin(t, users.manager);
    users.customer = user;
    const ticket = await t.http
      .post('/api/tickets')
      .set(as(users.manager))
      .send({ customer_id: customerId, type: 'repair', priority: 'normal', title: 'x', description: 'x', location: { lat: 0, lng: 0 } });
    itemId = (await t.http.post('/api/inventory/items').set(as(users.manager)).send({ name: 'Kabel', category: 'Cable', sku: 'K1', unit_price: 1, stock_quantity: 100, min_stock_level: 1 }))
      .body.data.item.id;
    assignmentId = (
      await t.http
        .post('/api/inventory/assignments')
        .set(as(users.manager))
        .send({ item_id: itemId, technician_id: users.technician.userId, ticket_id: ticket.body.data.ticket.id, quantity: 1 })
    ).body.data.assignment.id;
  });
  afterAll(async () => {
    await t.stop();
  });

  type Call = (u: { token: string }) => Promise<{ status: number; body: { error?: { code: string } } }>;
  // Writes go with invalid bodies: an allowed role gets 422 (validation after the permission check).
  const endpoints: Record<string, { call: Call; allowed: readonly Role[]; ok: number }> = {
    'GET /api/inventory/items': { call: (u) => t.http.get('/api/inventory/items').set(as(u)), allowed: P.viewItems, ok: 200 },
    'GET /api/inventory/items/:id': { call: (u) => t.http.get(`/api/inventory/items/${itemId}`).set(as(u)), allowed: P.viewItems, ok: 200 },
    'POST /api/inventory/items': { call: (u) => t.http.post('/api/inventory/items').set(as(u)).send({}), allowed: P.manageItems, ok: 422 },
    'PUT /api/inventory/items/:id': { call: (u) => t.http.put(`/api/inventory/items/${itemId}`).set(as(u)).send({ name: '' }), allowed: P.manageItems, ok: 422 },
    'POST /api/inventory/items/:id/movements': { call: (u) => t.http.post(`/api/inventory/items/${itemId}/movements`).set(as(u)).send({}), allowed: P.manageItems, ok: 422 },
    'GET /api/inventory/assignments': { call: (u) => t.http.get('/api/inventory/assignments').set(as(u)), allowed: P.viewAssignments, ok: 200 },
    'POST /api/inventory/assignments': { call: (u) => t.http.post('/api/inventory/assignments').set(as(u)).send({}), allowed: P.assign, ok: 422 },
    'PUT /api/inventory/assignments/:id/return': {
      call: (u) => t.http.put(`/api/inventory/assignments/${assignmentId}/return`).set(as(u)).send({}),
      allowed: P.returnEquipment,
      ok: 422,
    },
  };
  const cases = Object.entries(endpoints).flatMap(([name, e]) => ALL_ROLES.map((role) => [name, role, e.allowed.includes(role) ? e.ok : 403] as const));

  it('covers every endpoint for every role; customers and auditors have no access', () => {
    expect(cases).toHaveLength(Object.keys(endpoints).length * ALL_ROLES.length);
    expect(cases.filter(([, role, s]) => (role === 'customer' || role === 'auditor') && s !== 403)).toEqual([]);
  });

  it.each(cases)('%s as %s → %i', async (name, role, expected) => {
    const res = await endpoints[name]!.call(users[role]);
    expect(res.status).toBe(expected);
    if (expected === 403) expect(res.body.error?.code).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it('answers 401 without a token', async () => {
    const res = await t.http.get('/api/inventory/items');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
  });
});
