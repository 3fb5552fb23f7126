import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as, device, employee, inventoryWorld, type Employee, type InventoryWorld } from '../../../../test/support/inventory';

/**
 * Document 003 §3.8–3.11 through HTTP: assign a device to a user, list assignments with their
 * filters, update, return, and every documented error of the custody rules.
 */
describe('document 003 device assignments', () => {
  let t: TestApp;
  let admin: TestUser;
  let world: InventoryWorld;
  let budi: Employee;
  let ani: Employee;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await t.user('manager', { full_name: 'Mia Manager' });
    world = await inventoryWorld(t, admin);
    budi = await employee(t, admin, { name: 'Budi Santoso', pn: '12345678', position: 'Customer Service', department_id: world.departmentId, branch_id: world.branches.jakarta });
    ani = await employee(t, admin, { name: 'Ani Wijaya', pn: '87654321', position: 'Teller', department_id: world.departmentId, branch_id: world.branches.bandung });
  });
  afterEach(async () => {
    await t.stop();
  });

  const post = (body: object) => t.http.post('/api/v1/admin/device-assignments').set(as(admin)).send(body);
  const list = (q = '') => t.http.get(`/api/v1/admin/device-assignments${q}`).set(as(admin));

  it('assigns a free device (201), and the device, the list and the user show it', async () => {
    const d = await device(t, admin, { serial_number: 'J5KFG73', asset_code: 'COMP/LAP/0725/098' });
    const res = await post({ device_id: d.deviceId, user_id: budi.number, assigned_date: '2026-01-14', status: 'Digunakan', notes: 'Standard assignment' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: { assignmentId: expect.any(Number), deviceId: d.deviceId, userId: budi.number, assignedDate: '2026-01-14', status: 'Digunakan' } });
    const assignmentId = res.body.data.assignmentId;

    const detail = await t.http.get(`/api/v1/admin/devices/${d.deviceId}`).set(as(admin));
    expect(detail.body.data.currentAssignment).toEqual({
      assignmentId,
      user: { userId: budi.number, name: 'Budi Santoso', pn: '12345678', position: 'Customer Service' },
      branch: { branchId: world.branches.jakarta, unitName: 'KCP Contoh Sudirman', branchCode: 'JKT001' },
      assignedDate: '2026-01-14',
      status: 'Digunakan',
      notes: 'Standard assignment',
      ticketId: null,
    });
    expect(detail.body.data.branchId).toBe(world.branches.jakarta);
    const devices = await t.http.get('/api/v1/admin/devices').set(as(admin));
    expect(devices.body.data[0]).toMatchObject({ isAssigned: true, assignedTo: 'Budi Santoso', assignedDate: '2026-01-14' });

    const listed = await list('?activeOnly=true&page=1&perPage=10');
    expect(listed.body).toEqual({
      data: [
        {
          assignmentId,
          device: { deviceId: d.deviceId, assetCode: 'COMP/LAP/0725/098', brand: 'Dell', brandName: 'Latitude 5420', serialNumber: 'J5KFG73' },
          user: { userId: budi.number, name: 'Budi Santoso', pn: '12345678', position: 'Customer Service', department: 'Operasional' },
          branch: { branchId: world.branches.jakarta, unitName: 'KCP Contoh Sudirman', branchCode: 'JKT001' },
          assignedDate: '2026-01-14',
          returnedDate: null,
          status: 'Digunakan',
          notes: 'Standard assignment',
          isActive: true,
          createdAt: '2026-01-15T12:00:00Z',
          createdBy: 'Mia Manager',
        },
      ],
      meta: { currentPage: 1, lastPage: 1, total: 1 },
    });
    const users = await t.http.get('/api/v1/admin/users?search=budi').set(as(admin));
    expect(users.body.data[0].activeDevicesCount).toBe(1);
  });

  it('answers the documented errors: already assigned, future date, unknown device or user', async () => {
    const d = await device(t, admin);
    expect((await post({ device_id: d.deviceId, user_id: budi.number, assigned_date: '2026-01-15' })).status).toBe(201);
    const again = await post({ device_id: d.deviceId, user_id: ani.number, assigned_date: '2026-01-15' });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ message: 'Device is already assigned to another user.', errorCode: 'ERR_DEVICE_ALREADY_ASSIGNED' });

    const other = await device(t, admin);
    const future = await post({ device_id: other.deviceId, user_id: ani.number, assigned_date: '2026-01-16' });
    expect(future.status).toBe(422);
    expect(future.body).toEqual({
      message: 'Invalid data provided.',
      errorCode: 'ERR_VALIDATION_FAILED',
      errors: { assigned_date: ['The assigned date must be a date before or equal to today.'] },
    });
    const unknown = await post({ device_id: 9999, user_id: 9999, assigned_date: '2026-01-15' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual({ device_id: ['The selected device id is invalid.'], user_id: ['The selected user id is invalid.'] });
    const missing = await post({ status: 'Dipinjam' });
    expect(missing.status).toBe(422);
    expect(Object.keys(missing.body.errors).sort()).toEqual(['assigned_date', 'device_id', 'status', 'user_id']);
  });

  it('updates status and notes, returns once (ERR_DEVICE_ALREADY_RETURNED), and keeps the history', async () => {
    const d = await device(t, admin);
    const created = await post({ device_id: d.deviceId, user_id: budi.number, assigned_date: '2026-01-10', notes: 'Laptop kerja' });
    const id = created.body.data.assignmentId as number;

    const updated = await t.http.put(`/api/v1/admin/device-assignments/${id}`).set(as(admin)).send({ status: 'Tidak Digunakan', notes: 'Device temporarily not in use' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ data: { assignmentId: id, status: 'Tidak Digunakan', returnedDate: null, notes: 'Device temporarily not in use' } });
    expect((await list('?status=Tidak%20Digunakan')).body.meta.total).toBe(1);
    expect((await list('?status=Digunakan')).body.meta.total).toBe(0);

    const early = await t.http.post(`/api/v1/admin/device-assignments/${id}/return`).set(as(admin)).send({ returned_date: '2026-01-09' });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual({ returned_date: ['The returned date must be a date after or equal to the assigned date.'] });

    t.clock.advance(600_000);
    const returned = await t.http.post(`/api/v1/admin/device-assignments/${id}/return`).set(as(admin)).send({ returned_date: '2026-01-15', return_notes: 'Employee resigned' });
    expect(returned.status).toBe(200);
    expect(returned.body).toEqual({ data: { assignmentId: id, returnedDate: '2026-01-15', message: 'Device returned successfully.' } });
    const twice = await t.http.post(`/api/v1/admin/device-assignments/${id}/return`).set(as(admin)).send({});
    expect(twice.status).toBe(400);
    expect(twice.body).toEqual({ message: 'Device has already been returned.', errorCode: 'ERR_DEVICE_ALREADY_RETURNED' });
    const late = await t.http.put(`/api/v1/admin/device-assignments/${id}`).set(as(admin)).send({ notes: 'x' });
    expect(late.status).toBe(400);
    expect(late.body.errorCode).toBe('ERR_DEVICE_ALREADY_RETURNED');

    const detail = await t.http.get(`/api/v1/admin/devices/${d.deviceId}`).set(as(admin));
    expect(detail.body.data.currentAssignment).toBeNull();
    expect(detail.body.data.assignmentHistory).toEqual([
      {
        assignmentId: id,
        'userName ': 'Budi Santoso',
        userName: 'Budi Santoso',
        userPn: '12345678',
        assignedDate: '2026-01-10',
        returnedDate: '2026-01-15',
        status: 'Tidak Digunakan',
        notes: 'Device temporarily not in use',
        returnNotes: 'Employee resigned',
        returnCondition: null,
        ticketId: null,
      },
    ]);
    expect((await list('?activeOnly=true')).body.meta.total).toBe(0);
    expect((await list()).body.data[0]).toMatchObject({ isActive: false, returnedDate: '2026-01-15' });
    expect((await t.http.get('/api/v1/admin/users?search=budi').set(as(admin))).body.data[0].activeDevicesCount).toBe(0);

    // Free again: the next assignment may start the day it came back.
    expect((await post({ device_id: d.deviceId, user_id: ani.number, assigned_date: '2026-01-15' })).status).toBe(201);
  });

  it('returns through PUT with returned_date, defaulting the return to today', async () => {
    const a = await device(t, admin);
    const b = await device(t, admin);
    const first = (await post({ device_id: a.deviceId, user_id: budi.number, assigned_date: '2026-01-01' })).body.data.assignmentId;
    const second = (await post({ device_id: b.deviceId, user_id: ani.number, assigned_date: '2026-01-01' })).body.data.assignmentId;
    const put = await t.http.put(`/api/v1/admin/device-assignments/${first}`).set(as(admin)).send({ returned_date: '2026-01-05' });
    expect(put.body.data).toEqual({ assignmentId: first, status: 'Digunakan', returnedDate: '2026-01-05', notes: null });
    const ret = await t.http.post(`/api/v1/admin/device-assignments/${second}/return`).set(as(admin));
    expect(ret.status).toBe(200);
    expect(ret.body.data.returnedDate).toBe('2026-01-15');
    expect((await t.http.post('/api/v1/admin/device-assignments/99999/return').set(as(admin))).status).toBe(404);
  });

  it('filters by branchId, search (device or holder) and pages', async () => {
    for (let i = 0; i < 3; i++) {
      const d = await device(t, admin, { brand: 'Dell', serial_number: `DL-${i}`, asset_code: `DL/${i}` });
      expect((await post({ device_id: d.deviceId, user_id: (i % 2 ? ani : budi).number, assigned_date: '2026-01-15', status: i === 2 ? 'Cadangan' : 'Digunakan' })).status).toBe(i === 2 ? 400 : 201);
    }
    const p = await device(t, admin, { brand: 'HP', brand_name: 'Deskjet', serial_number: 'HP-9', asset_code: 'PRN/9', bribox_id: '02' });
    expect((await post({ device_id: p.deviceId, user_id: budi.number, assigned_date: '2026-01-15', status: 'Cadangan' })).status).toBe(201);

    expect((await list(`?branchId=${world.branches.jakarta}`)).body.meta.total).toBe(2);
    expect((await list(`?branchId=${world.branches.bandung}&status=Digunakan`)).body.data.map((a: { user: { name: string } }) => a.user.name)).toEqual(['Ani Wijaya']);
    expect((await list('?search=budi')).body.meta.total).toBe(2);
    expect((await list('?search=deskjet')).body.data.map((a: { status: string }) => a.status)).toEqual(['Cadangan']);
    expect((await list('?search=87654321')).body.data.map((a: { user: { name: string } }) => a.user.name)).toEqual(['Ani Wijaya']);
    const page = await list('?perPage=1&page=2');
    expect(page.body.meta).toEqual({ currentPage: 2, lastPage: 3, total: 3 });
    const bad = await list('?activeOnly=maybe&branchId=x');
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['activeOnly', 'branchId']);
  });
});
