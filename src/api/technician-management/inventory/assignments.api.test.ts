import { customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as, device, employee, inventoryWorld } from '../../../../test/support/inventory';

/**
 * Document 000 equipment assignments through HTTP: stock handed to a technician for a ticket,
 * with serial numbers for serialised equipment (the devices of document 003), listed by
 * technician, ticket and status, returned with a condition; and one inventory seen from both
 * documents: a device created and assigned through 003 is listed by 000, one handed over through
 * 000 is assigned in 003.
 */
describe('document 000 equipment assignments', () => {
  let t: TestApp;
  let manager: TestUser;
  let tech: TestUser;
  let tech2: TestUser;
  let ticketId: string;
  let itemId: string;

  beforeEach(async () => {
    t = await startTestApp();
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    tech = await t.user('technician', { full_name: 'Tono Teknisi' });
    tech2 = await t.user('technician', { full_name: 'Tari Teknisi' });
    await inventoryWorld(t, manager);
    const { customerId } = await customerWithLogin(t, manager);
    const ticket = await t.http
      .post('/api/tickets')
      .set(as(manager))
      .send({ customer_id: customerId, type: 'new_installation', priority: 'normal', title: 'Pasang baru', description: 'ONT', location: { lat: -6.2, lng: 106.8 } });
    ticketId = ticket.body.data.ticket.id;
    const item = await t.http
      .post('/api/inventory/items')
      .set(as(manager))
      .send({ name: 'Laptop lapangan', category: 'Laptop', sku: 'LAP-FIELD', unit_price: 9_000_000, stock_quantity: 10, min_stock_level: 2 });
    itemId = item.body.data.item.id;
  });
  afterEach(async () => {
    await t.stop();
  });

  const assign = (body: object, by = manager) => t.http.post('/api/inventory/assignments').set(as(by)).send({ item_id: itemId, technician_id: tech.userId, ticket_id: ticketId, ...body });
  const items = async () => (await t.http.get(`/api/inventory/items/${itemId}`).set(as(manager))).body.data.item;

  it('assigns stock for a ticket (201), lists it by technician, ticket and status, and returns it', async () => {
    const at = t.clock.now().toISOString();
    const res = await assign({ quantity: 3, notes: 'Untuk pemasangan' });
    expect(res.status).toBe(201);
    expect(res.body.data.assignment).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      item_id: itemId,
      item: { id: itemId, name: 'Laptop lapangan', sku: 'LAP-FIELD' },
      kind: 'stock',
      technician_id: tech.userId,
      ticket_id: ticketId,
      quantity: 3,
      serial_numbers: [],
      status: 'assigned',
      notes: 'Untuk pemasangan',
      quantity_returned: null,
      condition: null,
      return_notes: null,
      assigned_at: at,
      returned_at: null,
      created_at: at,
      updated_at: at,
    });
    expect((await items()).stock_quantity).toBe(7);
    const id = res.body.data.assignment.id as string;
    await assign({ quantity: 1, technician_id: tech2.userId });

    const list = (q: string, by: TestUser = manager) => t.http.get(`/api/inventory/assignments${q}`).set(as(by));
    expect((await list('')).body.data.pagination.total).toBe(2);
    expect((await list(`?technician_id=${tech.userId}`)).body.data.assignments.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await list(`?ticket_id=${ticketId}&status=assigned`)).body.data.assignments).toHaveLength(2);
    // A technician sees their own only; asking for another's is 403.
    expect((await list('', tech)).body.data.assignments.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await list(`?technician_id=${tech2.userId}`, tech)).status).toBe(403);

    t.clock.advance(60_000);
    const ret = await t.http.put(`/api/inventory/assignments/${id}/return`).set(as(tech)).send({ quantity_returned: 2, condition: 'good', notes: 'Satu terpakai' });
    expect(ret.status).toBe(200);
    expect(ret.body.data.assignment).toMatchObject({ status: 'returned', quantity_returned: 2, condition: 'good', return_notes: 'Satu terpakai', returned_at: t.clock.now().toISOString() });
    expect((await items()).stock_quantity).toBe(8);
    const twice = await t.http.put(`/api/inventory/assignments/${id}/return`).set(as(manager)).send({ quantity_returned: 1 });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('ALREADY_RETURNED');
    expect((await list('?status=returned')).body.data.assignments.map((a: { id: string }) => a.id)).toEqual([id]);
    // Another technician's equipment is not theirs to return.
    const other = (await list(`?technician_id=${tech2.userId}`)).body.data.assignments[0].id;
    expect((await t.http.put(`/api/inventory/assignments/${other}/return`).set(as(tech)).send({ quantity_returned: 1 })).status).toBe(403);
  });

  it('keeps damaged and lost stock out of what is available', async () => {
    const a = (await assign({ quantity: 4 })).body.data.assignment.id;
    const b = (await assign({ quantity: 2 })).body.data.assignment.id;
    expect((await t.http.put(`/api/inventory/assignments/${a}/return`).set(as(manager)).send({ quantity_returned: 4, condition: 'damaged' })).status).toBe(200);
    expect((await t.http.put(`/api/inventory/assignments/${b}/return`).set(as(manager)).send({ quantity_returned: 2, condition: 'lost' })).status).toBe(200);
    expect((await items()).stock_quantity).toBe(4);
  });

  it('refuses more than is in stock (422 INSUFFICIENT_STOCK) and unknown items, technicians and tickets', async () => {
    const res = await assign({ quantity: 11 });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'INSUFFICIENT_STOCK', message: 'Not enough stock available: 10 in stock, 11 requested.' });
    const unknown = await assign({ quantity: 1, item_id: '00000000-0000-4000-8000-000000000001', technician_id: manager.userId, ticket_id: '00000000-0000-4000-8000-000000000002' });
    expect(unknown.status).toBe(422);
    expect(Object.keys(unknown.body.error.details).sort()).toEqual(['item_id', 'technician_id', 'ticket_id']);
    expect((await assign({})).body.error.details.quantity).toEqual(['The quantity field is required.']);
    expect((await assign({ quantity: 1 }, tech)).status).toBe(403);
  });

  it('hands serialised devices over with the stock: 003 shows them assigned for the ticket, and they come back with the condition', async () => {
    const a = await device(t, manager, { serial_number: 'LAP-SN-1', asset_code: 'LAP/1' });
    const b = await device(t, manager, { serial_number: 'LAP-SN-2', asset_code: 'LAP/2', bribox_id: '02' });
    const mismatch = await assign({ quantity: 3, serial_numbers: ['LAP-SN-1', 'LAP-SN-2'] });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.details).toEqual({ serial_numbers: ['The number of serial numbers must equal the quantity.'] });
    expect((await assign({ quantity: 1, serial_numbers: ['NOPE'] })).body.error.details).toEqual({ serial_numbers: ['No device has the serial number NOPE.'] });

    const res = await assign({ quantity: 2, serial_numbers: ['LAP-SN-1', 'LAP-SN-2'] });
    expect(res.status).toBe(201);
    expect(res.body.data.assignment).toMatchObject({ kind: 'stock', quantity: 2, serial_numbers: ['LAP-SN-1', 'LAP-SN-2'] });
    const detail = await t.http.get(`/api/v1/admin/devices/${a.deviceId}`).set(as(manager));
    expect(detail.body.data.currentAssignment).toMatchObject({ user: { name: 'Tono Teknisi' }, ticketId, status: 'Digunakan' });
    // One 000 assignment for the handover, not one per device.
    expect((await t.http.get(`/api/inventory/assignments?technician_id=${tech.userId}`).set(as(manager))).body.data.pagination.total).toBe(1);

    // Held devices cannot be handed over again; nothing is taken then.
    expect((await items()).stock_quantity).toBe(8);
    const again = await assign({ quantity: 1, serial_numbers: ['LAP-SN-2'], technician_id: tech2.userId });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DEVICE_ALREADY_ASSIGNED');
    expect((await items()).stock_quantity).toBe(8);

    const partial = await t.http.put(`/api/inventory/assignments/${res.body.data.assignment.id}/return`).set(as(manager)).send({ quantity_returned: 1 });
    expect(partial.status).toBe(422);
    const ret = await t.http.put(`/api/inventory/assignments/${res.body.data.assignment.id}/return`).set(as(manager)).send({ quantity_returned: 2, condition: 'damaged', notes: 'Layar retak' });
    expect(ret.status).toBe(200);
    const after = await t.http.get(`/api/v1/admin/devices/${a.deviceId}`).set(as(manager));
    expect(after.body.data).toMatchObject({ currentAssignment: null, condition: 'Rusak' });
    expect(after.body.data.assignmentHistory[0]).toMatchObject({ userName: 'Tono Teknisi', returnCondition: 'damaged', returnNotes: 'Layar retak', ticketId });
    expect((await t.http.get(`/api/v1/admin/devices/${b.deviceId}`).set(as(manager))).body.data.condition).toBe('Rusak');
  });

  it('lists a device created and assigned through document 003, and returns it through document 000', async () => {
    const d = await device(t, manager, { serial_number: 'X-003', asset_code: 'X/003' });
    const worker = await employee(t, manager, { name: 'Sari Staf', role: 'supervisor' });
    const assigned = await t.http.post('/api/v1/admin/device-assignments').set(as(manager)).send({ device_id: d.deviceId, user_id: worker.number, assigned_date: '2026-01-15' });
    expect(assigned.status).toBe(201);
    const listed = await t.http.get('/api/inventory/assignments?serial_number=X-003').set(as(manager));
    expect(listed.body.data.assignments).toEqual([
      expect.objectContaining({ kind: 'device', item_id: null, item: null, technician_id: worker.userId, quantity: 1, serial_numbers: ['X-003'], status: 'assigned' }),
    ]);
    const id = listed.body.data.assignments[0].id;
    expect((await t.http.put(`/api/inventory/assignments/${id}/return`).set(as(manager)).send({ quantity_returned: 2 })).status).toBe(422);
    const ret = await t.http.put(`/api/inventory/assignments/${id}/return`).set(as(manager)).send({ quantity_returned: 1, condition: 'good' });
    expect(ret.status).toBe(200);
    expect(ret.body.data.assignment).toMatchObject({ status: 'returned', quantity_returned: 1, condition: 'good' });
    const in003 = await t.http.post(`/api/v1/admin/device-assignments/${assigned.body.data.assignmentId}/return`).set(as(manager));
    expect(in003.body.errorCode).toBe('ERR_DEVICE_ALREADY_RETURNED');
  });
});
