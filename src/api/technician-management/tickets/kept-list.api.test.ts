import { countReads, expectSentAgain } from '../../../../test/support/kept-answers';
import { auth, openTicketScene, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';

/**
 * Use case: a wall dashboard polls the ticket list every few seconds, as do the dispatchers'
 * screens. A list answered before is sent again as it was while nothing it read has changed
 * (src/api/http/kept-answers.ts), for the same caller only, and made again after any change.
 */
describe('a ticket list polled again (document 000)', () => {
  let t: TestApp;
  let manager: TestUser;
  let technician: TestUser;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ manager, technician, ticketId } = await openTicketScene(t));
  });
  afterAll(() => t.stop());

  const ticketReads = () => countReads(t.app.deps.readStore, 'tickets');

  it('is sent again with the same bytes and headers, without reading the tickets, while nothing changed', async () => {
    const path = '/api/tickets?status=new&page=1&limit=20';
    await expectSentAgain(() => t.http.get(path).set(auth(manager)), ticketReads);
  });

  it('is made again after a write to what it shows', async () => {
    const path = '/api/tickets?page=1&limit=20';
    const before = await t.http.get(path).set(auth(manager));
    expect(before.body.data.tickets.find((x: { id: string }) => x.id === ticketId).title).toBe('Slow line');
    expect((await t.http.put(`/api/tickets/${ticketId}`).set(auth(manager)).send({ title: 'Kept answers are made again' })).status).toBe(200);
    const reads = ticketReads();
    const after = await t.http.get(path).set(auth(manager));
    expect(reads()).toBeGreaterThan(0);
    expect(after.body.data.tickets.find((x: { id: string }) => x.id === ticketId).title).toBe('Kept answers are made again');
  });

  it('is never sent to another caller: a technician sees only the tickets assigned to them', async () => {
    const path = '/api/tickets?page=1&limit=20';
    expect((await t.http.get(path).set(auth(manager))).body.data.tickets.length).toBeGreaterThan(0);
    expect((await t.http.get(path).set(auth(technician))).body.data.tickets).toEqual([]);
    expect((await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: technician.userId })).status).toBe(200);
    const mine = (await t.http.get(path).set(auth(technician))).body.data.tickets as Array<{ id: string }>;
    expect(mine.map((x) => x.id)).toEqual([ticketId]);
  });

  it('keeps no answer that was refused', async () => {
    const bad = '/api/tickets?created_from=2026-02-01&created_to=2026-01-01';
    const first = await t.http.get(bad).set(auth(manager));
    expect(first.status).toBe(422);
    expect((await t.http.get(bad).set(auth(manager))).body).toEqual(first.body);
  });
});
