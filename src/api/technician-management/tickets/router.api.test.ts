import { systemMeta } from '../../../commands/context';
import { loadConfig } from '../../../config';
import { handleCommand } from '../../../commands/handle-command';
import { ticketStream } from '../../../domain/ticket';
import { userDecider, userStream, type Role } from '../../../domain/user';
import { runSlaJob } from '../../../jobs/sla';
import { auth, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { ALL_ROLES, OPERATIONAL_ROLES } from '../permissions';

type Token = { token: string; userId: string };
const UNKNOWN = '7d0c3c53-0000-4000-8000-000000000000';
const T0 = '2026-01-15T12:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();
const HOUR = 3_600_000;

let n = 0;
const newCustomerBody = () => {
  n++;
  return {
    full_name: `Pelanggan ${n}`,
    phone: `0812${String(n).padStart(8, '0')}`,
    email: `pelanggan.${n}@example.com`,
    address: `Jl. Contoh No. ${n}`,
    coordinates: { lat: -6.2, lng: 106.8 },
    service_area: 'Jakarta Pusat',
  };
};

interface TicketBody {
  id: string;
  ticket_number: string;
  status: string;
  priority: string;
  sla_deadline: string;
  technician: { id: string; full_name: string | null; phone: string | null } | null;
  history: Array<{ action: string; old_value: string | null; new_value: string | null; user: { id: string | null; role: string } }>;
  [k: string]: unknown;
}

/** A customer record (through the customers API) and, on request, its login account signed in. */
async function registerCustomer(t: TestApp, by: { token: string }, login = false) {
  const body = newCustomerBody();
  const res = await t.http.post('/api/customers').set(auth(by)).send(body);
  if (res.status !== 201) throw new Error(`customer fixture: ${res.status} ${JSON.stringify(res.body)}`);
  const customer = res.body.data.customer as { id: string; user_id: string; full_name: string; phone: string; address: string };
  if (!login) return { customer, user: null };
  await t.http.post('/api/auth/forgot-password').send({ email: body.email });
  const resetToken = /Reset token: (\S+)/.exec(t.mail[t.mail.length - 1]!.text)![1]!;
  const password = 'customer-password-1';
  const reset = await t.http.post('/api/auth/reset-password').send({ token: resetToken, password, password_confirmation: password });
  if (reset.status !== 200) throw new Error(`customer reset: ${reset.status}`);
  t.clock.advance(1);
  const logged = await t.login(body.email, password);
  if (logged.status !== 200) throw new Error(`customer login: ${logged.status}`);
  return { customer, user: { userId: customer.user_id, token: logged.body.token as string } };
}

const ticketBody = (customerId: string, over: Record<string, unknown> = {}) => ({
  customer_id: customerId,
  type: 'repair',
  priority: 'normal',
  title: 'Internet mati',
  description: 'Lampu LOS merah sejak pagi',
  location: { lat: -6.2, lng: 106.8 },
  ...over,
});

describe('Tickets API (document 000)', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;
  let cs: TestUser;
  let tech: TestUser;
  let tech2: TestUser;
  let customerId: string;
  let otherCustomerId: string;

  beforeEach(async () => {
    // Tokens outlive the clock jumps of a day that SLA tests make.
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '86400' });
    admin = await t.user('super_admin', { full_name: 'Ada Admin' });
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    cs = await t.user('customer_service', { full_name: 'Citra CS' });
    tech = await t.user('technician', { full_name: 'Tono Teknisi' });
    tech2 = await t.user('technician', { full_name: 'Tari Teknisi' });
    customerId = (await registerCustomer(t, admin)).customer.id;
    otherCustomerId = (await registerCustomer(t, admin)).customer.id;
  });
  afterEach(async () => {
    await t.stop();
  });

  const create = async (over: Record<string, unknown> = {}, by: { token: string } = cs) => {
    const res = await t.http.post('/api/tickets').set(auth(by)).send(ticketBody(customerId, over));
    expect(res.status).toBe(201);
    return res.body.data.ticket as TicketBody;
  };
  const get = (id: string, by: { token: string } = admin) => t.http.get(`/api/tickets/${id}`).set(auth(by));
  const list = (query = '', by: { token: string } = admin) => t.http.get(`/api/tickets${query}`).set(auth(by));
  const numbers = async (query: string, by: { token: string } = admin) => {
    const res = await list(query, by);
    expect(res.status).toBe(200);
    return (res.body.data.tickets as TicketBody[]).map((x) => x.ticket_number);
  };
  const assign = (id: string, technicianId: string, by: { token: string } = manager, extra: object = {}) =>
    t.http.post(`/api/tickets/${id}/assign`).set(auth(by)).send({ technician_id: technicianId, ...extra });
  const setStatus = (id: string, status: string, by: { token: string } = manager, extra: object = {}) =>
    t.http.put(`/api/tickets/${id}/status`).set(auth(by)).send({ status, ...extra });
  const update = (id: string, body: object, by: { token: string } = cs) => t.http.put(`/api/tickets/${id}`).set(auth(by)).send(body);
  const comment = (id: string, body: object, by: { token: string } = cs) =>
    t.http.post(`/api/tickets/${id}/comments`).set(auth(by)).send(body);
  /** After the clock jumped more than a day: sign in again. */
  const relogin = async (...users: TestUser[]) => {
    for (const u of users) u.token = (await t.login(u.email, u.password)).body.token;
  };
  const walk = async (id: string, statuses: string[], by: { token: string } = manager) => {
    for (const s of statuses) expect((await setStatus(id, s, by)).status).toBe(200);
  };

  describe('POST /api/tickets', () => {
    it('creates a ticket (201) with its number, SLA deadline, customer and attachments', async () => {
      const res = await t.http
        .post('/api/tickets')
        .set(auth(cs))
        .send(
          ticketBody(customerId, {
            priority: 'high',
            scheduled_at: '2026-01-16T09:00:00+07:00',
            attachments: ['https://files.example.com/photos/modem.jpg', 'https://files.example.com/docs/form.pdf'],
          }),
        );
      expect(res.status).toBe(201);
      const ticket = res.body.data.ticket;
      expect(res.body.success).toBe(true);
      expect(res.headers.location).toBe(`/api/tickets/${ticket.id}`);
      expect(res.headers.etag).toBe('"0"');
      expect(ticket).toMatchObject({
        ticket_number: 'TKT-000001',
        customer: { id: customerId, full_name: expect.stringMatching(/^Pelanggan/), phone: expect.any(String), address: expect.any(String), service_status: null },
        technician: null,
        type: 'repair',
        priority: 'high',
        status: 'new',
        title: 'Internet mati',
        description: 'Lampu LOS merah sejak pagi',
        location: { lat: -6.2, lng: 106.8 },
        scheduled_at: '2026-01-16T02:00:00.000Z',
        completed_at: null,
        sla_deadline: at(24),
        overdue: false,
        rating: null,
        created_at: T0,
        updated_at: T0,
        created_by: { id: cs.userId, full_name: 'Citra CS', role: 'customer_service' },
        comments: [],
      });
      expect(ticket.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(ticket.attachments).toEqual([
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          filename: 'modem.jpg',
          url: 'https://files.example.com/photos/modem.jpg',
          type: 'photo',
          uploaded_by: cs.userId,
          uploaded_at: T0,
        },
        expect.objectContaining({ filename: 'form.pdf', type: 'document' }),
      ]);
      expect(ticket.history).toEqual([
        expect.objectContaining({ action: 'created', old_value: null, new_value: 'new', created_at: T0, user: expect.objectContaining({ id: cs.userId }) }),
      ]);
      expect((await create()).ticket_number).toBe('TKT-000002');
    });

    it.each([
      ['emergency', 4],
      ['critical', 8],
      ['high', 24],
      ['normal', 48],
      ['low', 72],
    ])('sets the SLA deadline of a %s ticket %i hours after creation', async (priority, hours) => {
      expect((await create({ priority })).sla_deadline).toBe(at(hours));
    });

    it('answers 422 with every missing field', async () => {
      const res = await t.http.post('/api/tickets').set(auth(cs)).send({});
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        success: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: 'Validation failed',
          details: {
            customer_id: ['The customer id field is required.'],
            type: ['The type field is required.'],
            priority: ['The priority field is required.'],
            title: ['The title field is required.'],
            description: ['The description field is required.'],
            location: ['The location field is required.'],
          },
        },
      });
    });

    it('answers 422 for invalid values', async () => {
      const res = await t.http
        .post('/api/tickets')
        .set(auth(cs))
        .send(
          ticketBody('not-a-uuid', {
            type: 'rewiring',
            priority: 'urgent',
            location: { lat: 91, lng: 'x' },
            scheduled_at: 'tomorrow',
            attachments: ['not a url'],
            title: '   ',
          }),
        );
      expect(res.status).toBe(422);
      expect(Object.keys(res.body.error.details).sort()).toEqual(
        ['attachments.0', 'customer_id', 'location.lat', 'location.lng', 'priority', 'scheduled_at', 'title', 'type'].sort(),
      );
      expect(res.body.error.details.priority[0]).toMatch(/one of: low, normal, high, critical, emergency/);
    });

    it('answers 422 on customer_id when the customer does not exist, without spending a number', async () => {
      const res = await t.http.post('/api/tickets').set(auth(cs)).send(ticketBody(UNKNOWN));
      expect(res.status).toBe(422);
      expect(res.body.error).toEqual({
        code: 'VALIDATION_ERROR',
        message: 'Validation failed',
        details: { customer_id: ['The selected customer_id does not exist.'] },
      });
      expect((await create()).ticket_number).toBe('TKT-000001');
    });

    it('honours Idempotency-Key: the same request is answered once', async () => {
      const send = (body: object) => t.http.post('/api/tickets').set(auth(cs)).set('Idempotency-Key', 'k-1').send(body);
      const first = await send(ticketBody(customerId));
      const again = await send(ticketBody(customerId));
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await list()).body.data.pagination.total).toBe(1);
      const other = await send(ticketBody(customerId, { title: 'Another' }));
      expect(other.status).toBe(422);
      expect(other.body.error.details).toHaveProperty(['Idempotency-Key']);
    });

    it('lets a customer open a ticket for themself only (403 for another customer)', async () => {
      const { customer, user } = await registerCustomer(t, admin, true);
      const own = await t.http.post('/api/tickets').set(auth(user!)).send(ticketBody(customer.id));
      expect(own.status).toBe(201);
      expect(own.body.data.ticket.created_by).toMatchObject({ id: user!.userId, role: 'customer' });
      const other = await t.http.post('/api/tickets').set(auth(user!)).send(ticketBody(otherCustomerId));
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    });

    it('answers 401 without a token', async () => {
      const res = await t.http.post('/api/tickets').send(ticketBody(customerId));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    });
  });

  describe('concurrent requests', () => {
    it('hands out distinct ticket numbers to many creates at once', async () => {
      const results = await Promise.all(
        Array.from({ length: 25 }, () => t.http.post('/api/tickets').set(auth(cs)).send(ticketBody(customerId))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(25).fill(201));
      const numbers = results.map((r) => r.body.data.ticket.ticket_number as string).sort();
      expect(numbers).toEqual(Array.from({ length: 25 }, (_, i) => `TKT-${String(i + 1).padStart(6, '0')}`));
    });

    it('lets exactly one of many simultaneous identical transitions through', async () => {
      const ticket = await create();
      await assign(ticket.id, tech.userId);
      const results = await Promise.all(Array.from({ length: 10 }, () => setStatus(ticket.id, 'in_progress', tech)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 422).map((r) => r.body.error.details)).toEqual(
        Array(9).fill({ current: 'in_progress', allowed: ['pending', 'resolved'] }),
      );
      const events = await t.eventStore.readStream(ticketStream(ticket.id));
      expect(events.filter((e) => e.type === 'TicketStatusChanged')).toHaveLength(1);
    });
  });

  describe('GET /api/tickets', () => {
    it('lists newest first with the documented item shape and pagination', async () => {
      const first = await create();
      t.clock.advance(60_000);
      await create({ title: 'Second' });
      expect((await assign(first.id, tech.userId)).status).toBe(200);
      const res = await list();
      expect(res.status).toBe(200);
      expect(res.body.data.pagination).toEqual({ current_page: 1, per_page: 20, total: 2, total_pages: 1 });
      const [newest, oldest] = res.body.data.tickets;
      expect(newest.ticket_number).toBe('TKT-000002');
      expect(Object.keys(oldest).sort()).toEqual(
        [
          'id',
          'ticket_number',
          'customer',
          'technician',
          'type',
          'priority',
          'status',
          'title',
          'description',
          'location',
          'scheduled_at',
          'completed_at',
          'sla_deadline',
          'overdue',
          'created_at',
          'updated_at',
        ].sort(),
      );
      expect(oldest.technician).toEqual({ id: tech.userId, full_name: 'Tono Teknisi', phone: null });
      expect(oldest.customer.id).toBe(customerId);
      expect(oldest.status).toBe('assigned');
    });

    it('pages with page and limit, and refuses a limit over 100', async () => {
      for (let i = 0; i < 5; i++) {
        await create();
        t.clock.advance(1000);
      }
      const res = await list('?page=2&limit=2');
      expect(res.body.data.pagination).toEqual({ current_page: 2, per_page: 2, total: 5, total_pages: 3 });
      expect(res.body.data.tickets.map((x: TicketBody) => x.ticket_number)).toEqual(['TKT-000003', 'TKT-000002']);
      const tooMany = await list('?limit=101');
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.error.details.limit).toEqual(['limit may not be greater than 100']);
    });

    it('filters by status, priority, type, technician_id and customer_id', async () => {
      const a = await create({ priority: 'high', type: 'repair' });
      const b = await create({ priority: 'low', type: 'maintenance' });
      const c = await t.http.post('/api/tickets').set(auth(cs)).send(ticketBody(otherCustomerId, { type: 'upgrade' }));
      expect((await assign(a.id, tech.userId)).status).toBe(200);
      expect((await assign(b.id, tech2.userId)).status).toBe(200);
      await walk(b.id, ['in_progress']);
      expect(await numbers('?status=assigned')).toEqual([a.ticket_number]);
      expect(await numbers('?status=in_progress')).toEqual([b.ticket_number]);
      expect(await numbers('?status=new')).toEqual([c.body.data.ticket.ticket_number]);
      expect(await numbers('?priority=high')).toEqual([a.ticket_number]);
      expect(await numbers('?type=maintenance')).toEqual([b.ticket_number]);
      expect(await numbers(`?technician_id=${tech2.userId}`)).toEqual([b.ticket_number]);
      expect(await numbers(`?customer_id=${otherCustomerId}`)).toEqual([c.body.data.ticket.ticket_number]);
      expect(await numbers(`?customer_id=${customerId}&priority=low&status=in_progress`)).toEqual([b.ticket_number]);
    });

    it('filters by created_from/created_to (dates are whole UTC days) and scheduled_from/scheduled_to', async () => {
      const jan15 = await create({ scheduled_at: '2026-01-20T08:00:00Z' });
      t.clock.set('2026-01-16T23:59:59.000Z');
      await relogin(cs);
      const jan16 = await create({ scheduled_at: '2026-01-21T08:00:00Z' });
      t.clock.set('2026-01-17T00:00:00.000Z');
      await relogin(cs, admin);
      const jan17 = await create();
      expect(await numbers('?created_from=2026-01-16')).toEqual([jan17.ticket_number, jan16.ticket_number]);
      expect(await numbers('?created_to=2026-01-16')).toEqual([jan16.ticket_number, jan15.ticket_number]);
      expect(await numbers('?created_from=2026-01-16&created_to=2026-01-16')).toEqual([jan16.ticket_number]);
      expect(await numbers('?created_from=2026-01-16T23:59:59Z&created_to=2026-01-17T00:00:00Z')).toEqual([
        jan17.ticket_number,
        jan16.ticket_number,
      ]);
      expect(await numbers('?scheduled_from=2026-01-21')).toEqual([jan16.ticket_number]);
      expect(await numbers('?scheduled_to=2026-01-20')).toEqual([jan15.ticket_number]);
      expect(await numbers('?scheduled_from=2026-01-01&scheduled_to=2026-12-31')).toEqual([jan16.ticket_number, jan15.ticket_number]);
    });

    it('answers 422 for invalid filters', async () => {
      const res = await list(
        '?status=open&priority=urgent&type=x&technician_id=abc&customer_id=abc&created_from=yesterday&scheduled_to=2026-13-45',
      );
      expect(res.status).toBe(422);
      expect(Object.keys(res.body.error.details).sort()).toEqual(
        ['created_from', 'customer_id', 'priority', 'scheduled_to', 'status', 'technician_id', 'type'].sort(),
      );
      const reversed = await list('?created_from=2026-02-01&created_to=2026-01-01');
      expect(reversed.status).toBe(422);
      expect(reversed.body.error.details.created_to).toEqual(['The created to must be after the created from.']);
    });

    it('shows a technician only the tickets assigned to them', async () => {
      const mine = await create();
      const theirs = await create();
      await create();
      await assign(mine.id, tech.userId);
      await assign(theirs.id, tech2.userId);
      expect(await numbers('', tech)).toEqual([mine.ticket_number]);
      expect(await numbers(`?technician_id=${tech2.userId}`, tech)).toEqual([]);
    });

    it('shows a customer only their own tickets', async () => {
      const { customer, user } = await registerCustomer(t, admin, true);
      await create();
      const own = (await t.http.post('/api/tickets').set(auth(cs)).send(ticketBody(customer.id))).body.data.ticket;
      expect(await numbers('', user!)).toEqual([own.ticket_number]);
      expect(await numbers(`?customer_id=${customerId}`, user!)).toEqual([]);
    });
  });

  describe('GET /api/tickets/:id', () => {
    it('answers the detail with an ETag, and 404 for unknown or malformed ids', async () => {
      const ticket = await create();
      const res = await get(ticket.id);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.body.data.ticket).toMatchObject({ id: ticket.id, attachments: [], comments: [], history: [expect.any(Object)] });
      for (const id of [UNKNOWN, 'not-a-uuid']) {
        const missing = await get(id);
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual({
          success: false,
          error: { code: 'RESOURCE_NOT_FOUND', message: 'Ticket not found', details: {} },
        });
      }
    });

    it('derives the history from the ticket events, one entry per change', async () => {
      const ticket = await create({ priority: 'low' });
      t.clock.advance(HOUR);
      expect((await update(ticket.id, { priority: 'high', title: 'Internet mati total' })).status).toBe(200);
      expect((await assign(ticket.id, tech.userId, manager, { notes: 'Bawa ONT cadangan' })).status).toBe(200);
      expect((await assign(ticket.id, tech2.userId)).status).toBe(200);
      await walk(ticket.id, ['in_progress', 'pending', 'in_progress']);
      expect((await comment(ticket.id, { comment: 'Menunggu pelanggan' })).status).toBe(201);
      expect((await setStatus(ticket.id, 'resolved', manager, { notes: 'ONT diganti', rating: 5 })).status).toBe(200);
      t.clock.advance(30 * HOUR);
      await runSlaJob(
        { commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger },
        t.clock.now(),
      );
      await relogin(admin);
      const res = await get(ticket.id);
      const history = res.body.data.ticket.history as TicketBody['history'];
      const rows = history.map((h) => [h.action, h.old_value, h.new_value, h.user.id]);
      expect(rows).toEqual([
        ['created', null, 'new', cs.userId],
        ['title_changed', 'Internet mati', 'Internet mati total', cs.userId],
        ['priority_changed', 'low', 'high', cs.userId],
        ['sla_deadline_changed', at(72), at(24), cs.userId],
        ['assigned', null, tech.userId, manager.userId],
        ['status_changed', 'new', 'assigned', manager.userId],
        ['reassigned', tech.userId, tech2.userId, manager.userId],
        ['status_changed', 'assigned', 'in_progress', manager.userId],
        ['status_changed', 'in_progress', 'pending', manager.userId],
        ['status_changed', 'pending', 'in_progress', manager.userId],
        ['commented', null, 'Menunggu pelanggan', cs.userId],
        ['status_changed', 'in_progress', 'resolved', manager.userId],
        ['rated', null, '5', manager.userId],
      ]);
      expect(history[4]).toMatchObject({ notes: 'Bawa ONT cadangan', user: { full_name: 'Mia Manager', role: 'manager' } });
      expect(new Set(history.map((h) => (h as unknown as { id: string }).id)).size).toBe(history.length);
      // Every event of the ticket's stream is behind at least one entry, at the event's time.
      const events = await t.eventStore.readStream(ticketStream(ticket.id));
      expect(events.map((e) => e.type)).toEqual([
        'TicketCreated',
        'TicketUpdated',
        'TicketAssigned',
        'TicketAssigned',
        'TicketStatusChanged',
        'TicketStatusChanged',
        'TicketStatusChanged',
        'TicketCommentAdded',
        'TicketStatusChanged',
      ]);
      expect(res.headers.etag).toBe(`"${events.length - 1}"`);
      expect((await get(ticket.id)).body.data.ticket.history).toEqual(history);
    });

    it('records SLA warnings and breaches in the history as System', async () => {
      const ticket = await create({ priority: 'emergency' });
      const job = () =>
        runSlaJob({ commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger }, t.clock.now());
      t.clock.advance(3 * HOUR);
      await t.app.runner.waitFor((await job()).position!, 5000);
      t.clock.advance(HOUR);
      await t.app.runner.waitFor((await job()).position!, 5000);
      const res = await get(ticket.id);
      expect(res.body.data.ticket.overdue).toBe(true);
      expect(res.body.data.ticket.history.slice(1)).toEqual([
        expect.objectContaining({ action: 'sla_warning', new_value: at(4), user: { id: null, full_name: 'System', role: 'system' } }),
        expect.objectContaining({ action: 'sla_breached', new_value: at(4), created_at: at(4) }),
      ]);
    });

    it('hides tickets outside the caller scope (404) from technicians and customers', async () => {
      const { customer, user } = await registerCustomer(t, admin, true);
      const ticket = await create();
      await assign(ticket.id, tech.userId);
      expect((await get(ticket.id, tech)).status).toBe(200);
      expect((await get(ticket.id, tech2)).status).toBe(404);
      expect((await get(ticket.id, user!)).status).toBe(404);
      const own = (await t.http.post('/api/tickets').set(auth(cs)).send(ticketBody(customer.id))).body.data.ticket;
      expect((await get(own.id, user!)).status).toBe(200);
    });
  });

  describe('PUT /api/tickets/:id', () => {
    it('updates the given fields; a priority change moves the SLA deadline from the creation time', async () => {
      const ticket = await create({ priority: 'normal', scheduled_at: '2026-01-16T09:00:00Z' });
      t.clock.advance(2 * HOUR);
      const res = await update(ticket.id, {
        title: 'Kabel putus',
        description: 'Kabel drop putus tertimpa pohon',
        priority: 'critical',
        type: 'maintenance',
        location: { lat: -6.3, lng: 106.9 },
        scheduled_at: null,
      });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body.data.ticket).toMatchObject({
        title: 'Kabel putus',
        description: 'Kabel drop putus tertimpa pohon',
        priority: 'critical',
        type: 'maintenance',
        location: { lat: -6.3, lng: 106.9 },
        scheduled_at: null,
        sla_deadline: at(8),
        created_at: T0,
        updated_at: at(2),
      });
      const unchanged = await update(ticket.id, { title: 'Kabel putus' });
      expect(unchanged.status).toBe(200);
      expect(unchanged.headers.etag).toBe('"1"');
    });

    it('answers 422 for an empty body, invalid values and fields changed elsewhere', async () => {
      const ticket = await create();
      const empty = await update(ticket.id, {});
      expect(empty.status).toBe(422);
      expect(empty.body.error.details.body).toEqual([
        'Give at least one of title, description, priority, type, location, scheduled_at.',
      ]);
      const bad = await update(ticket.id, { priority: 'asap', title: '' });
      expect(Object.keys(bad.body.error.details).sort()).toEqual(['priority', 'title']);
      const elsewhere = await update(ticket.id, { status: 'closed', technician_id: tech.userId });
      expect(elsewhere.status).toBe(422);
      expect(elsewhere.body.error.details).toEqual({
        status: ['The status is changed with PUT /api/tickets/:id/status.'],
        technician_id: ['The technician is changed with POST /api/tickets/:id/assign.'],
      });
    });

    it('honours If-Match: a stale revision is 412 and changes nothing', async () => {
      const ticket = await create();
      const stale = await update(ticket.id, { title: 'Stale' }).set('If-Match', '"3"');
      expect(stale.status).toBe(412);
      expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
      expect((await get(ticket.id)).body.data.ticket.title).toBe('Internet mati');
      const current = (await get(ticket.id)).headers.etag!;
      const fresh = await t.http.put(`/api/tickets/${ticket.id}`).set(auth(cs)).set('If-Match', current).send({ title: 'Fresh' });
      expect(fresh.status).toBe(200);
      expect(fresh.headers.etag).toBe('"1"');
      const malformed = await update(ticket.id, { title: 'x' }).set('If-Match', 'abc');
      expect(malformed.status).toBe(422);
    });

    it('refuses to change a closed ticket (422) and answers 404 for an unknown one', async () => {
      const ticket = await create();
      await assign(ticket.id, tech.userId);
      await walk(ticket.id, ['in_progress', 'resolved', 'closed']);
      const res = await update(ticket.id, { title: 'Too late' });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'INVALID_STATE_TRANSITION', details: { current: 'closed', allowed: [] } });
      expect((await update(UNKNOWN, { title: 'x' })).status).toBe(404);
    });
  });

  describe('POST /api/tickets/:id/assign', () => {
    it('assigns a new ticket to an active technician and records a reassignment', async () => {
      const ticket = await create();
      const res = await assign(ticket.id, tech.userId, manager, { scheduled_at: '2026-01-16T03:00:00Z', notes: 'Pagi' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body.data.ticket).toMatchObject({
        status: 'assigned',
        technician: { id: tech.userId, full_name: 'Tono Teknisi' },
        scheduled_at: '2026-01-16T03:00:00.000Z',
      });
      await walk(ticket.id, ['in_progress']);
      const again = await assign(ticket.id, tech2.userId);
      expect(again.status).toBe(200);
      expect(again.body.data.ticket).toMatchObject({ status: 'in_progress', technician: { id: tech2.userId } });
      const [event] = await t.eventStore.readStream(ticketStream(ticket.id), { fromRevision: 3 });
      expect(event!.data).toMatchObject({ technicianId: tech2.userId, previousTechnicianId: tech.userId });
    });

    it('answers 422 on technician_id for anyone but an active technician', async () => {
      const ticket = await create();
      const inactive = await t.user('technician');
      await handleCommand(
        t.app.deps.commands,
        userDecider,
        userStream(inactive.userId),
        { type: 'DeactivateUser', reason: null, now: T0 },
        systemMeta(t.app.deps.commands.ids, 'test'),
      );
      for (const id of [UNKNOWN, manager.userId, inactive.userId]) {
        const res = await assign(ticket.id, id);
        expect(res.status).toBe(422);
        expect(res.body.error.details).toEqual({ technician_id: ['The selected technician_id is not an active technician.'] });
      }
      const malformed = await assign(ticket.id, 'tech-1');
      expect(malformed.body.error.details).toEqual({ technician_id: ['The technician id must be a valid UUID.'] });
      const missing = await t.http.post(`/api/tickets/${ticket.id}/assign`).set(auth(manager)).send({});
      expect(missing.body.error.details).toEqual({ technician_id: ['The technician id field is required.'] });
      await assign(ticket.id, tech.userId);
      const same = await assign(ticket.id, tech.userId);
      expect(same.body.error.details).toEqual({ technician_id: ['The ticket is already assigned to this technician.'] });
    });

    it('refuses to assign a resolved ticket (422) and honours If-Match', async () => {
      const ticket = await create();
      expect((await assign(ticket.id, tech.userId).set('If-Match', '"7"')).status).toBe(412);
      expect((await assign(ticket.id, tech.userId).set('If-Match', '"0"')).status).toBe(200);
      await walk(ticket.id, ['in_progress', 'resolved']);
      const res = await assign(ticket.id, tech2.userId);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'INVALID_STATE_TRANSITION', details: { current: 'resolved' } });
      expect((await assign(UNKNOWN, tech.userId)).status).toBe(404);
    });
  });

  describe('PUT /api/tickets/:id/status', () => {
    it('walks the workflow; completed_at is the resolution time, cleared by a reopen', async () => {
      const ticket = await create();
      await assign(ticket.id, tech.userId);
      await walk(ticket.id, ['in_progress', 'pending', 'in_progress'], tech);
      t.clock.advance(HOUR);
      const resolved = await setStatus(ticket.id, 'resolved', tech, { notes: 'Selesai', attachments: ['https://f.example.com/after.png'] });
      expect(resolved.status).toBe(200);
      expect(resolved.body.data.ticket).toMatchObject({ status: 'resolved', completed_at: at(1) });
      expect(resolved.body.data.ticket.attachments).toEqual([
        expect.objectContaining({ filename: 'after.png', type: 'photo', uploaded_by: tech.userId, uploaded_at: at(1) }),
      ]);
      const reopened = await setStatus(ticket.id, 'in_progress', manager);
      expect(reopened.body.data.ticket).toMatchObject({ status: 'in_progress', completed_at: null });
      await walk(ticket.id, ['resolved']);
      const closed = await setStatus(ticket.id, 'closed', cs, { rating: 4 });
      expect(closed.status).toBe(200);
      expect(closed.body.data.ticket).toMatchObject({ status: 'closed', rating: 4, completed_at: at(1), closed_at: at(1) });
    });

    it('answers 422 naming the allowed statuses for an illegal transition', async () => {
      const ticket = await create();
      const fromNew = await setStatus(ticket.id, 'in_progress');
      expect(fromNew.status).toBe(422);
      expect(fromNew.body.error).toEqual({
        code: 'INVALID_STATE_TRANSITION',
        message: 'Cannot change the status from new to in_progress; no status change is allowed (assign the ticket to a technician first)',
        details: { current: 'new', allowed: [] },
      });
      await assign(ticket.id, tech.userId);
      const skip = await setStatus(ticket.id, 'closed');
      expect(skip.status).toBe(422);
      expect(skip.body.error.details).toEqual({ current: 'assigned', allowed: ['in_progress'] });
      await walk(ticket.id, ['in_progress', 'resolved', 'closed']);
      const reopenClosed = await setStatus(ticket.id, 'in_progress');
      expect(reopenClosed.body.error.details).toEqual({ current: 'closed', allowed: [] });
      const bogus = await setStatus(ticket.id, 'done');
      expect(bogus.status).toBe(422);
      expect(bogus.body.error.code).toBe('VALIDATION_ERROR');
    });

    it('accepts a rating only when resolving or closing, and not from the technician', async () => {
      const ticket = await create();
      await assign(ticket.id, tech.userId);
      const early = await setStatus(ticket.id, 'in_progress', manager, { rating: 5 });
      expect(early.status).toBe(422);
      expect(early.body.error.details).toEqual({ rating: ['A rating can only be given when resolving or closing a ticket.'] });
      await walk(ticket.id, ['in_progress']);
      const outOfRange = await setStatus(ticket.id, 'resolved', manager, { rating: 6 });
      expect(outOfRange.body.error.details).toEqual({ rating: ['The rating must be a whole number from 1 to 5.'] });
      const byTech = await setStatus(ticket.id, 'resolved', tech, { rating: 5 });
      expect(byTech.status).toBe(403);
      expect((await setStatus(ticket.id, 'resolved', tech)).status).toBe(200);
    });

    it('lets a technician change only their own tickets, and honours If-Match', async () => {
      const ticket = await create();
      await assign(ticket.id, tech.userId);
      expect((await setStatus(ticket.id, 'in_progress', tech2)).status).toBe(404);
      expect((await setStatus(ticket.id, 'in_progress', tech).set('If-Match', '"0"')).status).toBe(412);
      const ok = await setStatus(ticket.id, 'in_progress', tech).set('If-Match', '"1"');
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe('"2"');
      expect((await setStatus(UNKNOWN, 'in_progress')).status).toBe(404);
    });
  });

  describe('POST /api/tickets/:id/comments', () => {
    it('adds a comment (201), shown in the detail with its author', async () => {
      const ticket = await create();
      await assign(ticket.id, tech.userId);
      t.clock.advance(60_000);
      const res = await comment(ticket.id, { comment: 'Teknisi menuju lokasi', attachments: ['https://f.example.com/map.png'] }, tech);
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body).toEqual({
        success: true,
        data: {
          comment: {
            id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            user: { id: tech.userId, full_name: 'Tono Teknisi', role: 'technician', avatar: null },
            comment: 'Teknisi menuju lokasi',
            attachments: ['https://f.example.com/map.png'],
            created_at: '2026-01-15T12:01:00.000Z',
            is_internal: false,
          },
        },
      });
      const detail = (await get(ticket.id)).body.data.ticket;
      expect(detail.comments).toEqual([res.body.data.comment]);
      expect(detail.attachments).toEqual([expect.objectContaining({ filename: 'map.png', uploaded_by: tech.userId })]);
    });

    it('answers 422 for an empty comment or a closed ticket, 404 outside the scope', async () => {
      const { user } = await registerCustomer(t, admin, true);
      const ticket = await create();
      const empty = await comment(ticket.id, { comment: '  ' });
      expect(empty.status).toBe(422);
      expect(empty.body.error.details).toEqual({ comment: ['The comment field is required.'] });
      expect((await comment(ticket.id, { comment: 'Hi' }, tech)).status).toBe(404);
      expect((await comment(ticket.id, { comment: 'Hi' }, user!)).status).toBe(404);
      expect((await comment(UNKNOWN, { comment: 'Hi' })).status).toBe(404);
      await assign(ticket.id, tech.userId);
      await walk(ticket.id, ['in_progress', 'resolved', 'closed']);
      const closed = await comment(ticket.id, { comment: 'Hello?' });
      expect(closed.status).toBe(422);
      expect(closed.body.error.code).toBe('INVALID_STATE_TRANSITION');
    });
  });

  describe('GET /api/customers/:id/tickets', () => {
    it("lists the customer's tickets, with the status filter", async () => {
      const a = await create();
      t.clock.advance(1000);
      const b = await create();
      await t.http.post('/api/tickets').set(auth(cs)).send(ticketBody(otherCustomerId));
      await assign(a.id, tech.userId);
      const res = await t.http.get(`/api/customers/${customerId}/tickets`).set(auth(cs));
      expect(res.status).toBe(200);
      expect(res.body.data.tickets.map((x: TicketBody) => x.id)).toEqual([b.id, a.id]);
      expect(res.body.data.pagination).toEqual({ current_page: 1, per_page: 20, total: 2, total_pages: 1 });
      const assigned = await t.http.get(`/api/customers/${customerId}/tickets?status=assigned`).set(auth(cs));
      expect(assigned.body.data.tickets.map((x: TicketBody) => x.id)).toEqual([a.id]);
      expect((await t.http.get(`/api/customers/${customerId}/tickets`).set(auth(tech))).body.data.tickets).toHaveLength(1);
    });

    it('answers 404 for an unknown customer, 403 for another customer, 422 for a bad filter', async () => {
      const { customer, user } = await registerCustomer(t, admin, true);
      expect((await t.http.get(`/api/customers/${UNKNOWN}/tickets`).set(auth(cs))).status).toBe(404);
      expect((await t.http.get(`/api/customers/${customerId}/tickets`).set(auth(user!))).status).toBe(403);
      expect((await t.http.get(`/api/customers/${customer.id}/tickets`).set(auth(user!))).status).toBe(200);
      expect((await t.http.get(`/api/customers/${customerId}/tickets?status=x`).set(auth(cs))).status).toBe(422);
      expect((await t.http.get(`/api/customers/${customerId}/tickets`)).status).toBe(401);
    });

    it('leaves the other /api/customers routes to the customers area', async () => {
      const res = await t.http.get(`/api/customers/${customerId}`).set(auth(cs));
      expect(res.status).toBe(200);
      expect(res.body.data.customer.id).toBe(customerId);
    });
  });

  describe('GET /api/technicians/:id/tickets', () => {
    it("lists the technician's current tickets with status, date_from and date_to", async () => {
      const a = await create();
      t.clock.set('2026-01-16T10:00:00.000Z');
      const b = await create();
      const c = await create();
      for (const x of [a, b]) await assign(x.id, tech.userId);
      await assign(c.id, tech2.userId);
      await walk(b.id, ['in_progress']);
      const ids = async (query: string, by: { token: string } = manager) => {
        const res = await t.http.get(`/api/technicians/${tech.userId}/tickets${query}`).set(auth(by));
        expect(res.status).toBe(200);
        return res.body.data.tickets.map((x: TicketBody) => x.id);
      };
      expect(await ids('')).toEqual([b.id, a.id]);
      expect(await ids('', tech)).toEqual([b.id, a.id]);
      expect(await ids('?status=in_progress')).toEqual([b.id]);
      expect(await ids('?date_from=2026-01-16')).toEqual([b.id]);
      expect(await ids('?date_to=2026-01-15')).toEqual([a.id]);
      expect(await ids('?date_from=2026-01-15&date_to=2026-01-16&status=assigned')).toEqual([a.id]);
    });

    it('answers 403 for another technician or a customer, 404 for a non-technician, 422 for bad filters', async () => {
      const { user } = await registerCustomer(t, admin, true);
      expect((await t.http.get(`/api/technicians/${tech.userId}/tickets`).set(auth(tech2))).status).toBe(403);
      expect((await t.http.get(`/api/technicians/${tech.userId}/tickets`).set(auth(user!))).status).toBe(403);
      expect((await t.http.get(`/api/technicians/${manager.userId}/tickets`).set(auth(manager))).status).toBe(404);
      expect((await t.http.get(`/api/technicians/${UNKNOWN}/tickets`).set(auth(manager))).status).toBe(404);
      const bad = await t.http.get(`/api/technicians/${tech.userId}/tickets?date_from=soon&status=x`).set(auth(manager));
      expect(bad.status).toBe(422);
      expect(Object.keys(bad.body.error.details).sort()).toEqual(['date_from', 'status']);
    });
  });
});

describe('Tickets SLA configuration', () => {
  it('takes the SLA hours from SLA_HOURS, merged over the defaults', async () => {
    const t = await startTestApp({ SLA_HOURS: '{"emergency":2,"low":0.5}' });
    try {
      const cs = await t.user('customer_service');
      const { customer } = await registerCustomer(t, cs);
      const deadline = async (priority: string) =>
        (await t.http.post('/api/tickets').set(auth(cs)).send(ticketBody(customer.id, { priority }))).body.data.ticket.sla_deadline;
      expect(await deadline('emergency')).toBe(at(2));
      expect(await deadline('low')).toBe(at(0.5));
      expect(await deadline('high')).toBe(at(24));
    } finally {
      await t.stop();
    }
  });

  it('refuses an SLA table or schedule that does not make sense', () => {
    const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) };
    expect(() => loadConfig({ ...base, SLA_HOURS: 'emergency=4' })).toThrow(/SLA_HOURS must be JSON/);
    expect(() => loadConfig({ ...base, SLA_HOURS: '{"urgent":4}' })).toThrow(/SLA_HOURS must map priorities/);
    expect(() => loadConfig({ ...base, SLA_HOURS: '{"low":-1}' })).toThrow(/SLA_HOURS must map priorities/);
    expect(() => loadConfig({ ...base, SLA_WARNING_PERCENT: '100' })).toThrow(/SLA_WARNING_PERCENT/);
    expect(() => loadConfig({ ...base, SLA_JOB_SCHEDULE: 'hourly' })).toThrow(/SLA_JOB_SCHEDULE must be a cron expression/);
    expect(loadConfig(base)).toMatchObject({
      SLA_HOURS: { emergency: 4, critical: 8, high: 24, normal: 48, low: 72 },
      SLA_WARNING_PERCENT: 25,
      SLA_JOB_SCHEDULE: '* * * * *',
      JOBS_ENABLED: true,
    });
  });
});

describe('Tickets API permissions (every role, every endpoint)', () => {
  let t: TestApp;
  const users = {} as Record<Role, Token>;
  let manager: Token;
  let technician: Token;
  let otherTechnician: Token;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ALL_ROLES.filter((r) => r !== 'customer')) users[role] = await t.user(role);
    manager = users.manager;
    technician = users.technician;
    otherTechnician = await t.user('technician');
    const { customer, user } = await registerCustomer(t, manager, true);
    customerId = customer.id;
    users.customer = user!;
  });
  afterAll(async () => {
    await t.stop();
  });

  /** A fresh ticket of the customer, assigned to the technician: in every role's scope. */
  const ticketInScope = async () => {
    const res = await t.http.post('/api/tickets').set(auth(manager)).send(ticketBody(customerId));
    const id = res.body.data.ticket.id as string;
    await t.http.post(`/api/tickets/${id}/assign`).set(auth(manager)).send({ technician_id: technician.userId });
    return id;
  };

  type Call = (u: Token) => Promise<{ status: number }>;
  const endpoints: Record<string, { call: Call; allowed: readonly Role[]; success: number }> = {
    'GET /api/tickets': { call: (u) => t.http.get('/api/tickets').set(auth(u)), allowed: OPERATIONAL_ROLES, success: 200 },
    'POST /api/tickets': {
      call: (u) => t.http.post('/api/tickets').set(auth(u)).send(ticketBody(customerId)),
      allowed: ['super_admin', 'manager', 'supervisor', 'customer_service', 'customer'],
      success: 201,
    },
    'GET /api/tickets/:id': {
      call: async (u) => t.http.get(`/api/tickets/${await ticketInScope()}`).set(auth(u)),
      allowed: OPERATIONAL_ROLES,
      success: 200,
    },
    'PUT /api/tickets/:id': {
      call: async (u) => t.http.put(`/api/tickets/${await ticketInScope()}`).set(auth(u)).send({ title: 'Changed' }),
      allowed: ['super_admin', 'manager', 'supervisor', 'customer_service'],
      success: 200,
    },
    'POST /api/tickets/:id/assign': {
      call: async (u) =>
        t.http
          .post(`/api/tickets/${await ticketInScope()}/assign`)
          .set(auth(u))
          .send({ technician_id: otherTechnician.userId }),
      allowed: ['super_admin', 'manager', 'supervisor'],
      success: 200,
    },
    'PUT /api/tickets/:id/status': {
      call: async (u) => t.http.put(`/api/tickets/${await ticketInScope()}/status`).set(auth(u)).send({ status: 'in_progress' }),
      allowed: ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician'],
      success: 200,
    },
    'POST /api/tickets/:id/comments': {
      call: async (u) => t.http.post(`/api/tickets/${await ticketInScope()}/comments`).set(auth(u)).send({ comment: 'Hello' }),
      allowed: OPERATIONAL_ROLES,
      success: 201,
    },
    'GET /api/customers/:id/tickets': {
      call: (u) => t.http.get(`/api/customers/${customerId}/tickets`).set(auth(u)),
      allowed: OPERATIONAL_ROLES,
      success: 200,
    },
    'GET /api/technicians/:id/tickets': {
      call: (u) => t.http.get(`/api/technicians/${technician.userId}/tickets`).set(auth(u)),
      allowed: ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician'],
      success: 200,
    },
  };

  const cases = Object.entries(endpoints).flatMap(([name, e]) =>
    ALL_ROLES.map((role) => [name, role, e.allowed.includes(role) ? e.success : 403] as const),
  );

  it('covers every endpoint for every role', () => {
    expect(cases).toHaveLength(Object.keys(endpoints).length * ALL_ROLES.length);
  });

  it.each(cases)('%s as %s → %i', async (name, role, expected) => {
    const res = await endpoints[name]!.call(users[role]);
    expect(res.status).toBe(expected);
    if (expected === 403) expect((res as unknown as { body: { error: { code: string } } }).body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
  });
});
