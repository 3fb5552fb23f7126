import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as } from '../../../../test/support/inventory';

/**
 * Document 003's reference data, managed by admins in its style: main branches, branches,
 * departments, parent categories and categories (briboxes); created, updated and listed in the
 * document's shapes, with unique codes and existing references.
 */
describe('document 003 reference data', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin');
  });
  afterEach(async () => {
    await t.stop();
  });

  const post = (path: string, body: object) => t.http.post(`/api/v1/admin/${path}`).set(as(admin)).send(body);
  const put = (path: string, body: object) => t.http.put(`/api/v1/admin/${path}`).set(as(admin)).send(body);
  const get = (path: string) => t.http.get(`/api/v1/admin/${path}`).set(as(admin));

  it('creates, renames and lists main branches, departments and parent categories ({ name })', async () => {
    for (const [path, idField] of [
      ['main-branches', 'mainBranchId'],
      ['departments', 'departmentId'],
      ['parent-categories', 'categoryId'],
    ] as const) {
      const a = await post(path, { name: 'Satu' });
      expect(a.status).toBe(201);
      expect(a.body).toEqual({ data: { [idField]: expect.any(Number), name: 'Satu' } });
      const b = await post(path, { name: 'Dua' });
      const renamed = await put(`${path}/${b.body.data[idField]}`, { name: 'Dua Baru' });
      expect(renamed.body).toEqual({ data: { [idField]: b.body.data[idField], name: 'Dua Baru' } });
      expect((await get(path)).body).toEqual({ data: [a.body.data, { [idField]: b.body.data[idField], name: 'Dua Baru' }] });
      expect((await put(`${path}/999`, { name: 'x' })).status).toBe(404);
      const invalid = await post(path, {});
      expect(invalid.status).toBe(422);
      expect(invalid.body.errors).toEqual({ name: ['The name field is required.'] });
    }
  });

  it('creates and updates branches with their main branch; the branch code is unique', async () => {
    const main = (await post('main-branches', { name: 'Kantor Pusat Jakarta' })).body.data.mainBranchId;
    const res = await post('branches', { unit_name: 'KCP Sudirman', branch_code: 'JKT001', address: 'Jl. Sudirman No. 123, Jakarta', main_branch_id: main });
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      branchId: expect.any(Number),
      unitName: 'KCP Sudirman',
      branchCode: 'JKT001',
      address: 'Jl. Sudirman No. 123, Jakarta',
      mainBranch: { mainBranchId: main, name: 'Kantor Pusat Jakarta' },
    });
    const other = await post('branches', { unit_name: 'KCP Dago', branch_code: 'BDG001' });
    expect(other.body.data).toMatchObject({ address: null, mainBranch: null });
    const dup = await post('branches', { unit_name: 'KCP Lain', branch_code: 'jkt001' });
    expect(dup.status).toBe(422);
    expect(dup.body).toEqual({ message: 'Invalid data provided.', errorCode: 'ERR_VALIDATION_FAILED', errors: { branch_code: ['The branch code has already been taken.'] } });
    const missing = await post('branches', { unit_name: 'KCP X', branch_code: 'X1', main_branch_id: 999 });
    expect(missing.body.errors).toEqual({ main_branch_id: ['The selected main branch id is invalid.'] });
    // Renaming the code frees the old one.
    const id = res.body.data.branchId;
    const moved = await put(`branches/${id}`, { branch_code: 'JKT002', unit_name: 'KCP Sudirman Baru' });
    expect(moved.body.data).toMatchObject({ branchId: id, branchCode: 'JKT002', unitName: 'KCP Sudirman Baru', mainBranch: { mainBranchId: main } });
    expect((await post('branches', { unit_name: 'KCP Y', branch_code: 'JKT001' })).status).toBe(201);
    expect((await put(`branches/${id}`, { branch_code: 'BDG001' })).status).toBe(422);
    expect((await get('branches')).body.data.map((b: { branchCode: string }) => b.branchCode)).toEqual(['JKT002', 'BDG001', 'JKT001']);
  });

  it('creates and updates categories (briboxes) with their parent category; the bribox id is unique', async () => {
    const parent = (await post('parent-categories', { name: 'Komputer' })).body.data.categoryId;
    const res = await post('categories', { bribox_id: '01', name: 'Laptop Kantor', description: 'Laptop untuk keperluan kantor', category_id: parent });
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ briboxId: '01', name: 'Laptop Kantor', description: 'Laptop untuk keperluan kantor', category: { categoryId: parent, name: 'Komputer' } });
    expect((await post('categories', { bribox_id: '01', name: 'Lain' })).body.errors).toEqual({ bribox_id: ['The bribox id has already been taken.'] });
    expect((await post('categories', { bribox_id: '03', name: 'Lain', category_id: 77 })).body.errors).toEqual({ category_id: ['The selected category id is invalid.'] });
    await post('categories', { bribox_id: '02', name: 'Printer' });
    // A device of category 01 keeps its category when the bribox id is renamed.
    const d = await post('devices', { brand: 'Dell', brand_name: 'Latitude', serial_number: 'S1', asset_code: 'A1', bribox_id: '01', condition: 'Baik' });
    const renamed = await put('categories/01', { bribox_id: '10', name: 'Laptop' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ briboxId: '10', name: 'Laptop' });
    expect((await get(`devices/${d.body.data.deviceId}`)).body.data).toMatchObject({ category: 'Laptop', briboxId: '10' });
    expect((await put('categories/01', { name: 'x' })).status).toBe(404);
    expect((await get('categories')).body.data.map((c: { briboxId: string }) => c.briboxId)).toEqual(['02', '10']);
    expect((await post('devices', { brand: 'Dell', brand_name: 'L', serial_number: 'S2', asset_code: 'A2', bribox_id: '01', condition: 'Baik' })).body.errors).toEqual({
      bribox_id: ['The selected bribox id is invalid.'],
    });
  });
});
