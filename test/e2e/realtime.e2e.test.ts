import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * The real server process with real socket.io clients: events reach the right technician after
 * an assignment made over HTTP, and an invalid token is refused.
 */
describe('server process: socket.io events of document 000', () => {
  let dataDir: string;
  let server: ServerProcess;
  const sockets: Socket[] = [];

  const api = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { token: string; data: Record<string, { id: string }> } };
  };
  const login = async (email: string, password: string) => (await api('POST', '/api/auth/login', null, { email, password })).body.token;
  const connect = (token: string) => {
    const socket = io(server.url, { auth: { token: `Bearer ${token}` }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    return socket;
  };
  const connected = (socket: Socket) =>
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
  const next = <T>(socket: Socket, event: string, timeoutMs = 5000) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
      socket.once(event, (data: T) => {
        clearTimeout(timer);
        resolve(data);
      });
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'isp-e2e-rt-'));
    server = await startServer({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      JWT_SECRET: 'realtime-secret-'.padEnd(48, 'q'),
      SECRETS_KEY: 'realtime-secrets-key-'.padEnd(48, 'k'),
      ADMIN_EMAIL: 'root@example.com',
      ADMIN_PASSWORD: 'root-password-123',
    });
    await waitUntilHealthy(server.url);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers ticket:assigned to the assigned technician only, and refuses a bad token', async () => {
    const admin = await login('root@example.com', 'root-password-123');
    const techs: Array<{ id: string; token: string }> = [];
    for (const n of [1, 2]) {
      const created = await api('POST', '/api/users', admin, {
        email: `tech${n}@example.com`,
        password: `tech-password-${n}`,
        role: 'technician',
        profile: { full_name: `Tech ${n}`, phone: `08120000000${n}` },
      });
      expect(created.status).toBe(201);
      techs.push({ id: created.body.data.user!.id, token: await login(`tech${n}@example.com`, `tech-password-${n}`) });
    }
    const customer = await api('POST', '/api/customers', admin, {
      full_name: 'Budi Santoso',
      phone: '081234567890',
      email: 'budi@example.com',
      address: 'Jl. Merdeka 1',
      coordinates: { lat: -6.2, lng: 106.8 },
      service_area: 'Jakarta Selatan',
    });
    expect(customer.status).toBe(201);
    const ticket = await api('POST', '/api/tickets', admin, {
      customer_id: customer.body.data.customer!.id,
      type: 'repair',
      priority: 'high',
      title: 'Internet mati',
      description: 'LOS merah',
      location: { lat: -6.2, lng: 106.8 },
    });
    expect(ticket.status).toBe(201);

    const mine = connect(techs[0]!.token);
    const other = connect(techs[1]!.token);
    await Promise.all([connected(mine), connected(other)]);
    const otherEvents: string[] = [];
    other.onAny((event: string) => otherEvents.push(event));

    const assigned = next<{ ticket: { id: string; status: string }; technician: { id: string } }>(mine, 'ticket:assigned');
    const notified = next<{ notification: { type: string } }>(mine, 'notification:new');
    const res = await api('POST', `/api/tickets/${ticket.body.data.ticket!.id}/assign`, admin, { technician_id: techs[0]!.id });
    expect(res.status).toBe(200);
    const payload = await assigned;
    expect(payload.ticket).toMatchObject({ id: ticket.body.data.ticket!.id, status: 'assigned' });
    expect(payload.technician.id).toBe(techs[0]!.id);
    // The notification for the assignment reaches the technician too.
    const note = await notified;
    expect(note.notification.type).toBe('ticket_assigned');
    expect(otherEvents.filter((e) => e.startsWith('ticket:'))).toEqual([]);

    const refused = connect('not-a-token');
    await expect(connected(refused)).rejects.toThrow();
  });
});
