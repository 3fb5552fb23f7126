import { auth, customerWithLogin, openRepairTicket, startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';

/**
 * Use case: a browser (or any HTTP cache) sends back the ETag it was given as If-None-Match. A
 * read's ETag is its aggregate's stream revision, the token If-Match checks on writes; the answer
 * also shows what other streams say (a ticket shows its customer's name), which can change while
 * the revision does not. Such a GET is therefore always answered in full, never 304 Not Modified.
 */
describe('conditional GET of an aggregate read', () => {
  let t: TestApp;
  let manager: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
  });
  afterAll(() => t.stop());

  it('answers a ticket in full to If-None-Match with its ETag, after its customer was renamed', async () => {
    const { customerId } = await customerWithLogin(t, manager);
    const id = await openRepairTicket(t, manager, customerId);

    const first = await t.http.get(`/api/tickets/${id}`).set(auth(manager));
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toBe('"0"');

    const renamed = await t.http.put(`/api/customers/${customerId}`).set(auth(manager)).send({ full_name: 'Budi Renamed' });
    expect(renamed.status).toBe(200);

    const again = await t.http.get(`/api/tickets/${id}`).set(auth(manager)).set('If-None-Match', etag);
    expect(again.status).toBe(200);
    expect(again.headers.etag).toBe(etag);
    expect(again.body.data.ticket.customer.full_name).toBe('Budi Renamed');
  });
});
