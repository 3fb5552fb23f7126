import { io as connect, type Socket } from 'socket.io-client';
import { runLowStockDigestJob } from '../../../jobs/low-stock-digest';
import { lowStockDigestStream } from '../../../domain/inventory-item';
import { customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as } from '../../../../test/support/inventory';

/**
 * Low stock: an item falling to its minimum level tells every active inventory manager (role
 * manager) through the notifications of document 000 and socket.io's `notification:new`, once
 * per fall; the daily job sends them a digest of what is low, once a day, as a command.
 */
describe('document 000 low-stock notifications and the daily digest', () => {
  let t: TestApp;
  let manager: TestUser;
  let manager2: TestUser;
  let supervisor: TestUser;
  let tech: TestUser;
  let ticketId: string;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    t = await startTestApp({ INVENTORY_TIMEZONE: 'Asia/Jakarta', ACCESS_TOKEN_TTL_SECONDS: '86400' }, { listen: true });
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    manager2 = await t.user('manager', { full_name: 'Mira Manager' });
    supervisor = await t.user('supervisor');
    tech = await t.user('technician');
    const { customerId } = await customerWithLogin(t, manager);
    const ticket = await t.http
      .post('/api/tickets')
      .set(as(manager))
      .send({ customer_id: customerId, type: 'repair', priority: 'normal', title: 'x', description: 'x', location: { lat: 0, lng: 0 } });
    ticketId = ticket.body.data.ticket.id;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await t.stop();
  });

  const notifications = async (u: TestUser, type?: string) =>
    (await t.http.get(`/api/notifications${type ? `?type=${type}` : ''}`).set(as(u))).body.data.notifications as Array<{ type: string; title: string; message: string; data: Record<string, unknown> }>;

  it('tells every manager once when an item falls to its minimum level, also on socket.io', async () => {
    const socket = connect(t.url!, { auth: { token: `Bearer ${manager2.token}` }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const received = new Promise<{ notification: { type: string; data: Record<string, unknown> } }>((resolve) =>
      socket.on('notification:new', (p: { notification: { type: string; data: Record<string, unknown> } }) => {
        if (p.notification.type === 'low_stock') resolve(p);
      }),
    );

    const item = await t.http.post('/api/inventory/items').set(as(manager)).send({ name: 'ONT ZTE F609', category: 'ONT', sku: 'ONT-1', unit_price: 1, stock_quantity: 12, min_stock_level: 10 });
    const itemId = item.body.data.item.id;
    const assign = (quantity: number) => t.http.post('/api/inventory/assignments').set(as(manager)).send({ item_id: itemId, technician_id: tech.userId, ticket_id: ticketId, quantity });
    expect((await assign(1)).status).toBe(201);
    expect(await notifications(manager, 'low_stock')).toEqual([]);
    expect((await assign(2)).status).toBe(201); // 12 → 11 → 9: falls below 10
    expect((await assign(1)).status).toBe(201); // still low: no second notification

    for (const m of [manager, manager2]) {
      expect(await notifications(m, 'low_stock')).toEqual([
        expect.objectContaining({
          type: 'low_stock',
          title: 'Low stock: ONT ZTE F609',
          message: 'ONT ZTE F609 (ONT-1) is down to 9 (minimum 10).',
          data: { item_id: itemId, name: 'ONT ZTE F609', sku: 'ONT-1', quantity: 9, min_stock_level: 10 },
        }),
      ]);
    }
    expect(await notifications(supervisor)).toEqual([]);
    expect(await notifications(tech, 'low_stock')).toEqual([]);
    const pushed = await received;
    expect(pushed.notification.data).toMatchObject({ item_id: itemId, quantity: 9 });

    // Back above the minimum and down again: a new fall, a new notification.
    await t.http.post(`/api/inventory/items/${itemId}/movements`).set(as(manager)).send({ type: 'received', quantity: 10, reason: 'PO' });
    await t.http.post(`/api/inventory/items/${itemId}/movements`).set(as(manager)).send({ type: 'written_off', quantity: 9, reason: 'Rusak' });
    expect((await notifications(manager, 'low_stock')).map((n) => n.data.quantity)).toEqual([9, 9]);
  });

  it('issues a daily digest of the low items, once a day, to the managers', async () => {
    const mk = (sku: string, stock: number, min: number) =>
      t.http.post('/api/inventory/items').set(as(manager)).send({ name: `Item ${sku}`, category: 'X', sku, unit_price: 1, stock_quantity: stock, min_stock_level: min });
    await mk('A', 2, 5);
    await mk('B', 50, 5);
    await mk('C', 0, 1);
    const deps = { commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger };
    // 20:00 UTC on the 15th is already the 16th in Jakarta.
    t.clock.set('2026-01-15T20:00:00.000Z');
    const first = await runLowStockDigestJob(deps, t.clock.now());
    expect(first).toMatchObject({ date: '2026-01-16', items: 2 });
    await t.app.runner.waitFor(first.position!, 5000);
    const again = await runLowStockDigestJob(deps, t.clock.now());
    expect(again).toEqual({ date: '2026-01-16', items: 0, position: null });
    expect(await t.eventStore.readStream(lowStockDigestStream('2026-01-16'))).toHaveLength(1);

    const [digest] = await notifications(manager2, 'low_stock_digest');
    expect(digest).toMatchObject({ title: 'Low stock digest 2026-01-16', message: '2 items are at or below the minimum level: Item A (2/5), Item C (0/1).' });
    expect((digest!.data.items as Array<{ sku: string }>).map((i) => i.sku).sort()).toEqual(['A', 'C']);
    expect(await notifications(supervisor, 'low_stock_digest')).toEqual([]);
    expect(t.app.jobs.names).toContain('low-stock-digest');
  });
});
