import { adminCustomer, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';

/**
 * Use case: a client that writes UUIDs in capitals (some tools do) names the same support
 * ticket in document 004 as in document 000, which lowercases path ids; a UUID that names
 * nothing is still 404.
 */
describe('GET /api/v1/support/tickets/{ticket_id} with the id in capitals (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    cs = await t.user('customer_service');
  });
  afterAll(() => t.stop());

  it('answers the ticket, as document 000 does', async () => {
    const customerId = await adminCustomer(t, cs);
    const created = await t.http.post('/api/v1/support/tickets').set(auth(cs)).send({ customer_id: customerId, subject: 'Slow', description: 'Very slow' });
    expect(created.status).toBe(201);
    const id = created.body.data.ticket.id as string;
    const upper = id.toUpperCase();
    expect(upper).not.toBe(id);

    const staff = await t.http.get(`/api/v1/support/tickets/${upper}`).set(auth(cs));
    expect(staff.status).toBe(200);
    expect(staff.body.data.ticket.id).toBe(id);
    expect(staff.headers['x-event-stream']).toBe(`ticket-${id}`);
    expect((await t.http.get(`/api/tickets/${upper}`).set(auth(cs))).body.data.ticket.id).toBe(id);

    const unknown = await t.http.get(`/api/v1/support/tickets/${'6F9619FF-8B86-4011-B42D-00C04FC964FF'}`).set(auth(cs));
    expect(unknown.status).toBe(404);
  });
});
