import { adminCustomer, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `POST /api/v1/support/tickets`: staff open a ticket in the same Ticket aggregate the technicians work on. */
describe('POST /api/v1/support/tickets (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
  let customerId: string;
  const create = (body: Record<string, unknown>, as: { token: string } = cs) => t.http.post('/api/v1/support/tickets').set(auth(as)).send(body);

  beforeAll(async () => {
    t = await startTestApp();
    cs = await t.user('customer_service');
    customerId = await adminCustomer(t, cs);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates a ticket in 004 words that document 000 lists with its own', async () => {
    const res = await create({ customer_id: customerId, subject: 'Internet Speed Issues', description: 'Much slower than expected', category: 'technical', priority: 'high' });
    expect(res.status).toBe(201);
    expect(res.body.data.ticket).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ticket_number: 'TKT-000001',
      subject: 'Internet Speed Issues',
      description: 'Much slower than expected',
      status: 'open',
      priority: 'high',
      category: 'technical',
      customer_id: customerId,
      service_id: null,
      assigned_to: null,
      channel: 'staff',
      sla_due_date: '2026-01-16T12:00:00Z',
      sla_breached: false,
      created_date: '2026-01-15T12:00:00Z',
      last_update: '2026-01-15T12:00:00Z',
      resolved_date: null,
      closed_date: null,
      resolution: null,
      resolution_category: null,
      customer_satisfaction: null,
      follow_up_required: null,
    });
    const same = await t.http.get(`/api/tickets/${res.body.data.ticket.id}`).set(auth(cs));
    expect(same.status).toBe(200);
    expect(same.body.data.ticket).toMatchObject({ ticket_number: 'TKT-000001', type: 'repair', priority: 'high', status: 'new', title: 'Internet Speed Issues' });
  });

  it('defaults to a general, medium ticket (maintenance, normal for document 000)', async () => {
    const res = await create({ customer_id: customerId, subject: 'Question about my bill', description: 'Charged twice?' });
    expect(res.body.data.ticket).toMatchObject({ category: 'general', priority: 'medium', sla_due_date: '2026-01-17T12:00:00Z' });
    const same = await t.http.get(`/api/tickets/${res.body.data.ticket.id}`).set(auth(cs));
    expect(same.body.data.ticket).toMatchObject({ type: 'maintenance', priority: 'normal' });
  });

  it('creates once for a retried request with the same Idempotency-Key', async () => {
    const body = { customer_id: customerId, subject: 'Once', description: 'Only once' };
    const first = await t.http.post('/api/v1/support/tickets').set(auth(cs)).set('Idempotency-Key', 'ticket-1').send(body);
    const again = await t.http.post('/api/v1/support/tickets').set(auth(cs)).set('Idempotency-Key', 'ticket-1').send(body);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body.data.ticket.id).toBe(first.body.data.ticket.id);
  });

  it('answers validation errors per field and follows the role matrix', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ customer_id: '7d0c3c53-0000-4000-8000-000000000000', subject: 's', description: 'd' }, 'customer_id'],
      [{ customer_id: customerId, description: 'd' }, 'subject'],
      [{ customer_id: customerId, subject: 's', description: 'd', category: 'complaints' }, 'category'],
      [{ customer_id: customerId, subject: 's', description: 'd', priority: 'urgent' }, 'priority'],
      [{ customer_id: customerId, subject: 's', description: 'd', service_id: '404' }, 'service_id'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect({ field, status: res.status, got: res.body.error?.details?.field }).toEqual({ field, status: 422, got: field });
    }
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, status: (await create({ customer_id: customerId, subject: 's', description: 'd' }, u)).status }).toEqual({ role, status: allows('tickets.create', role) ? 201 : 403 });
    }
  });
});
