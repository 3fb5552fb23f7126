import WebSocket from 'ws';
import { auth, catalog, createInvoice, createPelanggan, startBillingApp, xenditCallback } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

interface Message {
  type: string;
  message: string;
  data: Record<string, unknown>;
  timestamp: string;
}

/** A real `ws` client on /ws/notifications, collecting messages. */
function connect(t: TestApp, token: string | null) {
  const base = t.url!.replace(/^http/, 'ws');
  const ws = new WebSocket(`${base}/ws/notifications${token === null ? '' : `?token=${encodeURIComponent(token)}`}`);
  const messages: Message[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (raw) => {
    messages.push(JSON.parse(String(raw)) as Message);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
  const opened = new Promise<void>((r, j) => {
    ws.once('open', () => r());
    ws.once('error', j);
  });
  const next = async (count: number) => {
    const deadline = Date.now() + 5000;
    while (messages.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${messages.length} of ${count} messages`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return messages;
  };
  return { ws, messages, opened, closed, next };
}

/** Document 002 "WebSocket": ws://…/ws/notifications?token= pushing { type, message, data, timestamp }. */
describe('WebSocket notifications (document 002)', () => {
  let t: TestApp;
  let manager: TestUser;
  let cs: TestUser;
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    t = await startBillingApp({}, { listen: true });
    const admin = await t.user('super_admin');
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    cs = await t.user('customer_service', { full_name: 'Citra CS' });
    await catalog(t, admin);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.terminate();
    await t.stop();
  });

  it('pushes new_invoice to a connected billing user when an invoice is created over HTTP', async () => {
    const client = connect(t, manager.token);
    sockets.push(client.ws);
    await client.opened;
    const p = await createPelanggan(t, cs, { nama: 'Budi Santoso' });
    const inv = await createInvoice(t, cs, p.id);
    const [m] = await client.next(1);
    expect(m).toEqual({
      type: 'new_invoice',
      message: `Invoice baru telah dibuat: ${inv.nomor_invoice} (Rp 300.000).`,
      data: {
        invoice_id: inv.id,
        nomor_invoice: inv.nomor_invoice,
        pelanggan_id: p.id,
        pelanggan_nama: 'Budi Santoso',
        periode: '2026-01',
        total_harga: 300000,
        notification_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
      timestamp: t.clock.now().toISOString(),
    });
    // The same notification is in the one read model, for GET /api/notifications.
    const listed = await t.http.get('/api/notifications').set(auth(manager));
    expect(listed.body.data.notifications[0]).toMatchObject({ id: m!.data.notification_id, type: 'new_invoice' });
  });

  it('pushes payments too, and nothing to the one who acted or to roles that do not see billing', async () => {
    const tech = await t.user('technician');
    const mine = connect(t, cs.token);
    const other = connect(t, manager.token);
    const technician = connect(t, tech.token);
    sockets.push(mine.ws, other.ws, technician.ws);
    await Promise.all([mine.opened, other.opened, technician.opened]);
    const p = await createPelanggan(t, cs);
    const inv = await createInvoice(t, cs, p.id);
    await xenditCallback(t, { id: 'cb-ws-1', external_id: inv.xendit_external_id, status: 'PAID', paid_amount: 300000, paid_at: '2026-01-15T12:00:00Z' });
    const got = await other.next(2);
    expect(got.map((m) => m.type)).toEqual(['new_invoice', 'payment_received']);
    expect(got[1]!.data).toMatchObject({ invoice_id: inv.id, amount: 300000, applied: true });
    // The creator hears of the gateway's payment (the system did it), not of their own invoice.
    expect((await mine.next(1)).map((m) => m.type)).toEqual(['payment_received']);
    expect(technician.messages).toEqual([]);
  });

  it('closes with 1008 (policy violation) for an invalid, missing or revoked token', async () => {
    for (const token of ['not-a-token', null, `${manager.token}x`]) {
      const c = connect(t, token);
      sockets.push(c.ws);
      expect((await c.closed).code).toBe(1008);
    }
    const c = connect(t, manager.token);
    sockets.push(c.ws);
    await c.opened;
    const logout = await t.http.post('/api/users/logout').send({ refresh_token: manager.refreshToken });
    expect(logout.status).toBe(200);
    expect((await c.closed).code).toBe(1008);
  });
});
