import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as } from '../../../../test/support/inventory';

/**
 * Document 000 "Inventory Management": items through HTTP, in `{ success, data }` and snake_case:
 * create, list (category, search, low_stock, pages), get, update (a new stock_quantity is an
 * adjustment), stock movements, and their errors.
 */
describe('document 000 inventory items', () => {
  let t: TestApp;
  let manager: TestUser;
  let tech: TestUser;

  beforeEach(async () => {
    t = await startTestApp();
    manager = await t.user('manager');
    tech = await t.user('technician');
  });
  afterEach(async () => {
    await t.stop();
  });

  const ont = { name: 'ONT ZTE F609', category: 'ONT', sku: 'ONT-F609', description: 'GPON ONT', unit_price: 350000.5, stock_quantity: 40, min_stock_level: 10 };
  const create = (body: object) => t.http.post('/api/inventory/items').set(as(manager)).send(body);

  it('creates an item (201) in the documented shape, the price kept to the hundredth', async () => {
    const res = await create(ont);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      data: {
        item: {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: 'ONT ZTE F609',
          category: 'ONT',
          sku: 'ONT-F609',
          description: 'GPON ONT',
          unit_price: 350000.5,
          currency: 'IDR',
          stock_quantity: 40,
          min_stock_level: 10,
          is_low_stock: false,
          created_at: '2026-01-15T12:00:00.000Z',
          updated_at: '2026-01-15T12:00:00.000Z',
        },
      },
    });
    expect(res.headers.location).toBe(`/api/inventory/items/${res.body.data.item.id}`);
    const got = await t.http.get(`/api/inventory/items/${res.body.data.item.id}`).set(as(tech));
    expect(got.body.data.item).toEqual(res.body.data.item);
    expect(got.headers.etag).toBe(res.headers.etag);
  });

  it('refuses invalid bodies (422 per field) and a SKU another item has (409 DUPLICATE_ENTRY on sku)', async () => {
    const bad = await create({ name: '', unit_price: 1.234, stock_quantity: -1, min_stock_level: 1.5 });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect(Object.keys(bad.body.error.details).sort()).toEqual(['category', 'min_stock_level', 'name', 'sku', 'stock_quantity', 'unit_price']);
    expect(bad.body.error.details.unit_price).toEqual(['The unit price may have at most two decimals.']);
    expect((await create(ont)).status).toBe(201);
    const dup = await create({ ...ont, sku: 'ont-f609', name: 'Other' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'DUPLICATE_ENTRY', details: { field: 'sku' } });
  });

  it('lists newest first with category (case-insensitive), search, low_stock and pagination', async () => {
    await create(ont);
    t.clock.advance(1000);
    await create({ ...ont, name: 'Patch cord SC/UPC 3m', category: 'Cable', sku: 'CAB-SC-3', stock_quantity: 5, min_stock_level: 20 });
    t.clock.advance(1000);
    await create({ ...ont, name: 'Drop cable 1 core', category: 'cable', sku: 'CAB-DROP-1', stock_quantity: 100, min_stock_level: 20 });
    const list = (q: string) => t.http.get(`/api/inventory/items${q}`).set(as(tech));
    const all = await list('');
    expect(all.status).toBe(200);
    expect(all.body.data.items.map((i: { sku: string }) => i.sku)).toEqual(['CAB-DROP-1', 'CAB-SC-3', 'ONT-F609']);
    expect(all.body.data.pagination).toEqual({ current_page: 1, per_page: 20, total: 3, total_pages: 1 });
    expect((await list('?category=CABLE')).body.data.items.map((i: { sku: string }) => i.sku)).toEqual(['CAB-DROP-1', 'CAB-SC-3']);
    expect((await list('?low_stock=true')).body.data.items.map((i: { sku: string }) => i.sku)).toEqual(['CAB-SC-3']);
    expect((await list('?low_stock=false&category=cable')).body.data.items.map((i: { sku: string }) => i.sku)).toEqual(['CAB-DROP-1']);
    expect((await list('?search=patch')).body.data.items.map((i: { sku: string }) => i.sku)).toEqual(['CAB-SC-3']);
    expect((await list('?search=cab-')).body.data.items).toHaveLength(2);
    expect((await list('?search=zte f6')).body.data.items.map((i: { sku: string }) => i.sku)).toEqual(['ONT-F609']);
    const page = await list('?page=2&limit=2');
    expect(page.body.data.items.map((i: { sku: string }) => i.sku)).toEqual(['ONT-F609']);
    expect(page.body.data.pagination).toEqual({ current_page: 2, per_page: 2, total: 3, total_pages: 2 });
    expect((await list('?low_stock=maybe')).status).toBe(422);
  });

  it('updates details; a new stock_quantity is an adjustment with its reason; If-Match is honoured', async () => {
    const id = (await create(ont)).body.data.item.id as string;
    const res = await t.http.put(`/api/inventory/items/${id}`).set(as(manager)).send({ unit_price: 360000, stock_quantity: 8, adjustment_reason: 'Stock opname Januari' });
    expect(res.status).toBe(200);
    expect(res.body.data.item).toMatchObject({ unit_price: 360000, stock_quantity: 8, is_low_stock: true });
    const stale = await t.http.put(`/api/inventory/items/${id}`).set(as(manager)).set('If-Match', '"0"').send({ name: 'x' });
    expect(stale.status).toBe(412);
    const moved = await t.http.post(`/api/inventory/items/${id}/movements`).set(as(manager)).send({ type: 'received', quantity: 12, reason: 'PO-2026-001' });
    expect(moved.status).toBe(201);
    expect(moved.body.data.item).toMatchObject({ stock_quantity: 20, is_low_stock: false });
    const tooMany = await t.http.post(`/api/inventory/items/${id}/movements`).set(as(manager)).send({ type: 'written_off', quantity: 21, reason: 'Rusak' });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error).toMatchObject({ code: 'INSUFFICIENT_STOCK' });
    expect((await t.http.put('/api/inventory/items/00000000-0000-4000-8000-000000000000').set(as(manager)).send({ name: 'x' })).status).toBe(404);
    expect((await t.http.get('/api/inventory/items/not-a-uuid').set(as(manager))).status).toBe(404);
  });
});
