import { adminCustomer, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `PUT /api/v1/support/tickets/{id}/assign`: technician, priority, sla_hours and notes. */
describe('PUT /api/v1/support/tickets/{id}/assign (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let manager: TestUser;
  let tech: TestUser;
  let customerId: string;
  const ticket = async () => (await t.http.post('/api/v1/support/tickets').set(auth(cs)).send({ customer_id: customerId, subject: 'Slow', description: 'Very slow' })).body.data.ticket.id as string;
  const assign = (id: string, body: Record<string, unknown>, as: { token: string } = manager) => t.http.put(`/api/v1/support/tickets/${id}/assign`).set(auth(as)).send(body);

  beforeAll(async () => {
    t = await startTestApp();
    cs = await t.user('customer_service');
    manager = await t.user('manager');
    tech = await t.user('technician');
    customerId = await adminCustomer(t, cs);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('assigns with a new priority and SLA hours; the technician sees it in document 000', async () => {
    const id = await ticket();
    const res = await assign(id, { assigned_to: tech.userId, priority: 'high', sla_hours: 24, notes: 'Escalating due to service impact' });
    expect(res.status).toBe(200);
    expect(res.body.data.ticket).toMatchObject({ id, assigned_to: tech.userId, priority: 'high', status: 'open', sla_due_date: '2026-01-16T12:00:00Z' });
    const mine = await t.http.get('/api/tickets').set(auth(tech));
    expect(mine.body.data.tickets.map((x: { id: string }) => x.id)).toContain(id);
    const events = (await t.eventStore.readStream(`ticket-${id}`)).map((e) => e.type);
    expect(events).toEqual(['TicketCreated', 'TicketUpdated', 'TicketAssigned']);
    // The same technician again with only a priority: nothing is reassigned.
    const again = await assign(id, { assigned_to: tech.userId, priority: 'critical' });
    expect(again.body.data.ticket).toMatchObject({ priority: 'critical', sla_due_date: '2026-01-15T20:00:00Z' });
    expect((await t.eventStore.readStream(`ticket-${id}`)).map((e) => e.type)).toEqual(['TicketCreated', 'TicketUpdated', 'TicketAssigned', 'TicketUpdated']);
  });

  it('refuses someone who is not an active technician (422, nothing changed), and a closed ticket (409)', async () => {
    const id = await ticket();
    const res = await assign(id, { assigned_to: cs.userId, priority: 'critical' });
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe('assigned_to');
    expect((await t.eventStore.readStream(`ticket-${id}`)).map((e) => e.type)).toEqual(['TicketCreated']);
    expect((await t.http.post(`/api/v1/support/tickets/${id}/close`).set(auth(cs)).send({ resolution: 'Duplicate' })).status).toBe(200);
    expect((await assign(id, { assigned_to: tech.userId })).status).toBe(409);
    for (const body of [{ assigned_to: tech.userId, sla_hours: 0 }, { assigned_to: tech.userId, priority: 'urgent' }, {}]) expect((await assign(id, body)).status).toBe(422);
    expect((await assign('7d0c3c53-0000-4000-8000-000000000000', { assigned_to: tech.userId })).status).toBe(404);
  });

  it('follows the role matrix', async () => {
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const id = await ticket();
      const u = await t.user(role);
      expect({ role, status: (await assign(id, { assigned_to: tech.userId }, u)).status }).toEqual({ role, status: allows('tickets.assign', role) ? 200 : 403 });
    }
  });
});
