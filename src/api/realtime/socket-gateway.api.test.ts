import { io as connect, type Socket } from 'socket.io-client';
import { auth, customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';

/**
 * socket.io (document 000 "WebSocket Events") on the real HTTP server of the whole product,
 * with the real socket.io client. Events come from the event log through the live feed, so
 * every test acts through HTTP and waits for what a client receives.
 *
 * "Does not receive" is proven without sleeping: events reach every client in log order, so
 * once a client has received a later event meant for it (a barrier), an earlier event it was
 * not sent can no longer arrive.
 */

type Received = Array<{ name: string; payload: any }>;
interface Client {
  socket: Socket;
  received: Received;
  next(name: string, predicate?: (payload: any) => boolean, timeoutMs?: number): Promise<any>;
}

describe('socket.io gateway (document 000)', () => {
  let t: TestApp;
  let manager: TestUser;
  let cs: TestUser;
  let tech: TestUser;
  let tech2: TestUser;
  const clients: Socket[] = [];

  beforeEach(async () => {
    t = await startTestApp({}, { listen: true });
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    cs = await t.user('customer_service', { full_name: 'Citra CS' });
    tech = await t.user('technician', { full_name: 'Tono Teknisi' });
    tech2 = await t.user('technician', { full_name: 'Tari Teknisi' });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await t.stop();
  });

  function open(token: string | undefined): Socket {
    const socket = connect(t.url!, {
      auth: token === undefined ? {} : { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    clients.push(socket);
    return socket;
  }

  /** A connected client recording every event it receives. */
  async function client(user: { token: string }, bearer = true): Promise<Client> {
    const socket = open(bearer ? `Bearer ${user.token}` : user.token);
    const received: Received = [];
    const waiters: Array<{ name: string; predicate: (p: any) => boolean; resolve: (p: any) => void }> = [];
    socket.onAny((name: string, payload: unknown) => {
      received.push({ name, payload });
      for (const w of [...waiters]) {
        if (w.name === name && w.predicate(payload)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(payload);
        }
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return {
      socket,
      received,
      next(name, predicate = () => true, timeoutMs = 5000) {
        const seen = received.find((r) => r.name === name && predicate(r.payload));
        if (seen) return Promise.resolve(seen.payload);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms`)), timeoutMs);
          waiters.push({
            name,
            predicate,
            resolve: (p) => {
              clearTimeout(timer);
              resolve(p);
            },
          });
        });
      },
    };
  }

  const refusal = (socket: Socket) =>
    new Promise<Error & { data?: { code: string; message: string } }>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('connected')));
      socket.once('connect_error', (err) => resolve(err as Error & { data?: { code: string; message: string } }));
    });

  const createTicket = async (customerId: string, by: { token: string } = cs) => {
    const res = await t.http
      .post('/api/tickets')
      .set(auth(by))
      .send({ customer_id: customerId, type: 'repair', priority: 'high', title: 'Internet mati', description: 'LOS', location: { lat: -6.2, lng: 106.8 } });
    expect(res.status).toBe(201);
    return res.body.data.ticket.id as string;
  };
  const assign = async (ticketId: string, technicianId: string) =>
    expect((await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: technicianId })).status).toBe(200);
  const names = (c: Client, ticketId?: string) =>
    c.received.filter((r) => ticketId === undefined || r.payload?.ticket?.id === ticketId || r.payload?.notification?.data?.ticket_id === ticketId).map((r) => r.name);

  it('sends ticket:assigned, after an assignment made through HTTP, with the ticket and the technician', async () => {
    const { customerId } = await customerWithLogin(t, manager);
    const office = await client(manager);
    const ticketId = await createTicket(customerId);
    await assign(ticketId, tech.userId);
    const payload = await office.next('ticket:assigned', (p) => p.ticket.id === ticketId);
    expect(payload).toEqual({
      ticket: expect.objectContaining({
        id: ticketId,
        ticket_number: 'TKT-000001',
        status: 'assigned',
        priority: 'high',
        customer: expect.objectContaining({ id: customerId }),
        technician: { id: tech.userId, full_name: 'Tono Teknisi', phone: null },
        location: { lat: -6.2, lng: 106.8 },
        sla_deadline: expect.any(String),
        created_at: expect.any(String),
        updated_at: expect.any(String),
      }),
      technician: { id: tech.userId, full_name: 'Tono Teknisi', phone: null },
    });
    const created = await office.next('ticket:created', (p) => p.ticket.id === ticketId);
    expect(created.created_by).toMatchObject({ id: cs.userId, full_name: 'Citra CS', role: 'customer_service' });
    expect(created.ticket.technician).toBeNull();
  });

  it('refuses a client without a valid token (connect_error), and accepts the token without "Bearer "', async () => {
    const none = await refusal(open(undefined));
    expect(none.message).toBe('Unauthenticated');
    expect(none.data).toEqual({ code: 'UNAUTHORIZED', message: 'Unauthenticated' });
    const bad = await refusal(open('Bearer not-a-jwt'));
    expect(bad.data?.code).toBe('UNAUTHORIZED');
    const bare = await client(tech, false);
    expect(bare.socket.connected).toBe(true);
    t.clock.advance(16 * 60_000); // past the access token's 15 minutes
    const expired = await refusal(open(`Bearer ${tech2.token}`));
    expect(expired.data?.code).toBe('TOKEN_EXPIRED');
  });

  it("gives a technician only their own tickets' events and their own notifications", async () => {
    const { customerId } = await customerWithLogin(t, manager);
    const mine = await client(tech);
    const theirs = await client(tech2);
    const office = await client(manager);
    const a = await createTicket(customerId);
    const b = await createTicket(customerId);
    await assign(a, tech.userId);
    await assign(b, tech2.userId); // the barrier for tech2
    expect((await mine.next('notification:new', (p) => p.notification.data.ticket_id === a)).notification).toMatchObject({
      type: 'ticket_assigned',
      is_read: false,
    });
    await theirs.next('notification:new', (p) => p.notification.data.ticket_id === b);
    await mine.next('ticket:assigned', (p) => p.ticket.id === a);
    expect(names(theirs, a)).toEqual([]);
    expect(names(theirs, b)).toEqual(['ticket:assigned', 'notification:new']);
    // New tickets are the office's business, not a technician's.
    expect(theirs.received.filter((r) => r.name === 'ticket:created')).toEqual([]);
    await office.next('ticket:assigned', (p) => p.ticket.id === b);
    expect(names(office, a)).toEqual(['ticket:created', 'ticket:assigned']);
    expect(office.received.filter((r) => r.name === 'notification:new')).toEqual([]); // the actor is not notified

    // Reassigned away: the previous technician hears of it (and is told), then nothing more.
    await assign(a, tech2.userId);
    const moved = await mine.next('ticket:assigned', (p) => p.ticket.id === a && p.technician.id === tech2.userId);
    expect(moved.ticket.technician.id).toBe(tech2.userId);
    await mine.next('notification:new', (p) => p.notification.type === 'ticket_unassigned');
    const status = await t.http.put(`/api/tickets/${a}/status`).set(auth(tech2)).send({ status: 'in_progress' });
    expect(status.status).toBe(200);
    const changed = await theirs.next('ticket:status_changed', (p) => p.ticket.id === a);
    expect(changed).toMatchObject({ old_status: 'assigned', new_status: 'in_progress', ticket: { status: 'in_progress' } });
    await office.next('ticket:status_changed', (p) => p.ticket.id === a);
    await assign(b, tech.userId); // barrier for tech: after the status change in the log
    await mine.next('ticket:assigned', (p) => p.ticket.id === b && p.technician.id === tech.userId);
    expect(mine.received.filter((r) => r.name === 'ticket:status_changed')).toEqual([]);
  });

  it("gives a customer only their own tickets' events and their own notifications", async () => {
    const alice = await customerWithLogin(t, manager);
    const bob = await customerWithLogin(t, manager);
    const a = await client(alice.user);
    const b = await client(bob.user);
    const ticketA = await createTicket(alice.customerId);
    await assign(ticketA, tech.userId);
    const started = await t.http.put(`/api/tickets/${ticketA}/status`).set(auth(tech)).send({ status: 'in_progress' });
    expect(started.status).toBe(200);
    await a.next('ticket:status_changed', (p) => p.ticket.id === ticketA);
    const n = await a.next('notification:new', (p) => p.notification.type === 'ticket_status_changed');
    expect(n.notification.data).toMatchObject({ ticket_id: ticketA, old_status: 'assigned', new_status: 'in_progress' });
    expect(names(a, ticketA)).toEqual(['ticket:created', 'ticket:assigned', 'ticket:status_changed', 'notification:new']);

    const ticketB = await createTicket(bob.customerId); // the barrier for bob
    await b.next('ticket:created', (p) => p.ticket.id === ticketB);
    expect(names(b, ticketA)).toEqual([]);
    expect(b.received.map((r) => r.name)).toEqual(['ticket:created']);
  });

  it('sends technician events to the office and to the technician themself', async () => {
    const office = await client(manager);
    const mine = await client(tech);
    const other = await client(tech2);
    const put = (u: TestUser, path: string, body: object) => t.http.put(`/api/technicians/${u.userId}${path}`).set(auth(u)).send(body);
    expect((await put(tech, '/location', { lat: -6.21, lng: 106.85 })).status).toBe(200);
    expect(await office.next('technician:location_updated')).toEqual({
      technician_id: tech.userId,
      location: { lat: -6.21, lng: 106.85 },
      timestamp: t.clock.now().toISOString(),
    });
    await mine.next('technician:location_updated');
    expect((await put(tech, '/availability', { is_available: false, reason: 'Sakit' })).status).toBe(200);
    expect(await office.next('technician:availability_changed')).toEqual({ technician_id: tech.userId, is_available: false });
    await mine.next('technician:availability_changed');
    expect((await put(tech2, '/location', { lat: 1, lng: 2 })).status).toBe(200); // barrier for tech2
    await other.next('technician:location_updated');
    expect(other.received.map((r) => r.payload.technician_id)).toEqual([tech2.userId]);
  });

  it('disconnects the sockets of a session that logged out and of a deactivated user', async () => {
    const admin = await t.user('super_admin');
    const loggedOut = await client(tech);
    const deactivated = await client(tech2);
    const stays = await client(manager);
    const gone = (c: Client) => new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));

    const first = gone(loggedOut);
    expect((await t.http.post('/api/auth/logout').set(auth(tech))).status).toBeLessThan(300);
    expect(await first).toBe('io server disconnect');

    const second = gone(deactivated);
    expect((await t.http.delete(`/api/users/${tech2.userId}`).set(auth(admin))).status).toBe(200);
    expect(await second).toBe('io server disconnect');
    expect(stays.socket.connected).toBe(true);
    // The logged-out token no longer connects.
    expect((await refusal(open(`Bearer ${tech.token}`))).data?.code).toBe('UNAUTHORIZED');
  });

  it('disconnects a user given another role (to reconnect into the right rooms) and sessions older than a password reset', async () => {
    const admin = await t.user('super_admin');
    const promoted = await client(cs);
    const customer = await customerWithLogin(t, manager);
    const resetting = await client(customer.user);
    const gone = (c: Client) => new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));

    const first = gone(promoted);
    expect((await t.http.put(`/api/users/${cs.userId}`).set(auth(admin)).send({ role: 'supervisor' })).status).toBe(200);
    expect(await first).toBe('io server disconnect');
    // Reconnecting with the same token works (the role is read afresh) and now sees technician events.
    const again = await client(cs);
    expect((await t.http.put(`/api/technicians/${tech.userId}/location`).set(auth(tech)).send({ lat: 1, lng: 1 })).status).toBe(200);
    await again.next('technician:location_updated');

    const second = gone(resetting);
    t.clock.advance(1_000);
    await t.http.post('/api/auth/forgot-password').send({ email: customer.user.email });
    const token = /Reset token: (\S+)/.exec(t.mail[t.mail.length - 1]!.text)![1]!;
    const reset = await t.http
      .post('/api/auth/reset-password')
      .send({ token, password: 'another-password-2', password_confirmation: 'another-password-2' });
    expect(reset.status).toBe(200);
    expect(await second).toBe('io server disconnect');
  });
});
