import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../../domain/user';
import { auth, customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { ALL_ROLES } from '../permissions';
import { MOBILE_PERMISSIONS } from './permissions';
import { decodeSyncToken, encodeSyncToken } from './sync-token';

/**
 * Document 000 "Mobile-Specific Endpoints" through HTTP on the whole product: sync by log
 * positions (every change exactly once between two syncs), and uploads streamed to the file
 * store and attached to tickets.
 */

type Caller = { token: string; userId: string };
const UNKNOWN = '7d0c3c53-0000-4000-8000-000000000000';
const DEVICE = { platform: 'android', version: '1.4.2', device_id: 'pixel-7-abc' };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const PDF = Buffer.from('%PDF-1.4\n% a tiny document\n%%EOF\n');

interface SyncData {
  tickets: Array<{ id: string; ticket_number: string; status: string; technician: { id: string } | null; comments: unknown[]; attachments: Array<{ id: string; url: string; type: string }> }>;
  comments: Array<{ id: string; ticket_id: string; comment: string; user: { id: string } }>;
  notifications: Array<{ id: string; type: string; is_read: boolean; data: { ticket_id: string } }>;
  removed_ticket_ids: string[];
  sync_token: string;
  full_sync: boolean;
  server_time: string;
}

function filesUnder(dir: string): number {
  let n = 0;
  try {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      n += statSync(p).isDirectory() ? filesUnder(p) : 1;
    }
  } catch {
    return 0;
  }
  return n;
}

describe('Mobile API (document 000)', () => {
  let t: TestApp;
  let manager: TestUser;
  let cs: TestUser;
  let tech: TestUser;
  let tech2: TestUser;
  let customerId: string;

  beforeEach(async () => {
    t = await startTestApp({ UPLOAD_MAX_BYTES: '4096' });
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    cs = await t.user('customer_service', { full_name: 'Citra CS' });
    tech = await t.user('technician', { full_name: 'Tono Teknisi' });
    tech2 = await t.user('technician', { full_name: 'Tari Teknisi' });
    customerId = (await customerWithLogin(t, manager)).customerId;
  });
  afterEach(async () => {
    await t.stop();
  });

  const createTicket = async (title: string) => {
    const res = await t.http
      .post('/api/tickets')
      .set(auth(cs))
      .send({ customer_id: customerId, type: 'repair', priority: 'normal', title, description: 'd', location: { lat: -6.2, lng: 106.8 } });
    expect(res.status).toBe(201);
    return res.body.data.ticket.id as string;
  };
  const assign = async (id: string, technicianId: string) =>
    expect((await t.http.post(`/api/tickets/${id}/assign`).set(auth(manager)).send({ technician_id: technicianId })).status).toBe(200);
  const comment = async (id: string, text: string, by: { token: string }) =>
    expect((await t.http.post(`/api/tickets/${id}/comments`).set(auth(by)).send({ comment: text })).status).toBe(201);
  const setStatus = async (id: string, status: string, by: { token: string }) =>
    expect((await t.http.put(`/api/tickets/${id}/status`).set(auth(by)).send({ status })).status).toBe(200);
  const sync = async (lastSync?: string | null, by: { token: string } = tech): Promise<SyncData> => {
    const res = await t.http
      .post('/api/mobile/sync')
      .set(auth(by))
      .send({ ...(lastSync !== undefined ? { last_sync: lastSync } : {}), device_info: DEVICE });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    return res.body.data as SyncData;
  };
  const upload = (by: { token: string }, fields: Record<string, string>, file: Buffer | null, filename = 'photo.png') => {
    let req = t.http.post('/api/mobile/upload').set(auth(by));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    if (file) req = req.attach('file', file, filename);
    return req;
  };

  describe('POST /api/mobile/sync', () => {
    it('returns every change exactly once between two syncs, and nothing when nothing changed', async () => {
      const a = await createTicket('A');
      const r = await createTicket('R');
      await assign(a, tech.userId);
      await assign(r, tech.userId);

      const first = await sync();
      expect(first.full_sync).toBe(true);
      expect(first.tickets.map((x) => x.id).sort()).toEqual([a, r].sort());
      expect(first.notifications.map((n) => n.type)).toEqual(['ticket_assigned', 'ticket_assigned']);
      expect(first.comments).toEqual([]);
      expect(first.removed_ticket_ids).toEqual([]);
      expect(first.server_time).toBe(t.clock.now().toISOString());
      expect(decodeSyncToken(first.sync_token)).toEqual({ position: expect.any(Number), userId: tech.userId });

      // The batch: created (not theirs), created and assigned to them, commented, status
      // changed, reassigned away, and a comment on the new ticket.
      const b = await createTicket('B');
      const c = await createTicket('C');
      await assign(c, tech.userId);
      await comment(a, 'Pelanggan minta datang sore', cs);
      await setStatus(a, 'in_progress', tech);
      await assign(r, tech2.userId);
      await comment(c, 'Bawa ONT cadangan', manager);

      const second = await sync(first.sync_token);
      expect(second.full_sync).toBe(false);
      expect(second.tickets.map((x) => x.id).sort()).toEqual([a, c].sort());
      const ticketA = second.tickets.find((x) => x.id === a)!;
      expect(ticketA.status).toBe('in_progress');
      expect(ticketA.comments).toHaveLength(1);
      expect(second.tickets.find((x) => x.id === c)!.technician).toMatchObject({ id: tech.userId });
      expect(second.comments.map((x) => [x.ticket_id, x.comment])).toEqual([
        [a, 'Pelanggan minta datang sore'],
        [c, 'Bawa ONT cadangan'],
      ]);
      expect(second.removed_ticket_ids).toEqual([r]);
      expect(second.notifications.map((n) => `${n.type}:${n.data.ticket_id}`)).toEqual([
        `ticket_assigned:${c}`,
        `ticket_comment:${a}`,
        `ticket_unassigned:${r}`,
        `ticket_comment:${c}`,
      ]);
      expect(JSON.stringify(second)).not.toContain(b);

      const third = await sync(second.sync_token);
      expect(third).toMatchObject({ tickets: [], comments: [], notifications: [], removed_ticket_ids: [], full_sync: false });

      // Reading a notification is a change too: it comes back once, read.
      const n = second.notifications[0]!;
      expect((await t.http.put(`/api/notifications/${n.id}/read`).set(auth(tech))).status).toBe(200);
      const fourth = await sync(third.sync_token);
      expect(fourth.notifications.map((x) => [x.id, x.is_read])).toEqual([[n.id, true]]);
      expect(fourth.tickets).toEqual([]);
      expect((await sync(fourth.sync_token)).notifications).toEqual([]);
    });

    it('takes an ISO timestamp as the last sync: the changes made after that time', async () => {
      const a = await createTicket('A');
      const b = await createTicket('B');
      await assign(a, tech.userId);
      t.clock.advance(60_000);
      const since = t.clock.now().toISOString();
      t.clock.advance(1);
      await assign(b, tech.userId);
      const res = await sync(since.replace('Z', '+00:00'));
      expect(res.full_sync).toBe(false);
      expect(res.tickets.map((x) => x.id)).toEqual([b]);
      expect(res.notifications.map((n) => n.data.ticket_id)).toEqual([b]);
      expect((await sync(res.sync_token)).tickets).toEqual([]);
    });

    it('answers 422 for a missing device_info, a malformed last_sync or another account\'s token', async () => {
      const noDevice = await t.http.post('/api/mobile/sync').set(auth(tech)).send({});
      expect(noDevice.status).toBe(422);
      expect(noDevice.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', details: { device_info: expect.any(Array) } } });
      const partial = await t.http.post('/api/mobile/sync').set(auth(tech)).send({ device_info: { platform: 'ios' } });
      expect(Object.keys(partial.body.error.details).sort()).toEqual(['device_info.device_id', 'device_info.version']);
      for (const last of ['yesterday', 'st1.not-base64-json', '2026-01-15', encodeSyncToken({ position: 1, userId: tech2.userId })]) {
        const res = await t.http.post('/api/mobile/sync').set(auth(tech)).send({ last_sync: last, device_info: DEVICE });
        expect(res.status).toBe(422);
        expect(res.body.error.details.last_sync).toHaveLength(1);
      }
      expect((await t.http.post('/api/mobile/sync').send({ device_info: DEVICE })).status).toBe(401);
    });

    it('treats a null or empty last_sync as a first sync', async () => {
      const a = await createTicket('A');
      await assign(a, tech.userId);
      for (const last of [null, '']) {
        const res = await sync(last);
        expect(res.full_sync).toBe(true);
        expect(res.tickets.map((x) => x.id)).toEqual([a]);
      }
    });
  });

  describe('POST /api/mobile/upload', () => {
    it('streams a photo to the file store and answers its signed URL', async () => {
      const res = await upload(tech, { type: 'photo' }, PNG, 'modem.png');
      expect(res.status).toBe(201);
      const file = res.body.data.file;
      expect(file).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        filename: 'modem.png',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f-]{36}\?expires=\d+&signature=/),
        type: 'photo',
        size: PNG.length,
        content_type: 'image/png',
        ticket_id: null,
        attachment_id: null,
      });
      const served = await t.http.get(new URL(file.url).pathname + new URL(file.url).search).buffer(true);
      expect(served.status).toBe(200);
      expect(Buffer.from(served.body as Buffer).equals(PNG)).toBe(true);
      const pdf = await upload(cs, { type: 'document' }, PDF, 'form.pdf');
      expect(pdf.status).toBe(201);
      expect(pdf.body.data.file).toMatchObject({ type: 'document', content_type: 'application/pdf' });
      const signature = await upload(tech, { type: 'signature' }, PNG, 'sign.png');
      expect(signature.body.data.file.type).toBe('signature');
    });

    it("attaches the file to the caller's ticket; sync shows it with a signed URL", async () => {
      const a = await createTicket('A');
      await assign(a, tech.userId);
      const first = await sync();
      const res = await upload(tech, { type: 'photo', ticket_id: a }, PNG, 'after.png');
      expect(res.status).toBe(201);
      expect(res.body.data.file).toMatchObject({ ticket_id: a, attachment_id: expect.any(String) });
      const detail = await t.http.get(`/api/tickets/${a}`).set(auth(manager));
      expect(detail.body.data.ticket.attachments).toEqual([
        expect.objectContaining({ id: res.body.data.file.attachment_id, filename: 'after.png', type: 'photo', uploaded_by: tech.userId }),
      ]);
      // The tickets API signs the link too, and it serves the file.
      const link = new URL(detail.body.data.ticket.attachments[0].url);
      expect(link.search).toMatch(/^\?expires=\d+&signature=/);
      const served = await t.http.get(link.pathname + link.search);
      expect(served.status).toBe(200);
      expect(Buffer.compare(served.body as Buffer, PNG)).toBe(0);
      const next = await sync(first.sync_token);
      expect(next.tickets.map((x) => x.id)).toEqual([a]);
      const [attachment] = next.tickets[0]!.attachments;
      expect(attachment!.url).toMatch(new RegExp(`/files/${res.body.data.file.id}\\?expires=\\d+&signature=`));
    });

    it('answers 422 for a missing or wrong type or file, a file of the wrong kind or too large, leaving nothing behind', async () => {
      const filesDir = join(t.dataDir, 'files');
      const before = filesUnder(filesDir);
      const cases: Array<[Record<string, string>, Buffer | null, string]> = [
        [{}, PNG, 'type'],
        [{ type: 'video' }, PNG, 'type'],
        [{ type: 'photo' }, null, 'file'],
        [{ type: 'photo' }, PDF, 'file'], // a photo must be an image
        [{ type: 'signature' }, PDF, 'file'],
        [{ type: 'document' }, Buffer.from('just text'), 'file'], // neither image nor PDF
        [{ type: 'photo' }, Buffer.concat([PNG, Buffer.alloc(5000)]), 'file'], // over UPLOAD_MAX_BYTES
        [{ type: 'photo', ticket_id: 'nope' }, PNG, 'ticket_id'],
      ];
      for (const [fields, file, field] of cases) {
        const res = await upload(tech, fields, file);
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
        expect(Object.keys(res.body.error.details)).toEqual([field]);
      }
      expect(filesUnder(filesDir)).toBe(before);
    });

    it("answers 404 for an unknown ticket or another technician's, 422 for a closed one, and keeps no file", async () => {
      const theirs = await createTicket('Theirs');
      await assign(theirs, tech2.userId);
      const closed = await createTicket('Closed');
      await assign(closed, tech.userId);
      for (const s of ['in_progress', 'resolved', 'closed']) await setStatus(closed, s, manager);
      const filesDir = join(t.dataDir, 'files');
      const before = filesUnder(filesDir);
      for (const ticketId of [UNKNOWN, theirs]) {
        const res = await upload(tech, { type: 'photo', ticket_id: ticketId }, PNG);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('RESOURCE_NOT_FOUND');
      }
      const res = await upload(tech, { type: 'photo', ticket_id: closed }, PNG);
      expect(res.status).toBe(422);
      expect(filesUnder(filesDir)).toBe(before);
      // An office role may attach to any ticket.
      expect((await upload(manager, { type: 'photo', ticket_id: theirs }, PNG)).status).toBe(201);
    });

    it('honours Idempotency-Key: a retried upload is answered once and attached once', async () => {
      const a = await createTicket('A');
      await assign(a, tech.userId);
      const send = () => upload(tech, { type: 'photo', ticket_id: a }, PNG).set('Idempotency-Key', 'upload-1');
      const first = await send();
      const again = await send();
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const detail = await t.http.get(`/api/tickets/${a}`).set(auth(manager));
      expect(detail.body.data.ticket.attachments).toHaveLength(1);
    });
  });
});

describe('Mobile API permissions (every role, every endpoint)', () => {
  let t: TestApp;
  const users = {} as Record<Role, Caller>;

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ALL_ROLES.filter((r) => r !== 'customer')) users[role] = await t.user(role);
    users.customer = (await customerWithLogin(t, users.manager)).user;
  });
  afterAll(async () => {
    await t.stop();
  });

  type Call = (role: Role) => Promise<{ status: number; body: { error?: { code: string } } }>;
  const endpoints: Record<string, { call: Call; allowed: readonly Role[]; success: number }> = {
    'POST /api/mobile/sync': {
      call: (r) => t.http.post('/api/mobile/sync').set(auth(users[r])).send({ device_info: DEVICE }),
      allowed: MOBILE_PERMISSIONS.sync,
      success: 200,
    },
    'POST /api/mobile/upload': {
      call: (r) => t.http.post('/api/mobile/upload').set(auth(users[r])).field('type', 'photo').attach('file', PNG, 'p.png'),
      allowed: MOBILE_PERMISSIONS.upload,
      success: 201,
    },
  };
  const cases = Object.entries(endpoints).flatMap(([name, e]) =>
    ALL_ROLES.map((role) => [name, role, e.allowed.includes(role) ? e.success : 403] as const),
  );

  it('covers every endpoint for every role', () => {
    expect(cases).toHaveLength(Object.keys(endpoints).length * ALL_ROLES.length);
    expect(cases.filter(([, , s]) => s === 403).map(([n, r]) => `${n} ${r}`)).toEqual([
      'POST /api/mobile/sync super_admin',
      'POST /api/mobile/sync manager',
      'POST /api/mobile/sync supervisor',
      'POST /api/mobile/sync customer_service',
      'POST /api/mobile/sync customer',
      'POST /api/mobile/sync auditor',
      'POST /api/mobile/upload customer',
      'POST /api/mobile/upload auditor',
    ]);
  });

  it.each(cases)('%s as %s → %i', async (name, role, expected) => {
    const res = await endpoints[name]!.call(role);
    expect(res.status).toBe(expected);
    if (expected === 403) expect(res.body.error?.code).toBe('INSUFFICIENT_PERMISSIONS');
  });
});
