import { inventoryItemStream } from '../../../domain/inventory-item';
import { customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as } from '../../../../test/support/inventory';

/**
 * DESIGN.md section 3: stock never goes below zero under concurrent requests. Many equipment
 * assignments of one item fired at once through HTTP: exactly as many units as there were are
 * handed out, the rest answer INSUFFICIENT_STOCK, and the item's stream and read model agree.
 */
describe('document 000: simultaneous stock assignments', () => {
  let t: TestApp;
  let manager: TestUser;
  let techs: TestUser[];
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    techs = [];
    for (let i = 0; i < 5; i++) techs.push(await t.user('technician'));
    const { customerId } = await customerWithLogin(t, manager);
    const ticket = await t.http
      .post('/api/tickets')
      .set(as(manager))
      .send({ customer_id: customerId, type: 'repair', priority: 'high', title: 'Gangguan', description: 'LOS', location: { lat: 0, lng: 0 } });
    ticketId = ticket.body.data.ticket.id;
  });
  afterAll(async () => {
    await t.stop();
  });

  const newItem = async (sku: string, stock: number) =>
    (await t.http.post('/api/inventory/items').set(as(manager)).send({ name: `Konektor ${sku}`, category: 'Konektor', sku, unit_price: 2500, stock_quantity: stock, min_stock_level: 0 }))
      .body.data.item.id as string;

  it('50 simultaneous assignments of one unit each against 20 in stock: 20 succeed, stock ends at zero', async () => {
    const itemId = await newItem('SC-UPC', 20);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http.post('/api/inventory/assignments').set(as(manager)).send({ item_id: itemId, technician_id: techs[i % techs.length]!.userId, ticket_id: ticketId, quantity: 1 }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(20);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(30);
    for (const r of refused) expect([r.status, r.body.error.code]).toEqual([422, 'INSUFFICIENT_STOCK']);

    const item = await t.http.get(`/api/inventory/items/${itemId}`).set(as(manager));
    expect(item.body.data.item).toMatchObject({ stock_quantity: 0, is_low_stock: true });
    const events = await t.eventStore.readStream(inventoryItemStream(itemId));
    const after = events.filter((e) => e.type === 'StockAssigned').map((e) => e.data.quantityAfter as number);
    expect(after).toHaveLength(20);
    expect(Math.min(...after)).toBe(0);
    expect(events.filter((e) => e.type === 'InventoryItemLowStock')).toHaveLength(1);
  });

  it('simultaneous assignments of different sizes never take more than there is', async () => {
    const itemId = await newItem('DROP-1C', 25);
    const sizes = Array.from({ length: 30 }, (_, i) => 1 + (i % 4));
    const results = await Promise.all(
      sizes.map((quantity, i) =>
        t.http.post('/api/inventory/assignments').set(as(manager)).send({ item_id: itemId, technician_id: techs[i % techs.length]!.userId, ticket_id: ticketId, quantity }),
      ),
    );
    const handed = results.reduce((sum, r, i) => sum + (r.status === 201 ? sizes[i]! : 0), 0);
    expect(handed).toBeLessThanOrEqual(25);
    const stock = (await t.http.get(`/api/inventory/items/${itemId}`).set(as(manager))).body.data.item.stock_quantity as number;
    expect(stock).toBe(25 - handed);
    expect(stock).toBeGreaterThanOrEqual(0);
    // Whatever is left is less than the smallest refused request.
    const refusedSizes = results.flatMap((r, i) => (r.status === 201 ? [] : [sizes[i]!]));
    for (const r of results.filter((x) => x.status !== 201)) expect(r.body.error.code).toBe('INSUFFICIENT_STOCK');
    if (refusedSizes.length) expect(stock).toBeLessThan(Math.min(...refusedSizes));
  });
});
