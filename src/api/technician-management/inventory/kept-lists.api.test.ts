import { as } from '../../../../test/support/inventory';
import { countReads, expectSentAgain } from '../../../../test/support/kept-answers';
import { openTicketScene, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';

/**
 * Use case: the warehouse screen polls document 000's item list, and technicians' phones poll
 * their equipment assignments. A list answered before is sent again as it was while nothing it
 * read has changed (src/api/http/kept-answers.ts), for the same caller only, and made again
 * after any change.
 */
describe('document 000 inventory lists polled again', () => {
  let t: TestApp;
  let manager: TestUser;
  let technician: TestUser;
  let ticketId: string;
  let itemId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ manager, technician, ticketId } = await openTicketScene(t));
    const created = await t.http
      .post('/api/inventory/items')
      .set(as(manager))
      .send({ name: 'ONT ZTE F609', category: 'ONT', sku: 'ONT-F609', unit_price: 350000, stock_quantity: 40, min_stock_level: 10 });
    expect(created.status).toBe(201);
    itemId = created.body.data.item.id;
    t.clock.advance(1000);
    await t.http
      .post('/api/inventory/items')
      .set(as(manager))
      .send({ name: 'Drop cable 1 core', category: 'Cable', sku: 'CAB-DROP-1', unit_price: 2500, stock_quantity: 100, min_stock_level: 20 });
  });
  afterAll(() => t.stop());

  const readsOf = (name: string) => countReads(t.app.deps.readStore, name);
  const skus = (res: { body: { data: { items: Array<{ sku: string }> } } }) => res.body.data.items.map((i) => i.sku);

  it('is sent again with the same bytes and headers, without reading the items, while nothing changed', async () => {
    const path = '/api/inventory/items?page=1&limit=20';
    const { first, third: again } = await expectSentAgain(() => t.http.get(path).set(as(manager)), () => readsOf('inventory_items'));
    expect(skus(first)).toEqual(['CAB-DROP-1', 'ONT-F609']);
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('is made again after a write to what it shows', async () => {
    const path = '/api/inventory/items?low_stock=true';
    expect(skus(await t.http.get(path).set(as(manager)))).toEqual([]);
    const taken = await t.http.post(`/api/inventory/items/${itemId}/movements`).set(as(manager)).send({ type: 'written_off', quantity: 35, reason: 'Rusak' });
    expect(taken.status).toBe(201);
    const reads = readsOf('inventory_items');
    const after = await t.http.get(path).set(as(manager));
    expect(reads()).toBeGreaterThan(0);
    expect(after.body.data.items).toEqual([expect.objectContaining({ sku: 'ONT-F609', stock_quantity: 5, is_low_stock: true })]);
  });

  it('is never sent to another caller: a technician sees only the equipment assigned to them', async () => {
    // The items: the same for every staff role, still made for each caller.
    const items = '/api/inventory/items';
    const mine = await t.http.get(items).set(as(manager));
    expect((await t.http.get(items).set(as(manager))).text).toBe(mine.text);
    const reads = readsOf('inventory_items');
    const theirs = await t.http.get(items).set(as(technician));
    expect(reads()).toBeGreaterThan(0);
    expect(theirs.text).toBe(mine.text);

    // The assignments: the same URL shows a technician their own only.
    const other = await t.user('technician');
    const assign = (to: TestUser) =>
      t.http.post('/api/inventory/assignments').set(as(manager)).send({ item_id: itemId, technician_id: to.userId, ticket_id: ticketId, quantity: 1 });
    const theirAssignment = (await assign(other)).body.data.assignment.id as string;
    const path = '/api/inventory/assignments';
    const listed = async (by: TestUser) => {
      const res = await t.http.get(path).set(as(by));
      expect(res.status).toBe(200);
      return (res.body.data.assignments as Array<{ id: string }>).map((a) => a.id);
    };
    expect(await listed(manager)).toEqual([theirAssignment]);
    expect(await listed(manager)).toEqual([theirAssignment]);
    const kept = readsOf('inventory_assignments');
    expect(await listed(manager)).toEqual([theirAssignment]);
    expect(kept()).toBe(0);
    const made = readsOf('inventory_assignments');
    expect(await listed(technician)).toEqual([]);
    expect(made()).toBeGreaterThan(0);
    expect(await listed(technician)).toEqual([]);
    t.clock.advance(1000);
    const ownAssignment = (await assign(technician)).body.data.assignment.id as string;
    expect(await listed(technician)).toEqual([ownAssignment]);
    expect(await listed(manager)).toEqual([ownAssignment, theirAssignment]);
    expect((await t.http.get(`${path}?technician_id=${other.userId}`).set(as(technician))).status).toBe(403);
  });
});
