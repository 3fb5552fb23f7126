import { askThrice, countReads, expectSentAgain } from '../../../../test/support/kept-answers';
import { auth, openTicketScene, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/**
 * Use case: a technician's app polls the ticket it is working on, and a dispatcher keeps it open.
 * A ticket's detail answered before is sent again as it was while nothing it read has changed
 * (src/api/http/kept-answers.ts): its history is the log's up to the ticket document's revision,
 * fixed while the document is. Made again after any change, and each time while it shows a
 * photo whose link is signed for the hour.
 */
describe('a ticket detail polled again (document 000)', () => {
  let t: TestApp;
  let manager: TestUser;
  let technician: TestUser;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ manager, technician, ticketId } = await openTicketScene(t));
  });
  afterAll(() => t.stop());

  const path = () => `/api/tickets/${ticketId}`;
  const ticketReads = () => countReads(t.app.deps.readStore, 'tickets');
  /** Asks the detail three times as `by`; the answers, and the tickets read by the third. */
  const askedThrice = (by: TestUser) => askThrice(() => t.http.get(path()).set(auth(by)), ticketReads);

  it('is sent again with the same bytes and headers, ETag included, without reading the tickets, while nothing changed', async () => {
    const { first } = await expectSentAgain(() => t.http.get(path()).set(auth(manager)), ticketReads);
    expect(first.headers.etag).toEqual(expect.any(String));
    // The kept ETag still answers a conditional request.
    expect((await t.http.get(path()).set(auth(manager)).set('If-None-Match', first.headers.etag!)).status).toBe(304);
  });

  it('shows a comment added since at the next request, with its history', async () => {
    await askedThrice(manager);
    expect((await t.http.post(`${path()}/comments`).set(auth(manager)).send({ comment: 'Sudah dicek di lokasi' })).status).toBe(201);
    const reads = ticketReads();
    const after = await t.http.get(path()).set(auth(manager));
    expect(reads()).toBeGreaterThan(0);
    const ticket = after.body.data.ticket as { comments: Array<{ comment: string }>; history: Array<{ action: string }> };
    expect(ticket.comments.map((c) => c.comment)).toContain('Sudah dicek di lokasi');
    expect(ticket.history.at(-1)).toMatchObject({ action: 'commented' });
  });

  it('is made at each request while it shows a photo, whose link is signed for the hour', async () => {
    expect((await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: technician.userId })).status).toBe(200);
    const uploaded = await t.http.post('/api/mobile/upload').set(auth(technician)).field('type', 'photo').field('ticket_id', ticketId).attach('file', PNG, 'after.png');
    expect(uploaded.status).toBe(201);
    const { third, reads } = await askedThrice(manager);
    // Made again (its ticket read), so its link is signed when it is sent (an hour later, anew:
    // detail-after-changes.api.test.ts).
    expect(reads).toBeGreaterThan(0);
    expect(third.status).toBe(200);
    expect(new URL(third.body.data.ticket.attachments[0].url).searchParams.get('signature')).toEqual(expect.any(String));
  });
});
