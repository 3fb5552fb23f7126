import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * Light contention on the real server process and its SQLite log (issue 11): several clients
 * writing to one ticket at the same time are never refused with 409. Commands on one stream are
 * queued within the process (src/commands/stream-queue.ts) instead of racing for one revision.
 */
describe('concurrent writes to one ticket on the real server', () => {
  let server: ServerProcess;
  let dataDir: string;
  let token: string;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { data: Record<string, any> } };
  };

  let customers = 0;
  const newTicket = async (): Promise<string> => {
    customers++;
    const customer = await call('POST', '/api/customers', {
      full_name: `Pelanggan ${customers}`,
      phone: `0813${String(customers).padStart(8, '0')}`,
      email: `pelanggan.${customers}@example.com`,
      address: 'Jl. Contoh 1',
      coordinates: { lat: -6.2, lng: 106.8 },
      service_area: 'Jakarta Pusat',
    });
    expect(customer.status).toBe(201);
    const ticket = await call('POST', '/api/tickets', {
      customer_id: customer.body.data.customer.id,
      type: 'repair',
      priority: 'normal',
      title: 'Internet mati',
      description: 'Lampu LOS merah',
      location: { lat: -6.2, lng: 106.8 },
    });
    expect(ticket.status).toBe(201);
    return ticket.body.data.ticket.id as string;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'isp-contention-e2e-'));
    server = await startServer({ DATA_DIR: dataDir, ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'root-password-123' });
    await waitUntilHealthy(server.url);
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.com', password: 'root-password-123' }),
    });
    token = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts every one of 100 comments from four clients adding 25 each at the same time', async () => {
    const ticketId = await newTicket();
    const client = async (n: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await call('POST', `/api/tickets/${ticketId}/comments`, { comment: `client ${n} comment ${i}` })).status);
      return statuses;
    };
    const statuses = (await Promise.all([1, 2, 3, 4].map(client))).flat();
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const detail = await call('GET', `/api/tickets/${ticketId}`);
    expect(detail.body.data.ticket.comments).toHaveLength(100);
  });

  it('accepts 60 writes of every kind fired at one ticket at once: comments, edits, status changes', async () => {
    const ticketId = await newTicket();
    const writes = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0
        ? call('POST', `/api/tickets/${ticketId}/comments`, { comment: `burst ${i}` })
        : i % 3 === 1
          ? call('PUT', `/api/tickets/${ticketId}`, { title: `Title ${i}` })
          : call('PUT', `/api/tickets/${ticketId}/status`, { status: i % 2 ? 'pending' : 'in_progress' }),
    );
    const results = await Promise.all(writes);
    // A status change the ticket's state does not allow at that moment is a 422 of the decider, never a 409.
    expect(results.filter((r) => r.status === 409 || r.status >= 500)).toEqual([]);
    expect(results.filter((r, i) => i % 3 !== 2 && r.status !== 200 && r.status !== 201)).toEqual([]);
    const detail = await call('GET', `/api/tickets/${ticketId}`);
    expect(detail.body.data.ticket.comments).toHaveLength(20);
  });
});
