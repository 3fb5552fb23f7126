import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth, createCustomer, ticketBody } from '../../../test/support/audit';

/**
 * A client's X-Request-Id becomes the request id: answered back on every answer, recorded on
 * every event its request caused, and GET /api/v1/audit/correlations/{id} lists those events
 * across all streams, in log order (likewise for X-Correlation-Id across several requests).
 */
describe('X-Request-Id and GET /api/v1/audit/correlations/{id}', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    auditor = await t.user('auditor');
    customerId = await createCustomer(t, manager);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('echoes a valid client request id on every answer, and replaces one that is not valid', async () => {
    const answers = [
      await t.http.get('/api/tickets').set(auth(manager)).set('X-Request-Id', 'client.req:1-a_b'),
      await t.http.get('/api/tickets').set('X-Request-Id', 'client.req:1-a_b'),
      await t.http.get('/api/no-such-route').set('X-Request-Id', 'client.req:1-a_b'),
      await t.http.get('/health').set('X-Request-Id', 'client.req:1-a_b'),
    ];
    expect(answers.map((r) => [r.status, r.headers['x-request-id']])).toEqual([
      [200, 'client.req:1-a_b'],
      [401, 'client.req:1-a_b'],
      [404, 'client.req:1-a_b'],
      [200, 'client.req:1-a_b'],
    ]);
    for (const invalid of ['has spaces', 'x'.repeat(129), 'semi;colon', '']) {
      const res = await t.http.get('/api/tickets').set(auth(manager)).set('X-Request-Id', invalid);
      expect(res.headers['x-request-id']).not.toBe(invalid);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const generated = await t.http.get('/api/tickets').set(auth(manager));
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('records the request id on every event the request caused, and finds them across streams', async () => {
    const created = await t.http.post('/api/tickets').set(auth(manager)).set('X-Request-Id', 'open-ticket-7').send(ticketBody(customerId));
    expect([created.status, created.headers['x-request-id']]).toEqual([201, 'open-ticket-7']);
    const ticketStream = created.headers['x-event-stream'];
    const [event] = await t.eventStore.readStream(ticketStream);
    expect(event!.metadata).toMatchObject({ requestId: 'open-ticket-7', correlationId: 'open-ticket-7', causationId: 'open-ticket-7', actor: { userId: manager.userId } });

    const res = await t.http.get('/api/v1/audit/correlations/open-ticket-7').set(auth(auditor));
    expect(res.status).toBe(200);
    const streams = res.body.data.events.map((e: { streamName: string; type: string }) => `${e.type} ${e.streamName}`);
    // The ticket number's sequence and the ticket itself: every event the request appended, in log order.
    expect(streams).toEqual(['SequenceNumberAllocated sequence-ticket', `TicketCreated ${ticketStream}`]);
    const positions = res.body.data.events.map((e: { position: number }) => e.position);
    expect(positions).toEqual([...positions].sort((a: number, b: number) => a - b));
    for (const e of res.body.data.events) expect(e.metadata.requestId).toBe('open-ticket-7');
    expect(res.body.data.pagination).toEqual({ current_page: 1, per_page: 100, total: 2, total_pages: 1 });
  });

  it('follows a correlation id over several requests', async () => {
    const ticketId = (await t.http.post('/api/tickets').set(auth(manager)).set('X-Correlation-Id', 'visit-2026-01').send(ticketBody(customerId))).body.data.ticket.id;
    await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(manager)).set('X-Correlation-Id', 'visit-2026-01').send({ comment: 'Booked' });
    await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(manager)).send({ comment: 'Unrelated' });
    const res = await t.http.get('/api/v1/audit/correlations/visit-2026-01?limit=2&page=1').set(auth(auditor));
    expect(res.body.data.pagination.total).toBe(3);
    const second = await t.http.get('/api/v1/audit/correlations/visit-2026-01?limit=2&page=2').set(auth(auditor));
    const types = [...res.body.data.events, ...second.body.data.events].map((e: { type: string }) => e.type);
    expect(types).toEqual(['SequenceNumberAllocated', 'TicketCreated', 'TicketCommentAdded']);
    const requestIds = new Set([...res.body.data.events, ...second.body.data.events].map((e: { metadata: { requestId: string } }) => e.metadata.requestId));
    expect(requestIds.size).toBe(2);
  });

  it('answers 404 for an id no event carries, 403 for other roles', async () => {
    expect((await t.http.get('/api/v1/audit/correlations/never-sent').set(auth(auditor))).status).toBe(404);
    expect((await t.http.get('/api/v1/audit/correlations/open-ticket-7').set(auth(manager))).status).toBe(403);
  });
});
