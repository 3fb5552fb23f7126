import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { serviceRequestStream } from '../../domain/service-request';
import type { Role } from '../../domain/user';
import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { SERVICE_REQUEST_PERMISSIONS } from './permissions';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const form = {
  device_type: 'Laptop',
  brand: 'Lenovo',
  model: 'V14',
  serial_number: 'SN123456',
  service_type: 'Hardware',
  description: 'Keyboard rusak',
};

describe('Service Requests API (document 001)', () => {
  let t: TestApp;
  let requester: TestUser;
  let manager: TestUser;
  let tech: TestUser;

  beforeEach(async () => {
    t = await startTestApp({ UPLOAD_MAX_BYTES: '4096' });
    requester = await t.user('customer_service', { full_name: 'John Doe', department: 'IT' });
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    tech = await t.user('technician', { full_name: 'Tia Tech' });
  });
  afterEach(async () => {
    await t.stop();
  });

  const storedFiles = () => {
    const dir = join(t.dataDir, 'files');
    return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
  };
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const createMultipart = (u: TestUser, fields: Record<string, string> = form, photo?: { buf: Buffer; name: string; type: string }) => {
    let req = t.http.post('/api/services').set(auth(u));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    if (photo) req = req.attach('photo', photo.buf, { filename: photo.name, contentType: photo.type });
    return req;
  };
  const create = async (u: TestUser = requester, fields: Record<string, string> = form) => {
    const res = await t.http.post('/api/services').set(auth(u)).send(fields);
    expect(res.status).toBe(201);
    return res.body.data as { id: number; code: string };
  };
  const act = (u: TestUser, id: number, action: string, body: object = {}) =>
    t.http.post(`/api/services/${id}/${action}`).set(auth(u)).send(body);

  describe('POST /api/services', () => {
    it('creates a request from multipart form data with a photo (201)', async () => {
      const res = await createMultipart(requester, form, { buf: PNG, name: 'keyboard.png', type: 'image/png' });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/api/services/${res.body.data.id}`);
      expect(res.body.data).toMatchObject({
        id: 1,
        code: 'REQ-001',
        request_code: 'REQ-001',
        device_type: 'Laptop',
        brand: 'Lenovo',
        model: 'V14',
        serial_number: 'SN123456',
        service_type: 'Hardware',
        description: 'Keyboard rusak',
        status: 'Pending',
        requester_name: 'John Doe',
        department: 'IT',
        created_at: '2026-01-15T12:00:00.000Z',
        approved_at: null,
      });
      expect(res.body.data.timeline).toEqual([
        expect.objectContaining({
          id: 1,
          label: 'Menunggu Approval',
          note: 'Request dibuat oleh John Doe',
          state: 'active',
          date: '2026-01-15T12:00:00.000Z',
        }),
      ]);
      const photo = await t.http.get(new URL(res.body.data.photo_url).pathname + new URL(res.body.data.photo_url).search);
      expect(photo.status).toBe(200);
      expect(photo.headers['content-type']).toBe('image/png');
      expect(Buffer.compare(photo.body as Buffer, PNG)).toBe(0);
    });

    it('serves the photo only with a valid signature', async () => {
      const res = await createMultipart(requester, form, { buf: PNG, name: 'k.png', type: 'image/png' });
      const url = new URL(res.body.data.photo_url);
      const forged = `${url.pathname}?expires=${url.searchParams.get('expires')}&signature=AAAA`;
      expect((await t.http.get(forged)).status).toBe(404);
      expect((await t.http.get(url.pathname)).status).toBe(404);
      // The list signs the link at each request too (a list item with a photo is made each time).
      const listUrl = async () => new URL((await t.http.get('/api/services?per_page=100').set(auth(requester))).body.data.find((d: { id: number }) => d.id === res.body.data.id).photo_url);
      const first = await listUrl();
      // Links expire on the hour after the next: an hour later the list signs another one.
      t.clock.advance(3_600_000);
      requester.token = (await t.login(requester.email, requester.password)).body.token;
      const later = await listUrl();
      expect(later.searchParams.get('expires')).not.toBe(first.searchParams.get('expires'));
      expect((await t.http.get(later.pathname + later.search)).status).toBe(200);
    });

    it('signs a listed photo anew when its hour has passed, for the same session (a list showing one is never kept)', async () => {
      const res = await createMultipart(requester, form, { buf: PNG, name: 'h.png', type: 'image/png' });
      // Five minutes before the hour, signed in afresh; the same token lists again ten minutes later.
      t.clock.advance(3_600_000 - (t.clock.now().getTime() % 3_600_000) - 300_000);
      requester.token = (await t.login(requester.email, requester.password)).body.token;
      const listUrl = async () => new URL((await t.http.get('/api/services?per_page=100').set(auth(requester))).body.data.find((d: { id: number }) => d.id === res.body.data.id).photo_url);
      const first = await listUrl();
      expect((await listUrl()).searchParams.get('expires')).toBe(first.searchParams.get('expires'));
      t.clock.advance(600_000);
      expect((await listUrl()).searchParams.get('expires')).not.toBe(first.searchParams.get('expires'));
    });

    it('accepts the alias field names and JSON bodies', async () => {
      const res = await t.http.post('/api/services').set(auth(requester)).send({
        device: 'Printer',
        device_brand: 'Epson',
        device_model: 'L3110',
        sn: 'EP-1',
        service: 'Maintenance',
        issue_description: 'Paper jam',
      });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({
        device_type: 'Printer',
        device: 'Printer',
        brand: 'Epson',
        device_brand: 'Epson',
        model: 'L3110',
        device_model: 'L3110',
        serial_number: 'EP-1',
        sn: 'EP-1',
        service_type: 'Maintenance',
        service: 'Maintenance',
        description: 'Paper jam',
        issue_description: 'Paper jam',
        user_name: 'John Doe',
      });
    });

    it('answers 422 in the documented format when required fields are missing', async () => {
      const { serial_number: _s, description: _d, ...rest } = form;
      const res = await createMultipart(requester, rest);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        message: 'Validation failed',
        errors: {
          serial_number: ['The serial number field is required.'],
          description: ['The description field is required.'],
        },
      });
    });

    it('refuses a photo that is not an image, whatever its declared type, and keeps nothing', async () => {
      const res = await createMultipart(requester, form, { buf: Buffer.from('#!/bin/sh\necho hi\n'), name: 'x.png', type: 'image/png' });
      expect(res.status).toBe(422);
      expect(res.body.errors.photo).toEqual(['The photo must be an image (JPEG, PNG, GIF or WebP).']);
      const list = await t.http.get('/api/services').set(auth(requester));
      expect(list.body.pagination.total).toBe(0);
      expect(storedFiles()).toEqual([]);
    });

    it('refuses a photo over the size limit', async () => {
      const big = Buffer.concat([PNG, Buffer.alloc(8192)]);
      const res = await createMultipart(requester, form, { buf: big, name: 'big.png', type: 'image/png' });
      expect(res.status).toBe(422);
      expect(res.body.errors.photo).toEqual(['The photo may not be greater than 4 kilobytes.']);
      expect(storedFiles()).toEqual([]);
    });

    it('answers 401 in the documented format without a valid token', async () => {
      const res = await t.http.post('/api/services').send(form);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Unauthenticated.' });
      const bad = await t.http.get('/api/services').set('Authorization', 'Bearer nope');
      expect(bad.status).toBe(401);
    });

    it('gives distinct REQ- codes to 50 simultaneous creates', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          t.http.post('/api/services').set(auth(requester)).send({ ...form, serial_number: `SN-${i}` }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      const codes = new Set(results.map((r) => r.body.data.code));
      expect(codes.size).toBe(50);
      const list = await t.http.get('/api/services?per_page=100').set(auth(requester));
      expect(list.body.pagination.total).toBe(50);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and body and appends nothing', async () => {
      const first = await t.http.post('/api/services').set(auth(requester)).set('Idempotency-Key', 'k-1').send(form);
      const head = await t.eventStore.headPosition();
      const again = await t.http.post('/api/services').set(auth(requester)).set('Idempotency-Key', 'k-1').send(form);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(await t.eventStore.headPosition()).toBe(head);
    });

    it('answers 422 for the same key with another body', async () => {
      await t.http.post('/api/services').set(auth(requester)).set('Idempotency-Key', 'k-2').send(form);
      const res = await t.http
        .post('/api/services')
        .set(auth(requester))
        .set('Idempotency-Key', 'k-2')
        .send({ ...form, serial_number: 'OTHER' });
      expect(res.status).toBe(422);
      expect(res.body.errors['Idempotency-Key']).toBeDefined();
    });

    it('creates exactly one request for 50 simultaneous posts with one key', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          t.http.post('/api/services').set(auth(requester)).set('Idempotency-Key', 'same-key').send(form),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      expect(new Set(results.map((r) => r.body.data.id)).size).toBe(1);
      const list = await t.http.get('/api/services').set(auth(manager));
      expect(list.body.pagination.total).toBe(1);
    });

    it('works with multipart uploads too', async () => {
      const photo = { buf: PNG, name: 'a.png', type: 'image/png' };
      const a = await createMultipart(requester, form, photo).set('Idempotency-Key', 'mp');
      const b = await createMultipart(requester, form, photo).set('Idempotency-Key', 'mp');
      expect(b.body.data.id).toBe(a.body.data.id);
      const c = await createMultipart(requester, form, { ...photo, buf: Buffer.concat([PNG, Buffer.from([1])]) }).set(
        'Idempotency-Key',
        'mp',
      );
      expect(c.status).toBe(422);
    });
  });

  describe('GET /api/services', () => {
    it('pages with the documented pagination block', async () => {
      for (let i = 0; i < 12; i++) {
        await create(requester, { ...form, serial_number: `SN-${i}` });
        t.clock.advance(1000);
      }
      const res = await t.http.get('/api/services?page=2&per_page=5').set(auth(requester));
      expect(res.status).toBe(200);
      expect(res.body.pagination).toEqual({ current_page: 2, last_page: 3, total: 12, per_page: 5 });
      // default sort created_at desc: page 2 holds the 6th..10th newest
      expect(res.body.data.map((d: { serial_number: string }) => d.serial_number)).toEqual(['SN-6', 'SN-5', 'SN-4', 'SN-3', 'SN-2']);
      const asc = await t.http.get('/api/services?per_page=3&sort=created_at&order=asc').set(auth(requester));
      expect(asc.body.data.map((d: { serial_number: string }) => d.serial_number)).toEqual(['SN-0', 'SN-1', 'SN-2']);
      const limited = await t.http.get('/api/services?limit=4').set(auth(requester));
      expect(limited.body.data).toHaveLength(4);
      expect(limited.body.pagination.per_page).toBe(4);
      const defaults = await t.http.get('/api/services').set(auth(requester));
      expect(defaults.body.pagination).toEqual({ current_page: 1, last_page: 2, total: 12, per_page: 10 });
      // list items carry the aliases too
      expect(defaults.body.data[0]).toMatchObject({ device: 'Laptop', sn: 'SN-11', user_name: 'John Doe', approved_at: null });
    });

    it('filters by status and search', async () => {
      const a = await create(requester, { ...form, serial_number: 'AAA-1' });
      await create(requester, { ...form, serial_number: 'BBB-2', device_type: 'Printer' });
      await act(manager, a.id, 'approve');
      const approved = await t.http.get('/api/services?status=approved').set(auth(manager));
      expect(approved.body.data.map((d: { id: number }) => d.id)).toEqual([a.id]);
      const byLabel = await t.http.get('/api/services?status=Pending').set(auth(manager));
      expect(byLabel.body.pagination.total).toBe(1);
      const search = await t.http.get('/api/services?search=printer').set(auth(manager));
      expect(search.body.data.map((d: { serial_number: string }) => d.serial_number)).toEqual(['BBB-2']);
    });

    it('answers 422 for bad query parameters', async () => {
      const res = await t.http.get('/api/services?page=0&per_page=500&sort=password&order=up&status=whatever').set(auth(requester));
      expect(res.status).toBe(422);
      expect(Object.keys(res.body.errors).sort()).toEqual(['order', 'page', 'per_page', 'sort']);
      const status = await t.http.get('/api/services?status=whatever').set(auth(requester));
      expect(status.status).toBe(422);
      expect(status.body.errors.status).toEqual(['The selected status is invalid.']);
    });

    it('shows requesters their own requests and approvers all of them', async () => {
      const other = await t.user('customer_service', { full_name: 'Other Person' });
      await create(requester);
      const theirs = await create(other);
      const mine = await t.http.get('/api/services').set(auth(requester));
      expect(mine.body.pagination.total).toBe(1);
      expect(mine.body.data[0].requester_name).toBe('John Doe');
      const all = await t.http.get('/api/services').set(auth(manager));
      expect(all.body.pagination.total).toBe(2);
      // someone else's request is not found for a requester, found for an approver
      expect((await t.http.get(`/api/services/${theirs.id}`).set(auth(requester))).status).toBe(404);
      expect((await t.http.get(`/api/services/${theirs.id}`).set(auth(manager))).status).toBe(200);
    });
  });

  describe('GET /api/services/:id and /timeline', () => {
    it('returns every alias field, the timeline and an ETag', async () => {
      const { id } = await create();
      const res = await t.http.get(`/api/services/${id}`).set(auth(requester));
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"0"');
      for (const [a, b] of [
        ['device_type', 'device'],
        ['brand', 'device_brand'],
        ['model', 'device_model'],
        ['serial_number', 'sn'],
        ['service_type', 'service'],
        ['description', 'issue_description'],
        ['requester_name', 'user_name'],
        ['code', 'request_code'],
      ]) {
        expect(res.body.data[a!]).toBeDefined();
        expect(res.body.data[b!]).toEqual(res.body.data[a!]);
      }
      const timeline = await t.http.get(`/api/services/${id}/timeline`).set(auth(requester));
      expect(timeline.status).toBe(200);
      expect(timeline.body.data).toEqual(res.body.data.timeline);
    });

    it('answers 404 in the documented format', async () => {
      for (const path of ['/api/services/999', '/api/services/abc', '/api/services/999/timeline']) {
        const res = await t.http.get(path).set(auth(manager));
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: 'Service request not found' });
      }
    });
  });

  describe('workflow', () => {
    it('moves pending → approved → in progress → completed, one timeline entry per event', async () => {
      const { id } = await create();
      // The list, reloaded after each step, shows the request's state then.
      const listed = async () => (await t.http.get('/api/services?per_page=100').set(auth(manager))).body.data.find((d: { id: number }) => d.id === id);
      expect(await listed()).toMatchObject({ status: 'Pending', approved_at: null });
      expect(await listed()).toMatchObject({ status: 'Pending', approved_at: null });
      t.clock.advance(60_000);
      const approved = await act(manager, id, 'approve', { note: 'OK, go' });
      expect(await listed()).toEqual(expect.objectContaining({ status: 'Approved', approved_at: '2026-01-15T12:01:00.000Z' }));
      expect(approved.status).toBe(200);
      expect(approved.body.data).toMatchObject({ status: 'Approved', approved_at: '2026-01-15T12:01:00.000Z' });
      t.clock.advance(60_000);
      expect((await act(tech, id, 'start')).body.data.status).toBe('In Progress');
      t.clock.advance(60_000);
      const done = await act(tech, id, 'complete', { note: 'Keyboard replaced' });
      expect(done.body.data.status).toBe('Completed');
      expect(await listed()).toMatchObject({ status: 'Completed' });
      expect(done.body.data.timeline.map((e: { label: string; state: string; note: string }) => [e.label, e.state, e.note])).toEqual([
        ['Menunggu Approval', 'inactive', 'Request dibuat oleh John Doe'],
        ['Disetujui', 'inactive', 'Disetujui oleh Mia Manager: OK, go'],
        ['Proses', 'inactive', 'Dikerjakan oleh Tia Tech'],
        ['Selesai', 'active', 'Diselesaikan oleh Tia Tech: Keyboard replaced'],
      ]);
      // The timeline is the request's own stream, event for event.
      const events = await t.eventStore.readStream(serviceRequestStream(id));
      expect(events.map((e) => e.type)).toEqual([
        'ServiceRequestSubmitted',
        'ServiceRequestApproved',
        'ServiceRequestWorkStarted',
        'ServiceRequestCompleted',
      ]);
      expect(done.body.data.timeline.map((e: { date: string }) => e.date)).toEqual(events.map((e) => e.metadata.timestamp));
      expect(events[1]!.metadata.actor).toEqual({ userId: manager.userId, role: 'manager' });
    });

    it('rejects with a required reason', async () => {
      const { id } = await create();
      const missing = await act(manager, id, 'reject', {});
      expect(missing.status).toBe(422);
      expect(missing.body.errors.reason).toEqual(['The reason field is required.']);
      const res = await act(manager, id, 'reject', { reason: 'Out of warranty' });
      expect(res.body.data.status).toBe('Rejected');
      expect(res.body.data.timeline[1]).toMatchObject({ label: 'Ditolak', note: 'Ditolak oleh Mia Manager: Out of warranty' });
    });

    it('refuses an illegal step with 422 naming the allowed actions, and changes nothing', async () => {
      const { id } = await create();
      const res = await act(tech, id, 'complete');
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        message: 'Cannot complete a service request that is pending',
        current_status: 'pending',
        allowed_actions: ['approve', 'reject', 'cancel'],
      });
      expect((await t.eventStore.readStream(serviceRequestStream(id))).length).toBe(1);
    });

    it('lets the requester cancel their own request but not someone else', async () => {
      const { id } = await create();
      const other = await t.user('customer_service');
      expect((await act(other, id, 'cancel')).status).toBe(404);
      const byTech = await act(tech, id, 'cancel');
      expect(byTech.status).toBe(403);
      expect(byTech.body).toEqual({ message: 'Only the requester can cancel this service request' });
      const res = await act(requester, id, 'cancel', { reason: 'Fixed it myself' });
      expect(res.status).toBe(200);
      expect(res.body.data.status).toBe('Cancelled');
    });

    it('honours If-Match: a stale revision is 412 and changes nothing', async () => {
      const { id } = await create();
      const stale = await act(manager, id, 'approve').set('If-Match', '"5"');
      expect(stale.status).toBe(412);
      const current = await t.http.get(`/api/services/${id}`).set(auth(manager));
      expect(current.body.data.status).toBe('Pending');
      const ok = await act(manager, id, 'approve').set('If-Match', current.headers.etag!);
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe('"1"');
    });
  });

  describe('permission matrix', () => {
    const roles: Role[] = ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'];
    const actions = ['approve', 'reject', 'start', 'complete'] as const;

    it.each(roles)('%s: create, list and each workflow step as the matrix says', async (role) => {
      const u = await t.user(role);
      const canCreate = (SERVICE_REQUEST_PERMISSIONS.create as readonly Role[]).includes(role);
      const created = await t.http.post('/api/services').set(auth(u)).send(form);
      expect(created.status).toBe(canCreate ? 201 : 403);
      const listed = await t.http.get('/api/services').set(auth(u));
      expect(listed.status).toBe(canCreate ? 200 : 403);
      for (const action of actions) {
        const { id } = await create();
        // put the request where the action is legal, so only permission decides
        if (action === 'start' || action === 'complete') await act(manager, id, 'approve');
        if (action === 'complete') await act(tech, id, 'start');
        const res = await act(u, id, action, { reason: 'because' });
        const allowed = (SERVICE_REQUEST_PERMISSIONS[action] as readonly Role[]).includes(role);
        expect([role, action, res.status]).toEqual([role, action, allowed ? 200 : 403]);
      }
    });
  });

  describe('CORS', () => {
    it('allows the documented front-end origin with credentials', async () => {
      const res = await t.http
        .options('/api/services')
        .set('Origin', 'http://localhost:5173')
        .set('Access-Control-Request-Method', 'POST');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-allow-methods']).toContain('DELETE');
      expect(res.headers['access-control-allow-headers']).toContain('Authorization');
      const other = await t.http.get('/api/services').set('Origin', 'http://evil.example').set(auth(requester));
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
