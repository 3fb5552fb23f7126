import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth, createCustomer, ticketBody } from '../../../test/support/audit';

interface TicketDetail {
  id: string;
  customer: { id: string };
  technician: { id: string } | null;
  type: string;
  priority: string;
  status: string;
  title: string;
  description: string;
  location: { lat: number; lng: number };
  scheduled_at: string | null;
  sla_deadline: string;
  created_at: string;
}

/** The fields the ticket's decider state and document 000's ticket detail both carry, in the state's names. */
const fromDetail = (d: TicketDetail) => ({
  exists: true,
  ticketId: d.id,
  customerId: d.customer.id,
  technicianId: d.technician?.id ?? null,
  type: d.type,
  priority: d.priority,
  status: d.status,
  title: d.title,
  description: d.description,
  location: d.location,
  scheduledAt: d.scheduled_at,
  slaDeadline: d.sla_deadline,
  createdAt: d.created_at,
});
const SHARED = ['exists', 'ticketId', 'customerId', 'technicianId', 'type', 'priority', 'status', 'title', 'description', 'location', 'scheduledAt', 'slaDeadline', 'createdAt'];
const sharedFields = (state: Record<string, unknown>) => Object.fromEntries(SHARED.map((k) => [k, state[k]]));

/**
 * State at a revision is the ticket's own `evolve` over its events up to there: after each change
 * through the ticket API, what the detail answered then equals the state the audit API folds for
 * that revision (and for the time of the change), field for field.
 */
describe('GET /api/v1/audit/streams/{stream}/state', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  let tech: TestUser;
  let ticketId: string;
  /** The detail answered right after the n-th change (revision n), and when it happened. */
  const answered: Array<{ detail: TicketDetail; at: string }> = [];

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    auditor = await t.user('auditor');
    tech = await t.user('technician');
    const customerId = await createCustomer(t, manager);
    const record = async (res: { status: number; body: { data: { ticket: TicketDetail } }; headers: Record<string, string> }, revision: number) => {
      expect([res.status < 300, res.headers.etag]).toEqual([true, `"${revision}"`]);
      answered.push({ detail: res.body.data.ticket, at: t.clock.now().toISOString() });
      // Access tokens last 15 minutes of the manual clock.
      t.clock.advance(2 * 60_000);
    };
    const created = await t.http.post('/api/tickets').set(auth(manager)).send(ticketBody(customerId, { priority: 'normal' }));
    ticketId = created.body.data.ticket.id;
    await record(created, 0);
    await record(await t.http.put(`/api/tickets/${ticketId}`).set(auth(manager)).send({ priority: 'critical', title: 'Internet mati total' }), 1);
    await record(await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: tech.userId, scheduled_at: '2026-02-01T09:00:00.000Z' }), 2);
    await record(await t.http.put(`/api/tickets/${ticketId}/status`).set(auth(tech)).send({ status: 'in_progress' }), 3);
    await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(tech)).send({ comment: 'ONT replaced' });
    await record(await t.http.get(`/api/tickets/${ticketId}`).set(auth(manager)), 4);
    await record(await t.http.put(`/api/tickets/${ticketId}/status`).set(auth(tech)).send({ status: 'resolved', notes: 'Fixed' }), 5);
  });
  afterAll(async () => {
    await t.stop();
  });

  const stateOf = (query: string) => t.http.get(`/api/v1/audit/streams/ticket-${ticketId}/state${query}`).set(auth(auditor));

  it('equals, at each revision N, what the ticket detail answered right after the N-th change', async () => {
    expect(answered).toHaveLength(6);
    for (const [revision, { detail }] of answered.entries()) {
      const res = await stateOf(`?revision=${revision}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ stream: `ticket-${ticketId}`, aggregate: 'ticket', revision, current_revision: 5 });
      expect([revision, sharedFields(res.body.data.state)]).toEqual([revision, fromDetail(detail)]);
    }
    // The states do differ from one revision to the next: the check above is not comparing constants.
    expect(new Set(answered.map((a) => JSON.stringify(fromDetail(a.detail)))).size).toBe(5);
  });

  it('folds up to a time: the last change recorded at or before it', async () => {
    for (const [revision, { detail, at }] of answered.entries()) {
      const aMinuteLater = new Date(Date.parse(at) + 60_000).toISOString();
      const res = await stateOf(`?at=${encodeURIComponent(aMinuteLater)}`);
      expect([res.status, res.body.data.revision]).toEqual([200, revision]);
      expect(sharedFields(res.body.data.state)).toEqual(fromDetail(detail));
    }
    const now = await stateOf('');
    expect(now.body.data.revision).toBe(5);
    expect(now.body.data.state.status).toBe('resolved');
  });

  it('answers 404 before the first event or past the last revision, 422 for bad input or a stream without state', async () => {
    expect((await stateOf('?at=2000-01-01T00:00:00Z')).status).toBe(404);
    expect((await stateOf('?revision=6')).status).toBe(404);
    const both = await stateOf('?revision=1&at=2026-01-01T00:00:00Z');
    expect([both.status, Object.keys(both.body.error.details)]).toEqual([422, ['at']]);
    const bad = await stateOf('?revision=-1');
    expect([bad.status, bad.body.error.details.revision]).toEqual([422, ['The revision must be a non-negative integer.']]);
    const sequence = await t.http.get('/api/v1/audit/streams/sequence-ticket/state').set(auth(auditor));
    expect([sequence.status, Object.keys(sequence.body.error.details)]).toEqual([422, ['stream']]);
  });

  it('redacts secrets in a state', async () => {
    const res = await t.http.get(`/api/v1/audit/streams/user-${manager.userId}/state`).set(auth(auditor));
    expect(res.status).toBe(200);
    expect(res.body.data.state).toMatchObject({ role: 'manager', passwordHash: '[redacted]' });
  });
});
