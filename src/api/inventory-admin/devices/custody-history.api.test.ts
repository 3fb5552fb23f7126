import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../../adapters/event-store/sqlite';
import { inventoryProjectors } from '../../../projections/inventory';
import type { Doc } from '../../../ports/read-store';
import { customerWithLogin, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as, device, employee, inventoryWorld } from '../../../../test/support/inventory';

/**
 * The custody history of one device (who held it, from when to when, for which ticket, in what
 * condition it came back), derived from its events and shown in both documents' shapes: 003's
 * device detail and 000's equipment assignments of that serial number. The same after a restart
 * of the product on the same event log (SQLite, as the embedded default keeps it), and after a
 * rebuild of the inventory projections through POST /ops/projections/:name/rebuild.
 */
describe('custody history of a device, in both documents, across a restart and a rebuild', () => {
  let dir: string;
  let t: TestApp;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'isp-custody-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const start = () => startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '86400' }, { eventStore: openSqliteEventStore({ filename: join(dir, 'events.db') }) });

  it('shows who held it, when, for which ticket and how it came back; unchanged after a restart and a rebuild', async () => {
    t = await start();
    const admin: TestUser = await t.user('super_admin', { full_name: 'Ana Admin' });
    const tech: TestUser = await t.user('technician', { full_name: 'Tono Teknisi' });
    const world = await inventoryWorld(t, admin);
    const budi = await employee(t, admin, { name: 'Budi Santoso', pn: '12345678', branch_id: world.branches.jakarta });
    const { customerId } = await customerWithLogin(t, admin);
    const ticket = await t.http
      .post('/api/tickets')
      .set(as(admin))
      .send({ customer_id: customerId, type: 'new_installation', priority: 'normal', title: 'Pasang baru', description: 'x', location: { lat: 0, lng: 0 } });
    const ticketId = ticket.body.data.ticket.id as string;
    const item = await t.http.post('/api/inventory/items').set(as(admin)).send({ name: 'ONT', category: 'ONT', sku: 'ONT-1', unit_price: 1, stock_quantity: 5, min_stock_level: 1 });
    const d = await device(t, admin, { brand: 'ZTE', brand_name: 'F609', serial_number: 'ZTE-0001', asset_code: 'NET/ONT/1', bribox_id: '02' });

    // 1. Handed to the technician for the ticket through document 000, back damaged.
    t.clock.set('2026-01-15T13:00:00.000Z');
    const handover = await t.http
      .post('/api/inventory/assignments')
      .set(as(admin))
      .send({ item_id: item.body.data.item.id, technician_id: tech.userId, ticket_id: ticketId, quantity: 1, serial_numbers: ['ZTE-0001'] });
    expect(handover.status).toBe(201);
    t.clock.set('2026-01-15T15:00:00.000Z');
    expect((await t.http.put(`/api/inventory/assignments/${handover.body.data.assignment.id}/return`).set(as(admin)).send({ quantity_returned: 1, condition: 'damaged', notes: 'Port LAN rusak' })).status).toBe(200);
    // 2. Checked, then lent to Budi through document 003, returned.
    await t.http.put(`/api/v1/admin/devices/${d.deviceId}`).set(as(admin)).send({ condition: 'Baik' });
    t.clock.set('2026-01-16T09:00:00.000Z');
    const lent = await t.http.post('/api/v1/admin/device-assignments').set(as(admin)).send({ device_id: d.deviceId, user_id: budi.number, assigned_date: '2026-01-16', status: 'Cadangan', notes: 'Cadangan kantor' });
    t.clock.set('2026-01-16T10:00:00.000Z');
    await t.http.post(`/api/v1/admin/device-assignments/${lent.body.data.assignmentId}/return`).set(as(admin)).send({ return_notes: 'Tidak dipakai' });
    // 3. With the technician again, for the ticket, through document 000 (still out).
    const again = await t.http
      .post('/api/inventory/assignments')
      .set(as(admin))
      .send({ item_id: item.body.data.item.id, technician_id: tech.userId, ticket_id: ticketId, quantity: 1, serial_numbers: ['ZTE-0001'] });
    expect(again.status).toBe(201);

    const read = async (app: TestApp) => {
      const in003 = await app.http.get(`/api/v1/admin/devices/${d.deviceId}`).set(as(admin));
      const in000 = await app.http.get('/api/inventory/assignments?serial_number=ZTE-0001').set(as(admin));
      expect([in003.status, in000.status]).toEqual([200, 200]);
      return { in003: in003.body, in000: in000.body };
    };
    const before = await read(t);
    expect(before.in003.data.currentAssignment).toMatchObject({ user: { name: 'Tono Teknisi' }, assignedDate: '2026-01-16', ticketId, status: 'Digunakan' });
    expect(before.in003.data.assignmentHistory).toEqual([
      expect.objectContaining({ userName: 'Budi Santoso', userPn: '12345678', assignedDate: '2026-01-16', returnedDate: '2026-01-16', status: 'Cadangan', returnNotes: 'Tidak dipakai', returnCondition: null, ticketId: null }),
      expect.objectContaining({ userName: 'Tono Teknisi', assignedDate: '2026-01-15', returnedDate: '2026-01-15', returnCondition: 'damaged', returnNotes: 'Port LAN rusak', ticketId }),
    ]);
    expect(before.in000.data.assignments.map((a: { status: string; technician_id: string; ticket_id: string | null; condition: string | null; assigned_at: string; returned_at: string | null }) => [a.status, a.technician_id, a.ticket_id, a.condition, a.assigned_at, a.returned_at])).toEqual([
      ['assigned', tech.userId, ticketId, null, '2026-01-16T10:00:00.000Z', null],
      ['returned', budi.userId, null, null, '2026-01-16T09:00:00.000Z', '2026-01-16T10:00:00.000Z'],
      ['returned', tech.userId, ticketId, 'damaged', '2026-01-15T13:00:00.000Z', '2026-01-15T15:00:00.000Z'],
    ]);

    // A restart: a new process on the same log rebuilds the read models from it.
    await t.stop();
    t = await start();
    expect(await read(t)).toEqual(before);

    // A rebuild of the inventory projections through the operations API, beside the live ones.
    const dump = async () => {
      const out: Record<string, Doc[]> = {};
      for (const p of inventoryProjectors) for (const name of Object.keys(p.collections)) out[name] = await t.app.deps.readStore.collection(name).find({}, { sort: { _id: 1 } });
      return out;
    };
    const live = await dump();
    for (const name of ['inventory_reference', 'inventory']) {
      const started = await t.http.post(`/ops/projections/${name}/rebuild`).set(as(admin));
      expect(started.status).toBe(202);
      for (let i = 0; ; i++) {
        const status = await t.http.get(`/ops/projections/${name}/rebuild`).set(as(admin));
        if (status.body.data.rebuild.state !== 'running') {
          expect(status.body.data.rebuild).toMatchObject({ state: 'done', error: null });
          break;
        }
        if (i > 200) throw new Error('rebuild did not finish');
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(await dump()).toEqual(live);
    expect(await read(t)).toEqual(before);
    await t.stop();
  });
});
