import { auth, customerWithLogin, openRepairTicket, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';

/**
 * Use case: staff mark a comment internal (`is_internal: true`, for document 004) on document
 * 000's POST /api/tickets/:id/comments; the customer's own login never sees it: not in the
 * ticket, its history or their notifications, and cannot write one.
 */
describe('internal ticket comments (document 000 with 004 is_internal)', () => {
  let t: TestApp;
  let manager: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
  });
  afterAll(() => t.stop());

  it('keeps internal comments from the customer, shows them to staff', async () => {
    const { customerId, user: customer } = await customerWithLogin(t, manager);
    const id = await openRepairTicket(t, manager, customerId);
    expect((await t.http.post(`/api/tickets/${id}/comments`).set(auth(manager)).send({ comment: 'We are on it' })).status).toBe(201);
    const internal = await t.http.post(`/api/tickets/${id}/comments`).set(auth(manager)).send({ comment: 'Suspect the customer resold the line', is_internal: true });
    expect(internal.status).toBe(201);
    expect(internal.body.data.comment).toMatchObject({ comment: 'Suspect the customer resold the line', is_internal: true });

    const forStaff = (await t.http.get(`/api/tickets/${id}`).set(auth(manager))).body.data.ticket;
    expect(forStaff.comments.map((c: { is_internal: boolean }) => c.is_internal)).toEqual([false, true]);
    expect(forStaff.history.filter((h: { action: string }) => h.action === 'commented')).toHaveLength(2);

    const forCustomer = await t.http.get(`/api/tickets/${id}`).set(auth(customer));
    expect(forCustomer.status).toBe(200);
    expect(forCustomer.body.data.ticket.comments.map((c: { comment: string }) => c.comment)).toEqual(['We are on it']);
    expect(forCustomer.body.data.ticket.history.filter((h: { action: string }) => h.action === 'commented')).toHaveLength(1);
    expect(JSON.stringify(forCustomer.body)).not.toContain('resold');
    const notifications = await t.http.get('/api/notifications').set(auth(customer));
    expect(JSON.stringify(notifications.body)).toContain('We are on it');
    expect(JSON.stringify(notifications.body)).not.toContain('resold');

    const refused = await t.http.post(`/api/tickets/${id}/comments`).set(auth(customer)).send({ comment: 'Me too', is_internal: true });
    expect(refused.status).toBe(403);
    expect((await t.http.post(`/api/tickets/${id}/comments`).set(auth(customer)).send({ comment: 'Thanks' })).status).toBe(201);
  });
});
