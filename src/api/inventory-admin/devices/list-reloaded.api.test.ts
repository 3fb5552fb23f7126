import { as, device, employee, inventoryWorld } from '../../../../test/support/inventory';
import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';

/**
 * Use case: an inventory admin keeps document 003's device and assignment lists open and
 * reloads them. Items shown before are not presented again while nothing they show changed
 * (json-text.ts): each reload must show the holder's new name and department (changed through
 * document 000's users) and the category's new name.
 */
describe('document 003 device and assignment lists reloaded after what their items show changed', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin', { full_name: 'Ana Admin' });
  });
  afterAll(() => t.stop());

  const listed = async (path: string, id: (x: Record<string, unknown>) => unknown, wanted: unknown) => {
    let item: Record<string, unknown> | undefined;
    for (let reload = 0; reload < 2; reload++) {
      const res = await t.http.get(`/api/v1/admin/${path}`).set(as(admin));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body.meta).toMatchObject({ currentPage: 1, lastPage: 1 });
      item = (res.body.data as Array<Record<string, unknown>>).find((x) => id(x) === wanted);
    }
    return item;
  };

  it('shows the holder’s and the category’s new names and the holder’s new department', async () => {
    const world = await inventoryWorld(t, admin);
    const other = (await t.http.post('/api/v1/admin/departments').set(as(admin)).send({ name: 'Jaringan' })).body.data.departmentId as number;
    const budi = await employee(t, admin, { name: 'Budi Reload', pn: '22334455', department_id: world.departmentId, branch_id: world.branches.jakarta });
    const d = await device(t, admin, { brand: 'Lenovo', brand_name: 'ThinkPad X1', bribox_id: world.categories.laptop });
    const today = t.clock.now().toISOString().slice(0, 10);
    const lent = await t.http.post('/api/v1/admin/device-assignments').set(as(admin)).send({ device_id: d.deviceId, user_id: budi.number, assigned_date: today, status: 'Digunakan' });
    expect(lent.status).toBe(201);
    const deviceItem = () => listed('devices?search=thinkpad', (x) => x.deviceId, d.deviceId);
    const assignmentItem = () => listed('device-assignments?activeOnly=true', (x) => x.assignmentId, lent.body.data.assignmentId);

    expect(await deviceItem()).toMatchObject({ assignedTo: 'Budi Reload', category: 'Laptop Kantor', isAssigned: true });
    expect(await assignmentItem()).toMatchObject({ user: { name: 'Budi Reload', department: 'Operasional' }, branch: { branchCode: 'JKT001' } });

    const profile = { full_name: 'Budi Reload Santoso', department_id: other };
    expect((await t.http.put(`/api/users/${budi.userId}`).set(as(admin)).send({ profile })).status).toBe(200);
    expect(await deviceItem()).toMatchObject({ assignedTo: 'Budi Reload Santoso', category: 'Laptop Kantor' });
    expect(await assignmentItem()).toMatchObject({ user: { name: 'Budi Reload Santoso', department: 'Jaringan' } });

    expect((await t.http.put(`/api/v1/admin/categories/${world.categories.laptop}`).set(as(admin)).send({ name: 'Laptop Operasional' })).status).toBe(200);
    expect(await deviceItem()).toMatchObject({ assignedTo: 'Budi Reload Santoso', category: 'Laptop Operasional' });
  });
});
