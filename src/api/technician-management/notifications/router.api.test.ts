import type { Role } from '../../../domain/user';
import { runSlaJob } from '../../../jobs/sla';
import { notificationStream } from '../../../domain/notification';
import { auth, customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { ALL_ROLES, OPERATIONAL_ROLES } from '../permissions';
import { NOTIFICATION_PERMISSIONS } from './permissions';

/**
 * Document 000 "Notification Endpoints" through HTTP on the whole product: notifications appear
 * because tickets change (through the tickets API), and reading them appends to the reader's
 * notifications stream.
 */

type Caller = { token: string; userId: string };
const UNKNOWN = '7d0c3c53-0000-4000-8000-000000000000';

interface NotificationBody {
  id: string;
  type: string;
  title: string;
  message: string;
  data: Record<string, unknown>;
  is_read: boolean;
  read_at: string | null;
  created_at: string;
}

const ticketBody = (customerId: string) => ({
  customer_id: customerId,
  type: 'repair',
  priority: 'normal',
  title: 'Internet mati',
  description: 'Lampu LOS merah',
  location: { lat: -6.2, lng: 106.8 },
});

async function createTicket(t: TestApp, by: { token: string }, customerId: string): Promise<string> {
  const res = await t.http.post('/api/tickets').set(auth(by)).send(ticketBody(customerId));
  if (res.status !== 201) throw new Error(`ticket fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.ticket.id as string;
}

describe('Notifications API (document 000)', () => {
  let t: TestApp;
  let manager: TestUser;
  let supervisor: TestUser;
  let cs: TestUser;
  let tech: TestUser;
  let tech2: TestUser;
  let customer: { customerId: string; user: Caller };

  beforeEach(async () => {
    t = await startTestApp();
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    supervisor = await t.user('supervisor', { full_name: 'Sari Supervisor' });
    cs = await t.user('customer_service', { full_name: 'Citra CS' });
    tech = await t.user('technician', { full_name: 'Tono Teknisi' });
    tech2 = await t.user('technician', { full_name: 'Tari Teknisi' });
    customer = await customerWithLogin(t, manager);
  });
  afterEach(async () => {
    await t.stop();
  });

  const list = (u: { token: string }, query = '') => t.http.get(`/api/notifications${query}`).set(auth(u));
  const items = async (u: { token: string }, query = '') => {
    const res = await list(u, query);
    expect(res.status).toBe(200);
    return res.body.data.notifications as NotificationBody[];
  };
  const assign = async (ticketId: string, technicianId: string) =>
    expect((await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: technicianId })).status).toBe(200);
  const setStatus = async (ticketId: string, status: string, by: { token: string }) =>
    expect((await t.http.put(`/api/tickets/${ticketId}/status`).set(auth(by)).send({ status })).status).toBe(200);
  const comment = async (ticketId: string, text: string, by: { token: string }) =>
    expect((await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(by)).send({ comment: text })).status).toBe(201);

  describe('GET /api/notifications', () => {
    it("lists the caller's own notifications, newest first, with unread_count and pagination", async () => {
      const ticketId = await createTicket(t, cs, customer.customerId);
      t.clock.advance(60_000);
      const assignedAt = t.clock.now().toISOString();
      await assign(ticketId, tech.userId);
      t.clock.advance(60_000);
      await setStatus(ticketId, 'in_progress', tech);
      t.clock.advance(60_000);
      await comment(ticketId, 'Sudah di lokasi', tech);

      const res = await list(tech);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.data.unread_count).toBe(1);
      expect(res.body.data.pagination).toEqual({ current_page: 1, per_page: 20, total: 1, total_pages: 1 });
      const [n] = res.body.data.notifications as NotificationBody[];
      expect(n).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'ticket_assigned',
        title: 'New ticket assigned',
        message: expect.stringMatching(/^TKT-000001 "Internet mati" has been assigned to you\.$/),
        data: expect.objectContaining({ ticket_id: ticketId, ticket_number: 'TKT-000001', assigned_by: manager.userId }),
        is_read: false,
        read_at: null,
        created_at: assignedAt,
      });

      // The creator (cs) and the customer hear about the status change and the comment; the
      // technician who made them does not.
      expect((await items(cs)).map((x) => x.type)).toEqual(['ticket_comment', 'ticket_status_changed']);
      expect((await items(customer.user)).map((x) => x.type)).toEqual(['ticket_comment', 'ticket_status_changed']);
      expect(await items(manager)).toEqual([]);
      expect(await items(supervisor)).toEqual([]);
      const [c] = await items(cs);
      expect(c).toMatchObject({ title: 'New comment on TKT-000001', message: 'Tono Teknisi: Sudah di lokasi' });
    });

    it('filters by is_read and type, and pages with page and limit', async () => {
      const first = await createTicket(t, cs, customer.customerId);
      const second = await createTicket(t, cs, customer.customerId);
      await assign(first, tech.userId);
      await assign(second, tech.userId);
      await assign(first, tech2.userId); // tech: ticket_unassigned
      const all = await items(tech);
      expect(all.map((x) => x.type)).toEqual(['ticket_unassigned', 'ticket_assigned', 'ticket_assigned']);
      expect((await items(tech, '?type=ticket_unassigned')).map((x) => x.data.ticket_id)).toEqual([first]);
      expect((await t.http.put(`/api/notifications/${all[2]!.id}/read`).set(auth(tech))).status).toBe(200);
      expect((await items(tech, '?is_read=true')).map((x) => x.id)).toEqual([all[2]!.id]);
      expect((await items(tech, '?is_read=false')).map((x) => x.id)).toEqual([all[0]!.id, all[1]!.id]);
      expect((await items(tech, '?is_read=false&type=ticket_assigned')).map((x) => x.id)).toEqual([all[1]!.id]);

      const page2 = await list(tech, '?page=2&limit=2');
      expect(page2.body.data.notifications.map((x: NotificationBody) => x.id)).toEqual([all[2]!.id]);
      expect(page2.body.data.pagination).toEqual({ current_page: 2, per_page: 2, total: 3, total_pages: 2 });
      expect(page2.body.data.unread_count).toBe(2);
    });

    it('answers 422 for invalid filters and 401 without a token', async () => {
      for (const q of ['?is_read=maybe', '?type=everything', '?limit=101', '?page=0']) {
        const res = await list(tech, q);
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
      }
      expect((await list(tech, '?type=nope')).body.error.details.type[0]).toContain('ticket_assigned');
      const anonymous = await t.http.get('/api/notifications');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.success).toBe(false);
    });

    it('tells the technician and the active supervisors and managers about SLA breaches', async () => {
      const ticketId = await createTicket(t, cs, customer.customerId);
      await assign(ticketId, tech.userId);
      const deps = { commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger };
      const result = await runSlaJob(deps, new Date(t.clock.now().getTime() + 100 * 3_600_000));
      expect(result.breached).toEqual([ticketId]);
      await t.app.runner.waitFor(result.position!, 5000);
      expect((await items(tech)).map((x) => x.type)).toEqual(['sla_breached', 'ticket_assigned']);
      expect((await items(manager)).map((x) => x.type)).toEqual(['sla_breached']);
      expect((await items(supervisor)).map((x) => x.type)).toEqual(['sla_breached']);
      expect(await items(cs)).toEqual([]);
      expect(await items(customer.user)).toEqual([]);
    });
  });

  describe('PUT /api/notifications/:id/read', () => {
    it('marks one notification read once; a second call changes nothing', async () => {
      const ticketId = await createTicket(t, cs, customer.customerId);
      await assign(ticketId, tech.userId);
      const [n] = await items(tech);
      t.clock.advance(5_000);
      const readAt = t.clock.now().toISOString();
      const res = await t.http.put(`/api/notifications/${n!.id}/read`).set(auth(tech));
      expect(res.status).toBe(200);
      expect(res.body.data.notification).toMatchObject({ id: n!.id, is_read: true, read_at: readAt });
      expect(res.body.data.unread_count).toBe(0);
      // The list, which showed it unread, shows it read.
      expect((await items(tech)).find((x) => x.id === n!.id)).toMatchObject({ is_read: true, read_at: readAt });
      const head = await t.eventStore.headPosition();
      const again = await t.http.put(`/api/notifications/${n!.id}/read`).set(auth(tech));
      expect(again.status).toBe(200);
      expect(again.body.data.notification.read_at).toBe(readAt);
      expect(await t.eventStore.headPosition()).toBe(head);
      const stream = await t.eventStore.readStream(notificationStream(tech.userId));
      expect(stream.map((e) => e.type)).toEqual(['NotificationRead']);
    });

    it("answers 404 for another user's notification, an unknown id and a malformed id", async () => {
      const ticketId = await createTicket(t, cs, customer.customerId);
      await assign(ticketId, tech.userId);
      const [n] = await items(tech);
      for (const [who, id] of [
        [tech2, n!.id],
        [manager, n!.id],
        [tech, UNKNOWN],
        [tech, 'not-a-uuid'],
      ] as const) {
        const res = await t.http.put(`/api/notifications/${id}/read`).set(auth(who));
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ success: false, error: { code: 'RESOURCE_NOT_FOUND' } });
      }
      expect((await items(tech))[0]!.is_read).toBe(false);
    });
  });

  describe('PUT /api/notifications/mark-all-read', () => {
    it('marks everything there is now, not what comes after', async () => {
      const a = await createTicket(t, cs, customer.customerId);
      const b = await createTicket(t, cs, customer.customerId);
      await assign(a, tech.userId);
      await assign(b, tech.userId);
      const res = await t.http.put('/api/notifications/mark-all-read').set(auth(tech));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, data: { marked_count: 2, unread_count: 0 } });
      expect((await items(tech)).every((x) => x.is_read)).toBe(true);

      await assign(a, tech2.userId); // after the command: stays unread
      const after = await items(tech);
      expect(after.map((x) => `${x.type}:${x.is_read}`)).toEqual(['ticket_unassigned:false', 'ticket_assigned:true', 'ticket_assigned:true']);

      // Nothing else unread in the other user's inbox is touched.
      expect((await items(tech2)).map((x) => x.is_read)).toEqual([false]);
      const events = await t.eventStore.readStream(notificationStream(tech.userId));
      expect(events.map((e) => e.type)).toEqual(['AllNotificationsRead']);
      expect(events[0]!.data).toMatchObject({ userId: tech.userId, upToPosition: expect.any(Number) });
    });

    it('appends nothing when nothing is unread', async () => {
      const res = await t.http.put('/api/notifications/mark-all-read').set(auth(tech));
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ marked_count: 0, unread_count: 0 });
      expect(await t.eventStore.readStream(notificationStream(tech.userId))).toEqual([]);
    });
  });
});

describe('Notifications API permissions (every role, every endpoint)', () => {
  let t: TestApp;
  const users = {} as Record<Role, Caller>;
  /** One notification of each role's user. */
  const own = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ALL_ROLES.filter((r) => r !== 'customer')) users[role] = await t.user(role);
    const { customerId, user } = await customerWithLogin(t, users.manager);
    users.customer = user;
    // Each role that may open tickets opens one; a comment by the technician then notifies the
    // creator (and the customer); the technician is notified by the assignment.
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'customer'] as const) {
      const ticketId = await createTicket(t, users[role], customerId);
      await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(users.manager)).send({ technician_id: users.technician.userId });
      await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(users.technician)).send({ comment: `For ${role}` });
    }
    for (const role of OPERATIONAL_ROLES) {
      const res = await t.http.get('/api/notifications').set(auth(users[role]));
      own[role] = (res.body.data.notifications as NotificationBody[])[0]!.id;
    }
  });
  afterAll(async () => {
    await t.stop();
  });

  type Call = (role: Role) => Promise<{ status: number; body: { error?: { code: string } } }>;
  const endpoints: Record<string, { call: Call; allowed: readonly Role[] }> = {
    'GET /api/notifications': { call: (r) => t.http.get('/api/notifications').set(auth(users[r])), allowed: NOTIFICATION_PERMISSIONS.list },
    'PUT /api/notifications/:id/read': {
      call: (r) => t.http.put(`/api/notifications/${own[r]}/read`).set(auth(users[r])),
      allowed: NOTIFICATION_PERMISSIONS.markRead,
    },
    'PUT /api/notifications/mark-all-read': {
      call: (r) => t.http.put('/api/notifications/mark-all-read').set(auth(users[r])),
      allowed: NOTIFICATION_PERMISSIONS.markRead,
    },
  };
  const cases = Object.entries(endpoints).flatMap(([name, e]) =>
    ALL_ROLES.map((role) => [name, role, e.allowed.includes(role) ? 200 : 403] as const),
  );

  it('covers every endpoint for every role; every role but the auditor has an inbox', () => {
    expect(cases).toHaveLength(Object.keys(endpoints).length * ALL_ROLES.length);
    expect(cases.filter(([, role]) => role !== 'auditor').every(([, , status]) => status === 200)).toBe(true);
    expect(cases.filter(([, role]) => role === 'auditor').every(([, , status]) => status === 403)).toBe(true);
  });

  it.each(cases)('%s as %s → %i', async (name, role, expected) => {
    const res = await endpoints[name]!.call(role);
    expect(res.status).toBe(expected);
    if (expected === 403) expect(res.body.error?.code).toBe('INSUFFICIENT_PERMISSIONS');
  });
});
