import { auth, openTicketScene, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';

/**
 * Use case: a dispatcher keeps the ticket list open and reloads it while others work. Items
 * shown before are not presented again while nothing they show changed (json-text.ts), so each
 * reload must still show the ticket's, the customer's and the technician's latest state, on
 * every list that shows the ticket.
 */
describe('ticket lists reloaded after the tickets, customers and technicians they show changed (document 000)', () => {
  let t: TestApp;
  let manager: TestUser;
  let technician: TestUser;
  let customerId: string;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ manager, technician, customerId, ticketId } = await openTicketScene(t));
  });
  afterAll(() => t.stop());

  const lists = () => [`/api/tickets`, `/api/customers/${customerId}/tickets`, `/api/technicians/${technician.userId}/tickets`];
  const itemOn = async (path: string) => {
    const res = await t.http.get(path).set(auth(manager));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const item = (res.body.data.tickets as Array<{ id: string }>).find((x) => x.id === ticketId);
    return item as { title: string; status: string; customer: { full_name: string }; technician: { full_name: string } | null } | undefined;
  };

  it('shows each change at the next reload, as often as the list is reloaded', async () => {
    const before = await itemOn('/api/tickets');
    expect(before).toMatchObject({ title: 'Slow line', status: 'new', technician: null });
    await itemOn('/api/tickets');

    expect((await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: technician.userId })).status).toBe(200);
    for (const path of lists()) {
      for (let reload = 0; reload < 2; reload++) {
        expect(await itemOn(path)).toMatchObject({ status: 'assigned', technician: { full_name: 'Teknisi Awal' }, customer: { full_name: before!.customer.full_name } });
      }
    }

    expect((await t.http.put(`/api/customers/${customerId}`).set(auth(manager)).send({ full_name: 'Pelanggan Berganti Nama' })).status).toBe(200);
    for (const path of lists()) expect(await itemOn(path)).toMatchObject({ customer: { full_name: 'Pelanggan Berganti Nama' } });

    const profile = { full_name: 'Teknisi Baru' };
    expect((await t.http.put(`/api/users/${technician.userId}`).set(auth(manager)).send({ profile })).status).toBe(200);
    for (const path of lists()) expect(await itemOn(path)).toMatchObject({ technician: { full_name: 'Teknisi Baru' } });

    expect((await t.http.put(`/api/tickets/${ticketId}`).set(auth(manager)).send({ title: 'No connection at all' })).status).toBe(200);
    for (const path of lists()) {
      expect(await itemOn(path)).toEqual(expect.objectContaining({ title: 'No connection at all', customer: expect.objectContaining({ full_name: 'Pelanggan Berganti Nama' }) }));
    }
  });
});
