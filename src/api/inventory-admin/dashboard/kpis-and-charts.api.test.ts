import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as, device, employee, inventoryWorld, type Employee, type InventoryWorld } from '../../../../test/support/inventory';

/**
 * Document 003 §3.1–3.2: KPIs (with the activity log derived from device and assignment events)
 * and chart data, overall and per branch, kept as counters by the inventory projection.
 */
describe('document 003 KPIs and charts', () => {
  let t: TestApp;
  let admin: TestUser;
  let world: InventoryWorld;
  let budi: Employee;
  let ani: Employee;

  beforeAll(async () => {
    t = await startTestApp({ INVENTORY_TIMEZONE: 'Asia/Jakarta' });
    admin = await t.user('super_admin', { full_name: 'Joko Tingkir' });
    world = await inventoryWorld(t, admin);
    budi = await employee(t, admin, { name: 'Budi Santoso', branch_id: world.branches.jakarta });
    ani = await employee(t, admin, { name: 'Ani Wijaya', branch_id: world.branches.bandung });
  });
  afterAll(async () => {
    await t.stop();
  });

  const kpis = (q = '') => t.http.get(`/api/v1/admin/dashboard/kpis${q}`).set(as(admin));
  const charts = (q = '') => t.http.get(`/api/v1/admin/dashboard/charts${q}`).set(as(admin));

  it('counts devices in use, available and damaged, overall and per branch, and logs what happened', async () => {
    const empty = await kpis();
    expect(empty.body).toEqual({ data: { totalDevices: 0, inUse: 0, available: 0, damaged: 0, activityLog: [] } });

    const laptop = await device(t, admin, { brand: 'Dell', brand_name: 'Latitude 5420', branch_id: world.branches.jakarta });
    const printer = await device(t, admin, { brand: 'HP', brand_name: 'Deskjet', bribox_id: '02', branch_id: world.branches.jakarta });
    const broken = await device(t, admin, { brand: 'Lenovo', brand_name: 'E14', condition: 'Rusak' });
    const check = await device(t, admin, { brand: 'Asus', brand_name: 'X441', condition: 'Perlu Pengecekan', branch_id: world.branches.bandung });
    t.clock.advance(60_000);
    const a = await t.http.post('/api/v1/admin/device-assignments').set(as(admin)).send({ device_id: laptop.deviceId, user_id: ani.number, assigned_date: '2026-01-15' });
    expect(a.status).toBe(201);
    const b = await t.http.post('/api/v1/admin/device-assignments').set(as(admin)).send({ device_id: printer.deviceId, user_id: budi.number, assigned_date: '2026-01-15' });
    t.clock.advance(60_000);
    await t.http.post(`/api/v1/admin/device-assignments/${b.body.data.assignmentId}/return`).set(as(admin));
    await t.http.put(`/api/v1/admin/devices/${check.deviceId}`).set(as(admin)).send({ condition: 'Baik' });
    t.clock.advance(60_000);
    const gone = await device(t, admin, { brand: 'Acer', brand_name: 'Aspire' });
    await t.http.delete(`/api/v1/admin/devices/${gone.deviceId}`).set(as(admin));

    const all = await kpis();
    expect(all.body.data).toMatchObject({ totalDevices: 4, inUse: 1, available: 2, damaged: 1 });
    // Newest first; the document's own type spelling; date and time in Asia/Jakarta (UTC+7).
    expect(all.body.data.activityLog.slice(0, 5)).toEqual([
      { type: 'device-deleted', Category: 'warning', title: 'Perangkat Dihapus', description: 'Acer Aspire', user: 'Joko Tingkir', date: '2026-01-15', time: '19:03:00' },
      { type: 'device-created', Category: 'info', title: 'Perangkat Ditambahkan', description: 'Acer Aspire', user: 'Joko Tingkir', date: '2026-01-15', time: '19:03:00' },
      { type: 'device-updated', Category: 'info', title: 'Perangkat Diperbarui', description: 'Asus X441', user: 'Joko Tingkir', date: '2026-01-15', time: '19:02:00' },
      { type: 'device-returned', Category: 'success', title: 'Perangkat Dikembalikan', description: 'HP Deskjet dari Budi Santoso', user: 'Joko Tingkir', date: '2026-01-15', time: '19:02:00' },
      { type: 'device-asigned', Category: 'warning', title: 'Perangkat Ditugaskan', description: 'HP Deskjet kepada Budi Santoso', user: 'Joko Tingkir', date: '2026-01-15', time: '19:01:00' },
    ]);
    expect(all.body.data.activityLog).toHaveLength(10);

    // The laptop moved to Ani's branch (Bandung) with its assignment; the printer stayed in Jakarta.
    const bandung = await kpis(`?branchId=${world.branches.bandung}`);
    expect(bandung.body.data).toMatchObject({ totalDevices: 2, inUse: 1, available: 1, damaged: 0 });
    expect(bandung.body.data.activityLog.map((x: { type: string }) => x.type)).toEqual(['device-updated', 'device-asigned', 'device-created']);
    expect((await kpis(`?branchId=${world.branches.jakarta}`)).body.data).toMatchObject({ totalDevices: 1, inUse: 0, available: 1, damaged: 0 });
    expect((await kpis('?branchId=999')).body.data).toMatchObject({ totalDevices: 0, activityLog: [] });

    const c = await charts();
    expect(c.body).toEqual({
      data: {
        deviceConditions: [
          { condition: 'Baik', count: 3 },
          { condition: 'Rusak', count: 1 },
          { condition: 'Perlu Pengecekan', count: 0 },
        ],
        devicesPerBranch: [
          { branchId: world.branches.bandung, branchName: 'KCP Contoh Dago', count: 2 },
          { branchId: world.branches.jakarta, branchName: 'KCP Contoh Sudirman', count: 1 },
          { branchId: null, branchName: 'Tanpa Cabang', count: 1 },
        ],
      },
    });
    const one = await charts(`?branchId=${world.branches.jakarta}`);
    expect(one.body.data.devicesPerBranch).toEqual([{ branchId: world.branches.jakarta, branchName: 'KCP Contoh Sudirman', count: 1 }]);
    expect(one.body.data.deviceConditions[0]).toEqual({ condition: 'Baik', count: 1 });
    expect(broken.deviceId).toBeGreaterThan(0);
    expect((await charts('?branchId=abc')).status).toBe(422);
  });
});
