import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth, createCustomer, createTicket } from '../../../test/support/audit';

/**
 * An auditor takes any aggregate read to its full history: the read names its stream
 * (X-Event-Stream, next to the ETag), and GET /api/v1/audit/streams/{stream} answers every event
 * of it with who, when, the request and correlation ids and the hash chain, a page at a time.
 */
describe('GET /api/v1/audit/streams/{stream}', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;
  let auditor: TestUser;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin');
    manager = await t.user('manager');
    auditor = await t.user('auditor');
    const customerId = await createCustomer(t, manager);
    ticketId = await createTicket(t, manager, customerId);
    for (let i = 1; i <= 4; i++) {
      t.clock.advance(60_000);
      const res = await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(manager)).set('X-Request-Id', `audit-comment-${i}`).send({ comment: `Check ${i}` });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.stop();
  });

  it('follows the stream an aggregate read names to its full history with metadata and hashes', async () => {
    const detail = await t.http.get(`/api/tickets/${ticketId}`).set(auth(manager));
    expect(detail.headers.etag).toBe('"4"');
    const stream = detail.headers['x-event-stream'] as string;
    expect(stream).toBe(`ticket-${ticketId}`);

    const res = await t.http.get(`/api/v1/audit/streams/${stream}`).set(auth(auditor));
    expect(res.status).toBe(200);
    expect(res.headers['x-event-stream']).toBe(stream);
    expect(res.body.success).toBe(true);
    const { data } = res.body;
    expect(data).toMatchObject({ stream, aggregate: 'ticket', revision: 4, pagination: { current_page: 1, per_page: 100, total: 5, total_pages: 1 } });
    expect(data.events.map((e: { type: string }) => e.type)).toEqual(['TicketCreated', 'TicketCommentAdded', 'TicketCommentAdded', 'TicketCommentAdded', 'TicketCommentAdded']);
    const [created, first] = data.events;
    expect(created.metadata).toMatchObject({ actor: { userId: manager.userId, role: 'manager' }, schemaVersion: 1, prevHash: '', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(first.metadata).toMatchObject({ requestId: 'audit-comment-1', correlationId: 'audit-comment-1', prevHash: created.metadata.hash });
    expect(Date.parse(first.metadata.timestamp) - Date.parse(created.metadata.timestamp)).toBe(60_000);
    expect(first.data).toMatchObject({ ticketId, comment: 'Check 1' });
  });

  it('pages through a stream by revision', async () => {
    const page2 = await t.http.get(`/api/v1/audit/streams/ticket-${ticketId}?page=2&limit=2`).set(auth(admin));
    expect(page2.status).toBe(200);
    expect(page2.body.data.events.map((e: { revision: number }) => e.revision)).toEqual([2, 3]);
    expect(page2.body.data.pagination).toEqual({ current_page: 2, per_page: 2, total: 5, total_pages: 3 });
    const past = await t.http.get(`/api/v1/audit/streams/ticket-${ticketId}?page=4&limit=2`).set(auth(admin));
    expect(past.body.data.events).toEqual([]);
    const bad = await t.http.get(`/api/v1/audit/streams/ticket-${ticketId}?limit=501&page=0`).set(auth(admin));
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(['limit', 'page']);
  });

  it('reads streams that are not aggregates too, and redacts secrets', async () => {
    const user = await t.http.get(`/api/v1/audit/streams/user-${manager.userId}`).set(auth(auditor));
    expect(user.status).toBe(200);
    const registered = user.body.data.events[0];
    expect(registered.data.passwordHash).toBe('[redacted]');
    expect(registered.redacted).toEqual(['data.passwordHash']);
    const sequence = await t.http.get('/api/v1/audit/streams/sequence-ticket').set(auth(auditor));
    expect(sequence.status).toBe(200);
    expect(sequence.body.data.aggregate).toBeNull();
  });

  it('answers 404 in document 000’s format for a stream that does not exist or cannot be one', async () => {
    for (const stream of ['ticket-00000000-0000-4000-8000-000000000000', '-x', 'a%20b']) {
      const res = await t.http.get(`/api/v1/audit/streams/${stream}`).set(auth(auditor));
      expect([stream, res.status, res.body]).toEqual([stream, 404, { success: false, error: expect.objectContaining({ code: 'RESOURCE_NOT_FOUND' }) }]);
    }
  });

  it('is for the super admin and the auditor only', async () => {
    const path = `/api/v1/audit/streams/ticket-${ticketId}`;
    expect((await t.http.get(path)).status).toBe(401);
    for (const role of ['manager', 'supervisor', 'customer_service', 'technician'] as const) {
      const u = role === 'manager' ? manager : await t.user(role);
      const res = await t.http.get(path).set(auth(u));
      expect([role, res.status, res.body.error?.code]).toEqual([role, 403, 'INSUFFICIENT_PERMISSIONS']);
    }
  });
});
