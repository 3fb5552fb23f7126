import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as, inventoryWorld, type InventoryWorld } from '../../../../test/support/inventory';

/**
 * Document 000's POST/PUT /api/users accept the employee fields document 003 shows
 * (`profile.pn`, `position`, `department_id`, `branch_id`), echo them in every user answer,
 * and refuse a department or branch that does not exist.
 */
describe('employee fields on document 000 users', () => {
  let t: TestApp;
  let admin: TestUser;
  let world: InventoryWorld;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin');
    world = await inventoryWorld(t, admin);
  });
  afterAll(async () => {
    await t.stop();
  });

  const create = (profile: Record<string, unknown>, email: string) =>
    t.http
      .post('/api/users')
      .set(as(admin))
      .send({ email, password: 'a-long-password', role: 'customer_service', profile: { full_name: 'Budi Contoh', phone: '0812 3456 7890', ...profile } });

  it('stores and echoes them, and null for users that never had them', async () => {
    const res = await create({ pn: '12345678', position: 'Customer Service', department_id: world.departmentId, branch_id: world.branches.jakarta }, 'budi@example.com');
    expect(res.status).toBe(201);
    expect(res.body.data.user.profile).toEqual({
      full_name: 'Budi Contoh',
      phone: '0812 3456 7890',
      avatar: null,
      department: null,
      pn: '12345678',
      position: 'Customer Service',
      department_id: world.departmentId,
      branch_id: world.branches.jakarta,
    });
    const id = res.body.data.user.id as string;
    const got = await t.http.get(`/api/users/${id}`).set(as(admin));
    expect(got.body.data.user.profile).toMatchObject({ pn: '12345678', branch_id: world.branches.jakarta });
    const plain = await t.http.get(`/api/users/${admin.userId}`).set(as(admin));
    expect(plain.body.data.user.profile).toMatchObject({ pn: null, position: null, department_id: null, branch_id: null });

    const moved = await t.http.put(`/api/users/${id}`).set(as(admin)).send({ profile: { branch_id: world.branches.bandung, position: 'Teller' } });
    expect(moved.status).toBe(200);
    expect(moved.body.data.user.profile).toMatchObject({ pn: '12345678', position: 'Teller', department_id: world.departmentId, branch_id: world.branches.bandung });
    const list = await t.http.get('/api/users?search=budi').set(as(admin));
    expect(list.body.data.users[0].profile).toMatchObject({ position: 'Teller', branch_id: world.branches.bandung });

    const in003 = await t.http.get('/api/v1/admin/users?search=budi').set(as(admin));
    expect(in003.body.data).toEqual([
      {
        userId: expect.any(Number),
        pn: '12345678',
        name: 'Budi Contoh',
        position: 'Teller',
        department: { departmentId: world.departmentId, name: 'Operasional' },
        branch: { branchId: world.branches.bandung, unitName: 'KCP Contoh Dago', branchCode: 'BDG001' },
        activeDevicesCount: 0,
      },
    ]);
  });

  it('refuses a department or branch that does not exist, and ids that are not integers (422)', async () => {
    const res = await create({ department_id: 999, branch_id: 998 }, 'nobody@example.com');
    expect(res.status).toBe(422);
    expect(res.body.error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'Validation failed',
      details: { 'profile.department_id': ['The selected department id is invalid.'], 'profile.branch_id': ['The selected branch id is invalid.'] },
    });
    const bad = await create({ department_id: 'Operasional', pn: 5 }, 'nobody2@example.com');
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(['profile.department_id', 'profile.pn']);
    const put = await t.http.put(`/api/users/${admin.userId}`).set(as(admin)).send({ profile: { branch_id: 12345 } });
    expect(put.status).toBe(422);
    expect(put.body.error.details).toEqual({ 'profile.branch_id': ['The selected branch id is invalid.'] });
  });
});
