import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../adapters/event-store/sqlite';
import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth, createCustomer, createTicket } from '../../../test/support/audit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * Tamper evidence: POST /api/v1/audit/verify checks the hash chain of one stream or of the whole
 * store and reports the first broken link. The proof alters a stored event behind the store's
 * back, in the SQLite file itself, with a connection of its own.
 */
describe('POST /api/v1/audit/verify', () => {
  let t: TestApp;
  let dir: string;
  let manager: TestUser;
  let auditor: TestUser;
  let ticketId: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
    file = join(dir, 'events.db');
    t = await startTestApp({}, { eventStore: openSqliteEventStore({ filename: file }) });
    manager = await t.user('manager');
    auditor = await t.user('auditor');
    const customerId = await createCustomer(t, manager);
    ticketId = await createTicket(t, manager, customerId);
    for (const comment of ['First visit', 'Second visit', 'Third visit']) {
      await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(manager)).send({ comment });
    }
    await createTicket(t, manager, customerId);
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const verify = (body?: object) => t.http.post('/api/v1/audit/verify').set(auth(auditor)).send(body);
  /** Changes the stored file as someone with access to the disk could. */
  const behindTheStoresBack = (sql: string, ...params: unknown[]) => {
    const raw = new Database(file);
    try {
      return raw.prepare(sql).run(...params).changes;
    } finally {
      raw.close();
    }
  };

  it('finds the first broken link after a stored event was altered in the SQLite file', async () => {
    const head = await t.eventStore.headPosition();
    const before = await verify();
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ success: true, data: { ok: true, checked: head, streams: expect.any(Number), first_broken: null } });
    expect(before.body.data.streams).toBeGreaterThan(5);
    expect((await verify({ stream: `ticket-${ticketId}` })).body.data).toEqual({ ok: true, checked: 4, streams: 1, first_broken: null });

    const [second] = await t.eventStore.readStream(`ticket-${ticketId}`, { fromRevision: 2, maxCount: 1 });
    const changed = behindTheStoresBack(
      "UPDATE events SET data = json_set(data, '$.comment', 'Nobody came') WHERE stream = ? AND revision = 2",
      `ticket-${ticketId}`,
    );
    expect(changed).toBe(1);
    // The store serves the altered event as it is now on disk...
    const [altered] = await t.eventStore.readStream(`ticket-${ticketId}`, { fromRevision: 2, maxCount: 1 });
    expect(altered!.data.comment).toBe('Nobody came');

    // ...and both checks find it: the whole store, and the stream alone.
    const whole = await verify({});
    expect(whole.body.data).toEqual({
      ok: false,
      checked: head,
      streams: before.body.data.streams,
      first_broken: { stream: `ticket-${ticketId}`, revision: 2, position: second!.position, reason: expect.stringMatching(/hash does not match/) },
    });
    const one = await verify({ stream: `ticket-${ticketId}` });
    expect(one.body.data).toMatchObject({ ok: false, checked: 4, first_broken: { stream: `ticket-${ticketId}`, revision: 2 } });
    // The audit API's own reading of the stream shows the altered event with its stored (now wrong) hash.
    const shown = await t.http.get(`/api/v1/audit/streams/ticket-${ticketId}`).set(auth(auditor));
    expect(shown.body.data.events[2].metadata.hash).toBe(second!.metadata.hash);
  });

  it('finds a removed event as a gap in the revisions', async () => {
    expect(behindTheStoresBack('DELETE FROM events WHERE stream = ? AND revision = 1', `ticket-${ticketId}`)).toBe(1);
    const one = await verify({ stream: `ticket-${ticketId}` });
    expect(one.body.data.first_broken).toMatchObject({ stream: `ticket-${ticketId}`, revision: 2, reason: expect.stringMatching(/expected revision 1, found 2/) });
  });

  it('answers 404 for an unknown stream, 422 for a malformed one, 403 for other roles', async () => {
    expect((await verify({ stream: 'ticket-nope' })).status).toBe(404);
    const bad = await verify({ stream: 'no spaces' });
    expect([bad.status, Object.keys(bad.body.error.details)]).toEqual([422, ['stream']]);
    expect((await t.http.post('/api/v1/audit/verify').set(auth(manager)).send({})).status).toBe(403);
  });
});
