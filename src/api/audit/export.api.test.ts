import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth, createCustomer, createTicket } from '../../../test/support/audit';

const VERIFIER = resolve(__dirname, '../../../scripts/verify-export.mjs');

/** Runs the stand-alone verifier as an auditor would, outside the product. */
function verifyOutside(file: string, ...flags: string[]) {
  const run = spawnSync(process.execPath, [VERIFIER, ...flags, file], { encoding: 'utf8' });
  return { status: run.status, out: run.stdout };
}

/**
 * Exports for auditors: one stream, or a whole customer, as JSON Lines with the hashes, checked
 * outside the product by scripts/verify-export.mjs (Node and nothing else).
 */
describe('GET /api/v1/audit/streams/{stream}/export and /customers/{id}/export', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  let customerId: string;
  let ticketId: string;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
    manager = await t.user('manager');
    auditor = await t.user('auditor');
    customerId = await createCustomer(t, manager);
    ticketId = await createTicket(t, manager, customerId);
    await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(manager)).send({ comment: 'On the way' });
    await t.http.put(`/api/customers/${customerId}`).set(auth(manager)).send({ service_package: 'Home 100 Mbps' });
    // Another customer's records stay out of the first one's export.
    await createTicket(t, manager, await createCustomer(t, manager));
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as { streamName: string; revision: number; position: number; metadata: { hash: string } });

  it('exports one stream, which verifies outside the product, and a changed line does not', async () => {
    const res = await t.http.get(`/api/v1/audit/streams/ticket-${ticketId}/export`).set(auth(auditor)).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => cb(null, text));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="ticket-${ticketId}.jsonl"`);
    const events = lines(res.body as string);
    expect(events.map((e) => [e.streamName, e.revision])).toEqual([
      [`ticket-${ticketId}`, 0],
      [`ticket-${ticketId}`, 1],
    ]);
    const file = join(dir, 'ticket.jsonl');
    writeFileSync(file, res.body as string);
    const ok = verifyOutside(file);
    expect(ok.status).toBe(0);
    expect(ok.out).toContain('OK: every chain holds');
    expect(ok.out).toContain(`ticket-${ticketId}\tlast revision 1\t${events[1]!.metadata.hash}`);

    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, (res.body as string).replace('On the way', 'Never came'));
    const bad = verifyOutside(tampered);
    expect(bad.status).toBe(1);
    expect(bad.out).toContain(`BROKEN at line 2: ticket-${ticketId} revision 1: hash does not match the event`);
  });

  it('exports a whole customer: every stream that names it, whole, in log order', async () => {
    const res = await t.http.get(`/api/v1/audit/customers/${customerId}/export`).set(auth(auditor)).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => cb(null, text));
    });
    expect(res.status).toBe(200);
    const events = lines(res.body as string);
    const streams = [...new Set(events.map((e) => e.streamName))].sort();
    const login = (await t.http.get(`/api/customers/${customerId}`).set(auth(manager))).body.data.customer.user_id as string;
    expect(streams).toEqual([`customer-${customerId}`, `ticket-${ticketId}`, `user-${login}`].sort());
    const positions = events.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const file = join(dir, 'customer.jsonl');
    writeFileSync(file, res.body as string);
    // The login account's password hash is redacted: its links are checked, its hash cannot be recomputed.
    const outside = verifyOutside(file);
    expect(outside.status).toBe(0);
    expect(outside.out).toMatch(/with redacted secrets/);
    expect(verifyOutside(file, '--strict').status).toBe(1);
    // A removed line is a gap.
    const gap = join(dir, 'gap.jsonl');
    writeFileSync(gap, (res.body as string).split('\n').filter((_l, i) => i !== events.findIndex((e) => e.streamName === `ticket-${ticketId}` && e.revision === 0)).join('\n'));
    const gapped = verifyOutside(gap);
    expect([gapped.status, gapped.out]).toEqual([1, expect.stringContaining(`ticket-${ticketId} revision 1: expected revision 0, found 1`)]);
  });

  it('answers 404 for an unknown stream or customer, 403 for other roles', async () => {
    expect((await t.http.get('/api/v1/audit/streams/ticket-nope/export').set(auth(auditor))).status).toBe(404);
    expect((await t.http.get('/api/v1/audit/customers/00000000-0000-4000-8000-000000000000/export').set(auth(auditor))).status).toBe(404);
    expect((await t.http.get(`/api/v1/audit/customers/${customerId}/export`).set(auth(manager))).status).toBe(403);
  });
});
