import { adminCustomer, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { announcementsOf } from '../../../../reactors/webhooks/catalogue';
import { allows } from '../permissions';

/** Document 004 `POST /api/v1/support/tickets/{id}/close`: resolution, category, satisfaction, follow-up; `ticket.resolved` announced. */
describe('POST /api/v1/support/tickets/{id}/close (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let manager: TestUser;
  let tech: TestUser;
  let customerId: string;
  const ticket = async () => (await t.http.post('/api/v1/support/tickets').set(auth(cs)).send({ customer_id: customerId, subject: 'No signal', description: 'Router dead', category: 'technical' })).body.data.ticket.id as string;
  const close = (id: string, body: Record<string, unknown>, as: { token: string } = cs) => t.http.post(`/api/v1/support/tickets/${id}/close`).set(auth(as)).send(body);
  const resolution = { resolution: 'Issue resolved by replacing network equipment', resolution_category: 'hardware_replacement', customer_satisfaction: 5, follow_up_required: false };

  beforeAll(async () => {
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '86400' });
    cs = await t.user('customer_service');
    manager = await t.user('manager');
    tech = await t.user('technician');
    customerId = await adminCustomer(t, cs);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('resolves and closes a ticket in progress with its resolution, announcing ticket.resolved', async () => {
    const id = await ticket();
    await t.http.put(`/api/v1/support/tickets/${id}/assign`).set(auth(manager)).send({ assigned_to: tech.userId });
    await t.http.put(`/api/tickets/${id}/status`).set(auth(tech)).send({ status: 'in_progress' });
    t.clock.advance(3_600_000);
    const res = await close(id, resolution);
    expect(res.status).toBe(200);
    expect(res.body.data.ticket).toMatchObject({
      id,
      status: 'closed',
      resolution: 'Issue resolved by replacing network equipment',
      resolution_category: 'hardware_replacement',
      customer_satisfaction: 5,
      follow_up_required: false,
      resolved_date: '2026-01-15T13:00:00Z',
      closed_date: '2026-01-15T13:00:00Z',
      sla_breached: false,
    });
    const detail = await t.http.get(`/api/tickets/${id}`).set(auth(cs));
    expect(detail.body.data.ticket).toMatchObject({ status: 'closed', rating: 5 });
    const announced: string[] = [];
    for (const e of await t.eventStore.readStream(`ticket-${id}`)) {
      const projected = { id: e.id, type: e.type, streamName: e.streamName, revision: e.revision, position: e.position, data: e.data, metadata: e.metadata };
      for (const a of await announcementsOf(projected, { readStore: t.app.deps.readStore, portalIdOf: async () => null })) announced.push(a.event);
    }
    expect(announced).toEqual(['ticket.created', 'ticket.resolved']);
  });

  it('closes a resolved ticket in one step, a new one in two, and refuses a closed one', async () => {
    const fresh = await ticket();
    expect((await close(fresh, { resolution: 'Answered by phone' })).body.data.ticket).toMatchObject({ status: 'closed', customer_satisfaction: null, follow_up_required: false });
    expect((await t.eventStore.readStream(`ticket-${fresh}`)).map((e) => (e.type === 'TicketStatusChanged' ? `${e.data.from}>${e.data.to}` : e.type))).toEqual(['TicketCreated', 'new>resolved', 'resolved>closed']);
    const again = await close(fresh, resolution);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_STATE_TRANSITION');
  });

  it('answers validation errors and follows the role matrix', async () => {
    const id = await ticket();
    for (const [body, field] of [
      [{}, 'resolution'],
      [{ resolution: 'x', customer_satisfaction: 6 }, 'customer_satisfaction'],
      [{ resolution: 'x', resolution_category: 'Hardware Replacement!' }, 'resolution_category'],
    ] as Array<[Record<string, unknown>, string]>) {
      const res = await close(id, body);
      expect({ field, status: res.status, got: res.body.error?.details?.field }).toEqual({ field, status: 422, got: field });
    }
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const tid = await ticket();
      const u = await t.user(role);
      expect({ role, status: (await close(tid, { resolution: 'Done' }, u)).status }).toEqual({ role, status: allows('tickets.close', role) ? 200 : 403 });
    }
  });
});
