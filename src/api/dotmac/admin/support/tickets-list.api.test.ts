import { adminCustomer, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import { runSlaJob } from '../../../../jobs/sla';
import { silentLogger } from '../../../../ports/logger';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `GET /api/v1/support/tickets`: status, priority, category, assigned_to, created_from/to, sla_breach. */
describe('GET /api/v1/support/tickets (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let manager: TestUser;
  let tech: TestUser;
  const ids: Record<string, string> = {};
  const list = (q = '') => t.http.get(`/api/v1/support/tickets${q}`).set(auth(manager));
  const got = (res: { body: { data: { tickets: Array<{ id: string }> } } }) => res.body.data.tickets.map((x) => x.id);

  beforeAll(async () => {
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '86400' });
    cs = await t.user('customer_service');
    manager = await t.user('manager');
    tech = await t.user('technician');
    const customerId = await adminCustomer(t, cs);
    const create = async (name: string, body: Record<string, unknown>) => {
      const res = await t.http.post('/api/v1/support/tickets').set(auth(cs)).send({ customer_id: customerId, subject: name, description: name, ...body });
      ids[name] = res.body.data.ticket.id;
      t.clock.advance(3_600_000);
    };
    await create('critical', { priority: 'critical', category: 'technical' });
    await create('billing', { priority: 'low', category: 'billing' });
    await create('sales', { priority: 'medium', category: 'sales' });
    // Assigned to the technician, who works on it.
    expect((await t.http.put(`/api/v1/support/tickets/${ids.sales}/assign`).set(auth(manager)).send({ assigned_to: tech.userId })).status).toBe(200);
    expect((await t.http.put(`/api/tickets/${ids.sales}/status`).set(auth(tech)).send({ status: 'in_progress' })).status).toBe(200);
    // Ten hours later the critical ticket (8 h SLA) is past its deadline: the SLA job records the breach.
    t.clock.advance(7 * 3_600_000);
    await runSlaJob({ commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: silentLogger }, t.clock.now());
    await t.app.deps.sync.waitFor(await t.eventStore.headPosition(), 5000);
    manager = { ...manager, token: (await t.login(manager.email, manager.password)).body.token };
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists newest first with pagination', async () => {
    const res = await list('?limit=2');
    expect(res.status).toBe(200);
    expect(got(res)).toEqual([ids.sales, ids.billing]);
    expect(res.body.pagination).toEqual({ total: 3, limit: 2, offset: 0, has_more: true, next_offset: 2, prev_offset: null });
  });

  it('filters by each documented filter', async () => {
    expect(got(await list('?status=open'))).toEqual([ids.billing, ids.critical]);
    expect(got(await list('?status=in_progress'))).toEqual([ids.sales]);
    expect(got(await list('?priority=critical'))).toEqual([ids.critical]);
    expect(got(await list('?category=billing'))).toEqual([ids.billing]);
    expect(got(await list(`?assigned_to=${tech.userId}`))).toEqual([ids.sales]);
    expect(got(await list('?sla_breach=true'))).toEqual([ids.critical]);
    expect(got(await list('?sla_breach=false'))).toEqual([ids.sales, ids.billing]);
    expect(got(await list('?status=open&sla_breach=true'))).toEqual([ids.critical]);
    expect(got(await list('?created_from=2026-01-15T13:00:00Z'))).toEqual([ids.sales, ids.billing]);
    expect(got(await list('?created_to=2026-01-15T12:30:00Z'))).toEqual([ids.critical]);
    expect(got(await list('?created_from=2026-01-15&created_to=2026-01-15'))).toHaveLength(3);
  });

  it('refuses bad filters and follows the role matrix', async () => {
    for (const q of ['?status=new', '?priority=urgent', '?category=x', '?assigned_to=me', '?sla_breach=maybe', '?created_from=soon']) expect({ q, status: (await list(q)).status }).toEqual({ q, status: 422 });
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, status: (await t.http.get('/api/v1/support/tickets').set(auth(u))).status }).toEqual({ role, status: allows('tickets.list', role) ? 200 : 403 });
    }
  });
});
