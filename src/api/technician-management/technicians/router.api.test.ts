import { systemMeta } from '../../../commands/context';
import { handleCommand } from '../../../commands/handle-command';
import { registerUser } from '../../../commands/users';
import { userDecider, userStream, type Role, type UserCommand } from '../../../domain/user';
import { technicianStream } from '../../../domain/technician';
import type { NewEvent } from '../../../ports/event-store';
import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { TECHNICIAN_PERMISSIONS } from './permissions';

/**
 * Document 000 "Technician Management" through HTTP on the whole product (in-memory stores,
 * manual clock). The performance figures come from ticket events: one test drives tickets
 * through the ticket API (/api/tickets); the others append ticket events (validated against the
 * ticket event schemas) to the event store, as the ticket commands do, to reach shapes the
 * ticket workflow makes slow to set up (e.g. a rating given on close).
 */

const T0 = '2026-01-15T12:00:00.000Z';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';

describe('Technicians API (document 000)', () => {
  let t: TestApp;
  let manager: TestUser;
  let tech: TestUser;

  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const get = (u: TestUser, path: string) => t.http.get(`/api/technicians${path}`).set(auth(u));
  const put = (u: TestUser, path: string, body: unknown) => t.http.put(`/api/technicians${path}`).set(auth(u)).send(body as object);

  /** Fixture: a user registered through the command, with a phone (not logged in). */
  async function registered(role: Role, full_name: string, phone: string | null = null): Promise<string> {
    const r = await registerUser(
      t.app.deps.commands,
      { email: `${full_name.replace(/\W/g, '.').toLowerCase()}@example.com`, password: 'secret-password', role, profile: { full_name, phone } },
      systemMeta(t.app.deps.commands.ids, 'test'),
    );
    await t.app.runner.waitFor(r.position, 5000);
    return r.userId;
  }
  /** Fixture: a change to a user through the user aggregate (as the users API does). */
  async function changeUser(userId: string, command: UserCommand): Promise<void> {
    const r = await handleCommand(t.app.deps.commands, userDecider, userStream(userId), command, systemMeta(t.app.deps.commands.ids, 'test'));
    if (r.position !== null) await t.app.runner.waitFor(r.position, 5000);
  }

  let ticketSeq = 0;
  /** Fixture: ticket events as the ticket commands append them (see the note at the top). */
  async function ticketEvents(events: Array<[string, Record<string, unknown>]>): Promise<void> {
    ticketSeq++;
    const ticketId = `0000${ticketSeq}`.slice(-4).padStart(8, 'a') + '-0000-4000-8000-000000000000';
    const registry = t.app.deps.commands.registry;
    const newEvents: NewEvent[] = events.map(([type, data]) => ({
      id: t.app.deps.commands.ids.uuid(),
      type,
      // Checked against the ticket event schemas (once the ticket domain registers them).
      data: registry.has(type) ? registry.validate(type, { ticketId, ...data }) : { ticketId, ...data },
      metadata: { actor: { userId: manager.userId, role: 'manager' }, timestamp: T0, schemaVersion: 1 },
    }));
    const result = await t.eventStore.appendToStream(`ticket-${ticketId}`, newEvents, { expectedRevision: 'no_stream' });
    await t.app.runner.waitFor(result.position, 5000);
  }
  const by = () => ({ userId: manager.userId, role: 'manager' });
  const created = (createdAt: string, slaDeadline: string): [string, Record<string, unknown>] => [
    'TicketCreated',
    {
      number: ticketSeq + 1,
      ticketNumber: `TKT-${ticketSeq + 1}`,
      customerId: UNKNOWN,
      type: 'repair',
      priority: 'normal',
      title: 'No internet',
      description: 'Down',
      location: { lat: -6.2, lng: 106.8 },
      scheduledAt: null,
      attachments: [],
      slaDeadline,
      createdBy: by(),
      channel: 'staff',
      createdAt,
    },
  ];
  const assigned = (technicianId: string, assignedAt: string): [string, Record<string, unknown>] => [
    'TicketAssigned',
    { technicianId, previousTechnicianId: null, scheduledAt: null, notes: null, assignedBy: by(), assignedAt, status: 'assigned' },
  ];
  const moved = (from: string, to: string, changedAt: string, rating: number | null = null): [string, Record<string, unknown>] => [
    'TicketStatusChanged',
    { from, to, notes: null, attachments: [], rating, changedBy: by(), changedAt, technicianId: null },
  ];

  beforeEach(async () => {
    // Access tokens live a day, so tests can move the clock by hours without logging in again.
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '86400' });
    ticketSeq = 0;
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    tech = await t.user('technician', { full_name: 'Budi Santoso' });
  });
  afterEach(async () => {
    await t.stop();
  });

  describe('GET /api/technicians', () => {
    it('lists technicians in the documented shape with pagination', async () => {
      await registered('customer_service', 'Citra CS');
      const res = await get(manager, '');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        data: {
          technicians: [
            {
              id: tech.userId,
              user_id: tech.userId,
              employee_id: `EMP-${String(tech.number).padStart(4, '0')}`,
              full_name: 'Budi Santoso',
              phone: null,
              skills: [],
              service_areas: [],
              is_available: true,
              current_location: null,
              performance: { total_tickets: 0, completed_tickets: 0, average_rating: 0, completion_rate: 0 },
              is_active: true,
              availability_reason: null,
              availability_changed_at: null,
              created_at: T0,
              updated_at: T0,
            },
          ],
          pagination: { current_page: 1, per_page: 20, total: 1, total_pages: 1 },
        },
      });
      expect(res.body.data.technicians[0].employee_id).toMatch(/^EMP-\d{4}$/);
    });

    it('pages by name then employee number', async () => {
      await registered('technician', 'Andi');
      await registered('technician', 'Citra');
      await registered('technician', 'Dedi');
      const page2 = await get(manager, '?page=2&limit=2');
      expect(page2.status).toBe(200);
      expect(page2.body.data.technicians.map((x: { full_name: string }) => x.full_name)).toEqual(['Citra', 'Dedi']);
      expect(page2.body.data.pagination).toEqual({ current_page: 2, per_page: 2, total: 4, total_pages: 2 });
      const first = await get(manager, '?limit=2');
      expect(first.body.data.technicians.map((x: { full_name: string }) => x.full_name)).toEqual(['Andi', 'Budi Santoso']);
      const beyond = await get(manager, '?page=9');
      expect(beyond.body.data).toEqual({ technicians: [], pagination: { current_page: 9, per_page: 20, total: 4, total_pages: 1 } });
    });

    it.each([
      ['limit=101', 'limit', 'limit may not be greater than 100'],
      ['limit=0', 'limit', 'limit must be at least 1'],
      ['page=0', 'page', 'page must be at least 1'],
      ['page=abc', 'page', expect.any(String)],
      ['is_available=maybe', 'is_available', 'must be true or false'],
    ])('answers 422 VALIDATION_ERROR for %s', async (query, field, message) => {
      const res = await get(manager, `?${query}`);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: 'Validation failed', details: { [field]: [message] } } });
    });

    describe('filters', () => {
      let andi: string;
      let citra: string;
      let dedi: string;
      beforeEach(async () => {
        andi = await registered('technician', 'Andi');
        citra = await registered('technician', 'Citra');
        dedi = await registered('technician', 'Dedi');
        expect((await put(manager, `/${andi}`, { skills: ['Fiber Splicing', 'Router'], service_areas: ['Jakarta Selatan', 'Depok'] })).status).toBe(200);
        expect((await put(manager, `/${citra}`, { skills: ['fiber splicing'], service_areas: ['Bogor'] })).status).toBe(200);
        expect((await put(manager, `/${dedi}`, { skills: ['Router', 'ONT'], service_areas: ['depok'] })).status).toBe(200);
        expect((await put(manager, `/${citra}/availability`, { is_available: false, reason: 'Leave' })).status).toBe(200);
      });
      const ids = async (query: string) => {
        const res = await get(manager, query);
        expect(res.status).toBe(200);
        expect(res.body.data.pagination.total).toBe(res.body.data.technicians.length);
        return res.body.data.technicians.map((x: { id: string }) => x.id);
      };

      it('is_available', async () => {
        expect(await ids('?is_available=false')).toEqual([citra]);
        expect(await ids('?is_available=true')).toEqual([andi, tech.userId, dedi]);
        expect(await ids('?is_available=1')).toEqual([andi, tech.userId, dedi]);
      });
      it('service_area matches any of a technician\'s areas, case-insensitively', async () => {
        expect(await ids('?service_area=Depok')).toEqual([andi, dedi]);
        expect(await ids('?service_area=jakarta%20selatan')).toEqual([andi]);
        expect(await ids('?service_area=Bekasi')).toEqual([]);
      });
      it('skills (comma-separated) requires every listed skill, case-insensitively', async () => {
        expect(await ids('?skills=router')).toEqual([andi, dedi]);
        expect(await ids('?skills=Fiber%20Splicing,Router')).toEqual([andi]);
        expect(await ids('?skills=router,%20ont,')).toEqual([dedi]);
        expect(await ids('?skills=')).toEqual([andi, tech.userId, citra, dedi]);
      });
      it('combines filters', async () => {
        expect(await ids('?skills=fiber%20splicing&is_available=true')).toEqual([andi]);
        expect(await ids('?service_area=depok&skills=ont&is_available=true')).toEqual([dedi]);
      });
    });

    it('leaves out deactivated technicians and users who are no longer technicians', async () => {
      const gone = await registered('technician', 'Andi');
      const promoted = await registered('technician', 'Citra');
      await changeUser(gone, { type: 'DeactivateUser', reason: 'left', now: T0 });
      await changeUser(promoted, { type: 'ChangeUserRole', role: 'supervisor', now: T0 });
      const res = await get(manager, '');
      expect(res.body.data.technicians.map((x: { id: string }) => x.id)).toEqual([tech.userId]);
      await changeUser(gone, { type: 'ReactivateUser', now: T0 });
      expect((await get(manager, '')).body.data.pagination.total).toBe(2);
    });

    it('follows the user profile: name and phone', async () => {
      await changeUser(tech.userId, { type: 'UpdateUserProfile', changes: { full_name: 'Budi S.', phone: '+62811000001' }, now: T0 });
      const [item] = (await get(manager, '')).body.data.technicians;
      expect(item).toMatchObject({ full_name: 'Budi S.', phone: '+62811000001' });
    });

    it('shows a technician only themself', async () => {
      await registered('technician', 'Andi');
      const res = await get(tech, '');
      expect(res.status).toBe(200);
      expect(res.body.data.technicians.map((x: { id: string }) => x.id)).toEqual([tech.userId]);
      expect(res.body.data.pagination.total).toBe(1);
    });

    it('answers 401 in the document\'s error format without a token', async () => {
      const res = await t.http.get('/api/technicians');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ success: false, error: { code: 'UNAUTHORIZED', message: expect.any(String), details: {} } });
    });
  });

  describe('GET /api/technicians/:id', () => {
    it('returns the technician with an ETag', async () => {
      const phoned = await registered('technician', 'Andi', '+62811999');
      const res = await get(manager, `/${phoned}`);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"-1"');
      expect(res.body.success).toBe(true);
      expect(res.body.data.technician).toMatchObject({ id: phoned, user_id: phoned, full_name: 'Andi', phone: '+62811999', is_available: true });
    });

    it.each([
      ['an unknown id', UNKNOWN],
      ['a malformed id', 'not-a-uuid'],
    ])('answers 404 RESOURCE_NOT_FOUND for %s', async (_label, id) => {
      const res = await get(manager, `/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, error: { code: 'RESOURCE_NOT_FOUND', message: 'Technician not found', details: {} } });
    });

    it('answers 404 for a user who is not a technician', async () => {
      const res = await get(manager, `/${manager.userId}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('RESOURCE_NOT_FOUND');
    });

    it('still shows a deactivated technician, as inactive and unavailable', async () => {
      const gone = await registered('technician', 'Andi');
      await changeUser(gone, { type: 'DeactivateUser', reason: null, now: T0 });
      const res = await get(manager, `/${gone}`);
      expect(res.status).toBe(200);
      expect(res.body.data.technician).toMatchObject({ is_active: false, is_available: false });
    });

    it('leaves GET /:id/tickets to the tickets area', async () => {
      const res = await get(manager, `/${tech.userId}/tickets`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ tickets: [], pagination: { current_page: 1, per_page: 20, total: 0, total_pages: 0 } });
    });

    it('lets a technician read themself, not another technician (403)', async () => {
      const other = await registered('technician', 'Andi');
      expect((await get(tech, `/${tech.userId}`)).status).toBe(200);
      const res = await get(tech, `/${other}`);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ success: false, error: { code: 'INSUFFICIENT_PERMISSIONS', message: expect.any(String), details: {} } });
    });
  });

  describe('PUT /api/technicians/:id/location', () => {
    it('records the location with the time of the report, visible at once and as an event', async () => {
      t.clock.advance(60_000);
      const res = await put(tech, `/${tech.userId}/location`, { lat: -6.2615, lng: 106.8106 });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.body.data.technician.current_location).toEqual({ lat: -6.2615, lng: 106.8106, updated_at: '2026-01-15T12:01:00.000Z' });
      const [listed] = (await get(manager, '')).body.data.technicians;
      expect(listed.current_location).toEqual({ lat: -6.2615, lng: 106.8106, updated_at: '2026-01-15T12:01:00.000Z' });
      const [event] = await t.eventStore.readStream(technicianStream(tech.userId));
      expect(event).toMatchObject({
        type: 'TechnicianLocationUpdated',
        data: { technicianId: tech.userId, lat: -6.2615, lng: 106.8106, updatedAt: '2026-01-15T12:01:00.000Z' },
        metadata: { actor: { userId: tech.userId, role: 'technician' } },
      });
    });

    it('accepts the edges of the ranges', async () => {
      const res = await put(tech, `/${tech.userId}/location`, { lat: 90, lng: -180 });
      expect(res.status).toBe(200);
      expect(res.body.data.technician.current_location).toMatchObject({ lat: 90, lng: -180 });
    });

    it.each([
      [{ lat: 90.1, lng: 0 }, { lat: ['The lat must be between -90 and 90.'] }],
      [{ lat: 0, lng: -180.5 }, { lng: ['The lng must be between -180 and 180.'] }],
      [{ lat: -91, lng: 181 }, { lat: ['The lat must be between -90 and 90.'], lng: ['The lng must be between -180 and 180.'] }],
      [{ lng: 10 }, { lat: ['The lat field is required.'] }],
      [{}, { lat: ['The lat field is required.'], lng: ['The lng field is required.'] }],
      [{ lat: '-6.2', lng: 106 }, { lat: ['The lat must be a number.'] }],
    ])('answers 422 per field for %j', async (body, details) => {
      const res = await put(tech, `/${tech.userId}/location`, body);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: 'Validation failed', details } });
      expect(await t.eventStore.readStream(technicianStream(tech.userId))).toEqual([]);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await t.http.put(`/api/technicians/${tech.userId}/location`).set(auth(tech)).set('Content-Type', 'application/json').send('{"lat":');
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
    });

    it('lets a manager update any technician; a technician only themself', async () => {
      const other = await registered('technician', 'Andi');
      expect((await put(manager, `/${other}/location`, { lat: 1, lng: 2 })).status).toBe(200);
      const res = await put(tech, `/${other}/location`, { lat: 1, lng: 2 });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    });

    it('answers 404 for an unknown technician or a user who is not one', async () => {
      expect((await put(manager, `/${UNKNOWN}/location`, { lat: 1, lng: 2 })).body.error.code).toBe('RESOURCE_NOT_FOUND');
      const res = await put(manager, `/${manager.userId}/location`, { lat: 1, lng: 2 });
      expect(res.status).toBe(404);
      expect(await t.eventStore.readStream(technicianStream(manager.userId))).toEqual([]);
    });

    it('refuses a deactivated technician (422)', async () => {
      const gone = await registered('technician', 'Andi');
      await changeUser(gone, { type: 'DeactivateUser', reason: null, now: T0 });
      const res = await put(manager, `/${gone}/location`, { lat: 1, lng: 2 });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'INVALID_STATE_TRANSITION', details: { current: 'deactivated' } });
    });

    it('records every one of many concurrent reports (conflicting appends are retried)', async () => {
      const results = await Promise.all(
        // Five at once: each can lose the race at most four times, within handleCommand's five attempts.
        Array.from({ length: 5 }, (_, i) => put(i % 2 ? manager : tech, `/${tech.userId}/location`, { lat: i, lng: i })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
      const events = await t.eventStore.readStream(technicianStream(tech.userId));
      expect(events.map((e) => e.data.lat).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    });

    it('honours If-Match: a stale revision is 412 and changes nothing', async () => {
      const first = await put(tech, `/${tech.userId}/location`, { lat: 1, lng: 1 });
      expect(first.headers.etag).toBe('"0"');
      const stale = await t.http.put(`/api/technicians/${tech.userId}/location`).set(auth(tech)).set('If-Match', '"-1"').send({ lat: 2, lng: 2 });
      expect(stale.status).toBe(412);
      expect(stale.body.success).toBe(false);
      const current = await t.http.put(`/api/technicians/${tech.userId}/location`).set(auth(tech)).set('If-Match', '"0"').send({ lat: 3, lng: 3 });
      expect(current.status).toBe(200);
      expect(current.headers.etag).toBe('"1"');
      expect((await get(tech, `/${tech.userId}`)).body.data.technician.current_location).toMatchObject({ lat: 3, lng: 3 });
      const bad = await t.http.put(`/api/technicians/${tech.userId}/location`).set(auth(tech)).set('If-Match', 'abc').send({ lat: 3, lng: 3 });
      expect(bad.status).toBe(422);
    });
  });

  describe('PUT /api/technicians/:id/availability', () => {
    it('goes unavailable with a reason and back', async () => {
      t.clock.advance(5 * 60_000);
      const off = await put(tech, `/${tech.userId}/availability`, { is_available: false, reason: 'Sick leave' });
      expect(off.status).toBe(200);
      expect(off.body.data.technician).toMatchObject({
        is_available: false,
        availability_reason: 'Sick leave',
        availability_changed_at: '2026-01-15T12:05:00.000Z',
      });
      expect((await get(manager, '?is_available=false')).body.data.technicians.map((x: { id: string }) => x.id)).toEqual([tech.userId]);
      const on = await put(tech, `/${tech.userId}/availability`, { is_available: true });
      expect(on.status).toBe(200);
      expect(on.body.data.technician).toMatchObject({ is_available: true, availability_reason: null });
      const events = await t.eventStore.readStream(technicianStream(tech.userId));
      expect(events.map((e) => e.data)).toEqual([
        { technicianId: tech.userId, isAvailable: false, reason: 'Sick leave', changedAt: '2026-01-15T12:05:00.000Z' },
        { technicianId: tech.userId, isAvailable: true, reason: null, changedAt: '2026-01-15T12:05:00.000Z' },
      ]);
    });

    it('appends nothing when the availability does not change', async () => {
      const res = await put(tech, `/${tech.userId}/availability`, { is_available: true, reason: null });
      expect(res.status).toBe(200);
      expect(await t.eventStore.readStream(technicianStream(tech.userId))).toEqual([]);
    });

    it.each([
      [{ is_available: false }, { reason: ['The reason field is required when is available is false.'] }],
      [{ is_available: false, reason: '  ' }, { reason: ['The reason field is required when is available is false.'] }],
      [{ reason: 'x' }, { is_available: ['The is available field is required.'] }],
      [{ is_available: 'no', reason: 'x' }, { is_available: ['The is available field must be true or false.'] }],
      [{ is_available: false, reason: 42 }, { reason: ['The reason must be a string.'] }],
    ])('answers 422 for %j', async (body, details) => {
      const res = await put(tech, `/${tech.userId}/availability`, body);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: 'Validation failed', details } });
    });

    it('lets a supervisor set another technician unavailable; not another technician', async () => {
      const supervisor = await t.user('supervisor');
      const other = await registered('technician', 'Andi');
      expect((await put(supervisor, `/${other}/availability`, { is_available: false, reason: 'Vehicle in repair' })).status).toBe(200);
      expect((await put(tech, `/${other}/availability`, { is_available: true })).status).toBe(403);
      expect((await put(manager, `/${UNKNOWN}/availability`, { is_available: true })).status).toBe(404);
    });
  });

  describe('PUT /api/technicians/:id (skills and service areas)', () => {
    it('replaces the lists given, trimmed and de-duplicated', async () => {
      const res = await put(manager, `/${tech.userId}`, { skills: [' Fiber Splicing', 'fiber splicing', 'ONT'], service_areas: ['Depok'] });
      expect(res.status).toBe(200);
      expect(res.body.data.technician).toMatchObject({ skills: ['Fiber Splicing', 'ONT'], service_areas: ['Depok'] });
      const areas = await put(manager, `/${tech.userId}`, { service_areas: ['Bogor', 'Depok'] });
      expect(areas.body.data.technician).toMatchObject({ skills: ['Fiber Splicing', 'ONT'], service_areas: ['Bogor', 'Depok'] });
      expect((await get(tech, `/${tech.userId}`)).body.data.technician.service_areas).toEqual(['Bogor', 'Depok']);
    });

    it.each([
      [{}, { skills: ['The skills field is required when service areas is not present.'] }],
      [{ skills: 'router' }, { skills: ['The skills must be an array of strings.'] }],
      [{ skills: ['ok', 5] }, { 'skills.1': ['Each skills entry must be a string.'] }],
      [{ service_areas: ['  '] }, { service_areas: ['The service areas may not contain empty entries.'] }],
    ])('answers 422 for %j', async (body, details) => {
      const res = await put(manager, `/${tech.userId}`, body);
      expect(res.status).toBe(422);
      expect(res.body.error).toEqual({ code: 'VALIDATION_ERROR', message: 'Validation failed', details });
    });

    it('answers 404 for an unknown technician and 403 for a technician', async () => {
      expect((await put(manager, `/${UNKNOWN}`, { skills: ['x'] })).status).toBe(404);
      expect((await put(tech, `/${tech.userId}`, { skills: ['x'] })).status).toBe(403);
    });
  });

  describe('GET /api/technicians/:id/performance', () => {
    it('is all zeros before any ticket', async () => {
      const res = await get(manager, `/${tech.userId}/performance`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        data: {
          performance: {
            total_tickets: 0,
            completed_tickets: 0,
            pending_tickets: 0,
            average_completion_time: 0,
            average_rating: 0,
            completion_rate: 0,
            on_time_rate: 0,
            first_call_resolution: 0,
            monthly_stats: [],
          },
        },
      });
    });

    it('computes the figures from the ticket events', async () => {
      // A list seen before the tickets: its item is not shown again once the figures move.
      expect((await get(manager, '')).body.data.technicians[0].performance.total_tickets).toBe(0);
      // 1: 2 h, on time, straight through, rated 5.
      await ticketEvents([
        created('2026-01-10T08:00:00.000Z', '2026-01-10T20:00:00.000Z'),
        assigned(tech.userId, '2026-01-10T08:00:00.000Z'),
        moved('assigned', 'in_progress', '2026-01-10T09:00:00.000Z'),
        moved('in_progress', 'resolved', '2026-01-10T10:00:00.000Z', 5),
      ]);
      // 2: went to pending, 30 h, late, rated 3 on close.
      await ticketEvents([
        created('2026-02-01T08:00:00.000Z', '2026-02-02T08:00:00.000Z'),
        assigned(tech.userId, '2026-02-01T08:00:00.000Z'),
        moved('assigned', 'in_progress', '2026-02-01T09:00:00.000Z'),
        moved('in_progress', 'pending', '2026-02-01T10:00:00.000Z'),
        moved('pending', 'resolved', '2026-02-02T14:00:00.000Z'),
        moved('resolved', 'closed', '2026-02-03T14:00:00.000Z', 3),
      ]);
      // 3: still open.
      await ticketEvents([created('2026-02-05T08:00:00.000Z', '2026-02-06T08:00:00.000Z'), assigned(tech.userId, '2026-02-05T08:00:00.000Z')]);
      const res = await get(tech, `/${tech.userId}/performance`);
      expect(res.status).toBe(200);
      expect(res.body.data.performance).toEqual({
        total_tickets: 3,
        completed_tickets: 2,
        pending_tickets: 1,
        average_completion_time: 16,
        average_rating: 4,
        completion_rate: 66.67,
        on_time_rate: 50,
        first_call_resolution: 50,
        monthly_stats: [
          { month: '2026-01', completed: 1, average_rating: 5 },
          { month: '2026-02', completed: 1, average_rating: 3 },
        ],
      });
      const [item] = (await get(manager, '')).body.data.technicians;
      expect(item.performance).toEqual({ total_tickets: 3, completed_tickets: 2, average_rating: 4, completion_rate: 66.67 });
      expect((await get(manager, `/${tech.userId}`)).body.data.technician.performance).toEqual(item.performance);
    });

    it('follows tickets driven through the ticket API: reassignment, pending, reopen, ratings, SLA', async () => {
      const HOUR = 3_600_000;
      const other = await t.user('technician', { full_name: 'Andi' });
      const customer = await t.http.post('/api/customers').set(auth(manager)).send({
        full_name: 'Siti Aminah',
        phone: '081234567890',
        email: 'siti@example.com',
        address: 'Jl. Merdeka 1',
        coordinates: { lat: -6.2, lng: 106.8 },
        service_area: 'Depok',
      });
      expect(customer.status).toBe(201);
      const customerId = customer.body.data.customer.id as string;
      const call = async (u: TestUser, method: 'post' | 'put', path: string, body: object) => {
        const res = await t.http[method](`/api/tickets${path}`).set(auth(u)).send(body);
        expect({ path, body, status: res.status, error: res.body.error }).toEqual({ path, body, status: method === 'post' && path === '' ? 201 : 200, error: undefined });
        return res.body.data.ticket as { id: string };
      };
      // Emergency tickets: the SLA deadline is 4 hours after creation.
      const open = () =>
        call(manager, 'post', '', {
          customer_id: customerId,
          type: 'repair',
          priority: 'emergency',
          title: 'No signal',
          description: 'ONT shows LOS',
          location: { lat: -6.2, lng: 106.8 },
        });
      const status = (u: TestUser, id: string, to: string, rating?: number) => call(u, 'put', `/${id}/status`, rating ? { status: to, rating } : { status: to });
      const assign = (id: string, technician: TestUser) => call(manager, 'post', `/${id}/assign`, { technician_id: technician.userId });

      // A: 12:00 → resolved 14:00 (2 h, on time, straight through), rated 5.
      const a = await open();
      await assign(a.id, tech);
      await status(tech, a.id, 'in_progress');
      t.clock.advance(2 * HOUR);
      await status(manager, a.id, 'resolved', 5);
      // B: created 14:00 for the other technician, reassigned at 15:00, pending on the way,
      // resolved 20:00 (5 h after the reassignment, after the 18:00 deadline), rated 3.
      const b = await open();
      await assign(b.id, other);
      t.clock.advance(HOUR);
      await assign(b.id, tech);
      await status(tech, b.id, 'in_progress');
      await status(tech, b.id, 'pending');
      await status(tech, b.id, 'in_progress');
      t.clock.advance(5 * HOUR);
      await status(manager, b.id, 'resolved', 3);
      // C: resolved with a rating of 2, then reopened: open again, its rating no longer counts.
      const c = await open();
      await assign(c.id, tech);
      await status(tech, c.id, 'in_progress');
      t.clock.advance(HOUR);
      await status(manager, c.id, 'resolved', 2);
      await status(manager, c.id, 'in_progress');

      const mine = await get(tech, `/${tech.userId}/performance`);
      expect(mine.status).toBe(200);
      expect(mine.body.data.performance).toEqual({
        total_tickets: 3,
        completed_tickets: 2,
        pending_tickets: 1,
        average_completion_time: 3.5,
        average_rating: 4,
        completion_rate: 66.67,
        on_time_rate: 50,
        first_call_resolution: 50,
        monthly_stats: [{ month: '2026-01', completed: 2, average_rating: 4 }],
      });
      expect((await get(manager, `/${other.userId}/performance`)).body.data.performance).toMatchObject({
        total_tickets: 0,
        completed_tickets: 0,
        pending_tickets: 0,
      });
      const summary = (await get(manager, '')).body.data.technicians.map((x: { id: string; performance: unknown }) => [x.id, x.performance]);
      expect(summary).toEqual([
        [other.userId, { total_tickets: 0, completed_tickets: 0, average_rating: 0, completion_rate: 0 }],
        [tech.userId, { total_tickets: 3, completed_tickets: 2, average_rating: 4, completion_rate: 66.67 }],
      ]);
    });

    it('answers 404 for an unknown technician and 403 for another technician', async () => {
      const other = await registered('technician', 'Andi');
      expect((await get(manager, `/${UNKNOWN}/performance`)).status).toBe(404);
      expect((await get(manager, `/${manager.userId}/performance`)).status).toBe(404);
      const res = await get(tech, `/${other}/performance`);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    });
  });

  describe('permissions: every role against every endpoint', () => {
    const ROLES: Role[] = ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'];
    type Target = 'self' | 'other';
    const endpoints: Array<{ name: string; permission: keyof typeof TECHNICIAN_PERMISSIONS; call: (u: TestUser, id: string) => Promise<{ status: number }> }> = [
      { name: 'GET /technicians', permission: 'list', call: (u) => get(u, '') },
      { name: 'GET /technicians/:id', permission: 'view', call: (u, id) => get(u, `/${id}`) },
      { name: 'GET /technicians/:id/performance', permission: 'performance', call: (u, id) => get(u, `/${id}/performance`) },
      { name: 'PUT /technicians/:id/location', permission: 'updateLocation', call: (u, id) => put(u, `/${id}/location`, { lat: -6.2, lng: 106.8 }) },
      {
        name: 'PUT /technicians/:id/availability',
        permission: 'updateAvailability',
        call: (u, id) => put(u, `/${id}/availability`, { is_available: false, reason: 'Checked by permission test' }),
      },
      { name: 'PUT /technicians/:id', permission: 'updateSkills', call: (u, id) => put(u, `/${id}`, { skills: ['Fiber Splicing'] }) },
    ];
    // The expected status for each role, written out (not derived from the table under test).
    const expected: Record<string, Record<Role, number> & { technicianOnOther: number }> = {
      'GET /technicians': { super_admin: 200, manager: 200, supervisor: 200, customer_service: 200, technician: 200, customer: 403, auditor: 403, technicianOnOther: 200 },
      'GET /technicians/:id': { super_admin: 200, manager: 200, supervisor: 200, customer_service: 200, technician: 200, customer: 403, auditor: 403, technicianOnOther: 403 },
      'GET /technicians/:id/performance': {
        super_admin: 200,
        manager: 200,
        supervisor: 200,
        customer_service: 200,
        technician: 200,
        customer: 403,
        auditor: 403,
        technicianOnOther: 403,
      },
      'PUT /technicians/:id/location': {
        super_admin: 200,
        manager: 200,
        supervisor: 200,
        customer_service: 403,
        technician: 200,
        customer: 403,
        auditor: 403,
        technicianOnOther: 403,
      },
      'PUT /technicians/:id/availability': {
        super_admin: 200,
        manager: 200,
        supervisor: 200,
        customer_service: 403,
        technician: 200,
        customer: 403,
        auditor: 403,
        technicianOnOther: 403,
      },
      'PUT /technicians/:id': { super_admin: 200, manager: 200, supervisor: 200, customer_service: 403, technician: 403, customer: 403, auditor: 403, technicianOnOther: 403 },
    };

    it('matches the permission table for every role', async () => {
      const users = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, r === 'technician' ? tech : await t.user(r)] as const))) as Record<Role, TestUser>;
      const other = await registered('technician', 'Andi');
      const rows: string[] = [];
      const mismatches: string[] = [];
      for (const e of endpoints) {
        for (const role of ROLES) {
          const targets: Target[] = role === 'technician' ? ['self', 'other'] : ['other'];
          for (const target of targets) {
            const id = target === 'self' ? users[role].userId : other;
            const want = role === 'technician' && target === 'other' ? expected[e.name]!.technicianOnOther : expected[e.name]![role];
            const got = (await e.call(users[role], id)).status;
            rows.push(`${e.name} ${role}${role === 'technician' ? ` (${target})` : ''}: ${got}`);
            if (got !== want) mismatches.push(`${e.name} as ${role} on ${target}: expected ${want}, got ${got}`);
            // The table the router enforces says the same.
            expect(TECHNICIAN_PERMISSIONS[e.permission].includes(role)).toBe(expected[e.name]![role] !== 403);
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(rows).toHaveLength(endpoints.length * (ROLES.length + 1));
    });
  });
});
