import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth, createCustomer, createTicket } from '../../../test/support/audit';

/** What changed in an aggregate between two revisions: the fields of its folded state, and the events in between. */
describe('GET /api/v1/audit/streams/{stream}/diff', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  let tech: TestUser;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    auditor = await t.user('auditor');
    tech = await t.user('technician');
    ticketId = await createTicket(t, manager, await createCustomer(t, manager), { priority: 'normal', title: 'Slow' });
    await t.http.put(`/api/tickets/${ticketId}`).set(auth(manager)).send({ title: 'Very slow' }); // 1
    await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: tech.userId }); // 2
    await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(tech)).send({ comment: 'Looking' }); // 3
  });
  afterAll(async () => {
    await t.stop();
  });

  const diff = (query: string) => t.http.get(`/api/v1/audit/streams/ticket-${ticketId}/diff${query}`).set(auth(auditor));

  it('lists the fields that changed and the events that changed them', async () => {
    const res = await diff('?from=0&to=2');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ stream: `ticket-${ticketId}`, aggregate: 'ticket', from: 0, to: 2 });
    expect(res.body.data.changes).toEqual([
      { path: 'status', from: 'new', to: 'assigned' },
      { path: 'title', from: 'Slow', to: 'Very slow' },
      { path: 'technicianId', from: null, to: tech.userId },
    ]);
    expect(res.body.data.events.map((e: { revision: number; type: string }) => `${e.revision} ${e.type}`)).toEqual(['1 TicketUpdated', '2 TicketAssigned']);
  });

  it('is empty between equal revisions and for a change the state does not keep', async () => {
    expect((await diff('?from=3&to=3')).body.data).toMatchObject({ changes: [], events: [] });
    const comment = await diff('?from=2&to=3');
    expect(comment.body.data.changes).toEqual([]);
    expect(comment.body.data.events.map((e: { type: string }) => e.type)).toEqual(['TicketCommentAdded']);
  });

  it('validates from and to, and answers 404 past the last revision', async () => {
    const reversed = await diff('?from=2&to=1');
    expect([reversed.status, reversed.body.error.details]).toEqual([422, { to: ['The to must be greater than or equal to from.'] }]);
    const missing = await diff('?to=1');
    expect([missing.status, Object.keys(missing.body.error.details)]).toEqual([422, ['from']]);
    expect((await diff('?from=0&to=9')).status).toBe(404);
  });
});
