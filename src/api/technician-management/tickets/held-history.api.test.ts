import { auth, customerWithLogin, openRepairTicket, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';

/**
 * Use case: an operator sizes the ticket histories held in memory (TICKET_HISTORY_ENTRIES) to
 * their queue. However small, a ticket's detail shows its whole history, in order: a ticket too
 * long to hold, or forgotten to make room for another, is read from the log again.
 */
describe('ticket history held in memory, sized by TICKET_HISTORY_ENTRIES (document 000)', () => {
  const commentsOf = async (t: TestApp, manager: TestUser, id: string) => {
    const body = (await t.http.get(`/api/tickets/${id}`).set(auth(manager))).body.data.ticket;
    return body.history.filter((h: { action: string }) => h.action === 'commented').map((h: { new_value: string }) => h.new_value);
  };

  // 30: a ticket past 3 entries is not held, and twelve tickets of up to 3 entries make more
  // than 30 in all, so some are forgotten at random before they are shown again.
  it.each(['0', '30'])('shows every entry of twelve tickets shown in turn with %s entries held', async (entries) => {
    const t = await startTestApp({ TICKET_HISTORY_ENTRIES: entries });
    try {
      const manager = await t.user('manager');
      const { customerId } = await customerWithLogin(t, manager);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await openRepairTicket(t, manager, customerId));
      const said: string[][] = ids.map(() => []);
      for (let round = 0; round < 4; round++) {
        for (const [i, id] of ids.entries()) {
          const comment = `round ${round} on ticket ${i}`;
          expect((await t.http.post(`/api/tickets/${id}/comments`).set(auth(manager)).send({ comment })).status).toBe(201);
          said[i]!.push(comment);
          expect(await commentsOf(t, manager, id)).toEqual(said[i]);
        }
      }
      // Once more, each after the others were shown.
      for (const [i, id] of ids.entries()) expect(await commentsOf(t, manager, id)).toEqual(said[i]);
    } finally {
      await t.stop();
    }
  });
});
