import { customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as } from '../../../../test/support/inventory';

/**
 * GET /api/reports/inventory is no longer a placeholder: stock is created and moved through the
 * inventory API, and the report reads back stock levels, the low-stock items and the movements
 * of a date range.
 */
describe('document 000 inventory report', () => {
  let t: TestApp;
  let manager: TestUser;
  let tech: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '86400' });
    manager = await t.user('manager');
    tech = await t.user('technician');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('reports stock levels, low-stock items and the movements of a date range', async () => {
    const { customerId } = await customerWithLogin(t, manager);
    const ticket = await t.http
      .post('/api/tickets')
      .set(as(manager))
      .send({ customer_id: customerId, type: 'repair', priority: 'normal', title: 'x', description: 'x', location: { lat: 0, lng: 0 } });
    const ticketId = ticket.body.data.ticket.id;
    const item = async (body: object) => (await t.http.post('/api/inventory/items').set(as(manager)).send(body)).body.data.item.id as string;
    const ont = await item({ name: 'ONT ZTE F609', category: 'ONT', sku: 'ONT-1', unit_price: 350000, stock_quantity: 12, min_stock_level: 10 });
    const cord = await item({ name: 'Patch cord', category: 'Cable', sku: 'CAB-1', unit_price: 15000.25, stock_quantity: 200, min_stock_level: 50 });

    t.clock.set('2026-01-15T13:00:00.000Z');
    const given = await t.http.post('/api/inventory/assignments').set(as(manager)).send({ item_id: ont, technician_id: tech.userId, ticket_id: ticketId, quantity: 4 });
    expect(given.status).toBe(201);
    t.clock.set('2026-01-16T09:00:00.000Z');
    await t.http.put(`/api/inventory/assignments/${given.body.data.assignment.id}/return`).set(as(manager)).send({ quantity_returned: 1, condition: 'damaged' });
    await t.http.post(`/api/inventory/items/${cord}/movements`).set(as(manager)).send({ type: 'received', quantity: 100, reason: 'PO-7' });
    t.clock.set('2026-01-16T11:00:00.000Z');
    await t.http.post(`/api/inventory/items/${cord}/movements`).set(as(manager)).send({ type: 'written_off', quantity: 20, reason: 'Putus' });

    const res = await t.http.get('/api/reports/inventory?date_from=2026-01-15T12:30:00Z&date_to=2026-01-16T10:00:00Z').set(as(manager));
    expect(res.status).toBe(200);
    const r = res.body.data;
    expect(r.items.map((i: { sku: string; stock_quantity: number }) => [i.sku, i.stock_quantity])).toEqual([
      ['CAB-1', 280],
      ['ONT-1', 8],
    ]);
    expect(r.items[0]).toMatchObject({ unit_price: 15000.25, stock_value: 4_200_070, currency: 'IDR', is_low_stock: false });
    expect(r.low_stock_items).toEqual([expect.objectContaining({ sku: 'ONT-1', stock_quantity: 8, min_stock_level: 10, shortfall: 2 })]);
    expect(r.summary).toMatchObject({ total_items: 2, low_stock_items: 1, total_units: 288, total_value: 4_200_070 + 2_800_000, currency: 'IDR' });
    expect(r.by_category).toEqual([
      { category: 'Cable', items: 1, low_stock_items: 0, units: 280, total_value: 4_200_070 },
      { category: 'ONT', items: 1, low_stock_items: 1, units: 8, total_value: 2_800_000 },
    ]);
    // From 12:30 on the 15th to 10:00 on the 16th: the assignment (-4), the damaged return (nothing back) and the stock received (+100).
    expect(r.movements.items.map((m: { type: string; sku: string; change: number }) => `${m.type} ${m.sku} ${m.change}`)).toEqual([
      'assigned ONT-1 -4',
      'returned ONT-1 0',
      'received CAB-1 100',
    ]);
    expect(r.movements.items[1]).toMatchObject({ quantity: 1, condition: 'damaged', quantity_after: 8, technician_id: tech.userId });
    expect(r.movements.summary.find((s: { type: string }) => s.type === 'assigned')).toEqual({ type: 'assigned', movements: 1, units: 4, change: -4 });
    expect(r.movements).toMatchObject({ net_change: 96, total: 3, truncated: false });

    const low = await t.http.get('/api/reports/inventory?low_stock_only=true&category=ont').set(as(manager));
    expect(low.body.data.items.map((i: { sku: string }) => i.sku)).toEqual(['ONT-1']);
    expect(low.body.data.movements.items.map((m: { type: string }) => m.type)).toEqual(['received', 'assigned', 'returned']);
    const all = await t.http.get('/api/reports/inventory').set(as(manager));
    expect(all.body.data.movements.total).toBe(6);
    expect((await t.http.get('/api/reports/inventory').set(as(tech))).status).toBe(403);
  });
});
