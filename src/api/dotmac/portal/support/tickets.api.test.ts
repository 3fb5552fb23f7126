import { auth } from '../../../../../test/support/billing';
import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../../test/support/test-app';

/**
 * Use case: a customer opens a support ticket in the portal, the technicians work on the same
 * ticket through document 000 (assignment, comments, an internal note), and the customer
 * follows it and answers (document 004 /api/portal/v1/support/tickets).
 */
describe('portal support tickets', () => {
  let t: TestApp;
  let admin: TestUser;
  let tech: TestUser;
  let c: PortalCustomer;
  let other: PortalCustomer;
  const portal = (who: PortalCustomer = c) => ({
    get: (path: string) => t.http.get(`/api/portal/v1/support/tickets${path}`).set(bearer(who.token)),
    post: (path: string, body: object) => t.http.post(`/api/portal/v1/support/tickets${path}`).set(bearer(who.token)).send(body),
  });

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    tech = await t.user('technician', { full_name: 'Tech Support' });
    c = await portalCustomer(t, admin);
    other = await portalCustomer(t, admin);
  });
  afterAll(() => t.stop());

  it('opens a ticket in the Ticket aggregate the technicians work on, with 004 category and priority mapped', async () => {
    const res = await portal().post('', {
      subject: 'Internet Speed Issues',
      category: 'technical',
      priority: 'medium',
      description: 'My internet speed is much slower than expected...',
      service_id: String(c.subscriptionId),
    });
    expect(res.status).toBe(201);
    const ticket = res.body.data.ticket;
    expect(ticket).toMatchObject({
      ticket_number: expect.stringMatching(/^TKT-/),
      subject: 'Internet Speed Issues',
      status: 'open',
      priority: 'medium',
      category: 'technical',
      description: 'My internet speed is much slower than expected...',
      assigned_technician: null,
      service_affected: { id: String(c.subscriptionId), type: 'internet', plan_name: 'Internet 50Mbps' },
      comments: [],
    });
    expect(res.headers.location).toBe(`/api/portal/v1/support/tickets/${ticket.id}`);
    // The same ticket in document 000: a repair of normal priority, opened through the portal.
    const staff = await t.http.get(`/api/tickets/${ticket.id}`).set(auth(admin));
    expect(staff.status).toBe(200);
    expect(staff.body.data.ticket).toMatchObject({ ticket_number: ticket.ticket_number, type: 'repair', priority: 'normal', status: 'new', channel: 'portal', title: 'Internet Speed Issues' });
    const queue = await t.http.get('/api/tickets?status=new').set(auth(admin));
    expect(queue.body.data.tickets.map((x: { id: string }) => x.id)).toContain(ticket.id);
  });

  it('shows staff comments, never internal ones; the customer answers; filters by 004 status and priority', async () => {
    const created = await portal().post('', { subject: 'No connection', category: 'technical', priority: 'critical', description: 'The line is down since this morning.' });
    const id = created.body.data.ticket.id as string;
    expect((await t.http.post(`/api/tickets/${id}/assign`).set(auth(admin)).send({ technician_id: tech.userId })).status).toBe(200);
    expect((await t.http.post(`/api/tickets/${id}/comments`).set(auth(tech)).send({ comment: "We're investigating the issue in your area." })).status).toBe(201);
    const note = await t.http.post(`/api/tickets/${id}/comments`).set(auth(tech)).send({ comment: 'Customer router looks misconfigured', is_internal: true });
    expect(note.status).toBe(201);
    expect(note.body.data.comment.is_internal).toBe(true);
    // Staff see the note in document 000.
    const staffView = await t.http.get(`/api/tickets/${id}`).set(auth(admin));
    expect(staffView.body.data.ticket.comments.map((x: { is_internal: boolean }) => x.is_internal)).toEqual([false, true]);

    const answer = await portal().post(`/${id}/comments`, { message: 'The issue is still occurring as of this morning.' });
    expect(answer.status).toBe(201);
    expect(answer.body.data.comment).toMatchObject({ author: 'customer', message: 'The issue is still occurring as of this morning.', is_internal: false });

    const detail = await portal().get(`/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.data.ticket).toMatchObject({ status: 'open', priority: 'critical', assigned_technician: 'Tech Support', service_affected: null });
    expect(detail.body.data.ticket.comments.map((x: { author: string; author_name: string; message: string }) => [x.author, x.author_name, x.message])).toEqual([
      ['technician', 'Tech Support', "We're investigating the issue in your area."],
      ['customer', expect.any(String), 'The issue is still occurring as of this morning.'],
    ]);
    expect(JSON.stringify(detail.body)).not.toContain('misconfigured');
    // The technician sees the customer's answer.
    const techView = await t.http.get(`/api/tickets/${id}`).set(auth(tech));
    expect(techView.body.data.ticket.comments.map((x: { comment: string }) => x.comment)).toContain('The issue is still occurring as of this morning.');

    expect((await t.http.put(`/api/tickets/${id}/status`).set(auth(tech)).send({ status: 'in_progress' })).status).toBe(200);
    const inProgress = await portal().get('?status=in_progress');
    expect(inProgress.body.data.tickets.map((x: { id: string }) => x.id)).toEqual([id]);
    expect((await portal().get('?priority=critical')).body.data.tickets.map((x: { id: string }) => x.id)).toEqual([id]);
    const all = await portal().get('');
    expect(all.body.data.total).toBe(2);
    expect(all.body.pagination).toMatchObject({ total: 2, limit: 20, offset: 0 });
    expect(all.body.data.tickets[0]).toEqual({
      id,
      ticket_number: expect.any(String),
      subject: 'No connection',
      status: 'in_progress',
      priority: 'critical',
      category: 'technical',
      created_date: expect.stringMatching(/Z$/),
      last_update: expect.stringMatching(/Z$/),
      assigned_technician: 'Tech Support',
      sla_due_date: expect.stringMatching(/Z$/),
    });
    expect((await portal().get('?status=waiting')).status).toBe(422);
  });

  it('validates: subject and description required, known category and priority, the customer\'s own service', async () => {
    for (const [body, field] of [
      [{ description: 'x' }, 'subject'],
      [{ subject: 'x' }, 'description'],
      [{ subject: 'x', description: 'y', category: 'hardware' }, 'category'],
      [{ subject: 'x', description: 'y', priority: 'urgent' }, 'priority'],
    ] as const) {
      const res = await portal().post('', body);
      expect({ field, status: res.status }).toEqual({ field, status: 422 });
      expect(Object.keys(res.body.error.details.fields)).toContain(field);
    }
    const foreign = await portal().post('', { subject: 'x', description: 'y', service_id: String(other.subscriptionId) });
    expect(foreign.status).toBe(404);
  });

  it("answers another customer's ticket 404 (detail and comment), and never shows it in the list", async () => {
    const theirs = (await portal(other).post('', { subject: 'Theirs', description: 'Private matter' })).body.data.ticket.id as string;
    for (const res of [await portal().get(`/${theirs}`), await portal().post(`/${theirs}/comments`, { message: 'hello' }), await portal().get('/00000000-0000-4000-8000-000000000000'), await portal().get('/not-a-uuid')]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('RESOURCE_NOT_FOUND');
      expect(JSON.stringify(res.body)).not.toContain('Private matter');
    }
    expect((await portal().get('')).body.data.tickets.map((x: { id: string }) => x.id)).not.toContain(theirs);
    expect((await t.eventStore.readStream(`ticket-${theirs}`)).map((e) => e.type)).toEqual(['TicketCreated']);
  });
});
