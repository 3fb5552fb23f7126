import type { TestApp, TestUser } from './test-app';

/**
 * Fixtures for the inventory API tests, made through the APIs a client would use: document
 * 003's reference data and devices, document 000's users with employee fields.
 */
export const as = (u: { token: string }) => ({ Authorization: `Bearer ${u.token}` });

export interface InventoryWorld {
  mainBranchId: number;
  branches: { jakarta: number; bandung: number };
  departmentId: number;
  parentCategoryId: number;
  categories: { laptop: string; printer: string };
}

async function created(res: { status: number; body: unknown }, what: string) {
  if (res.status !== 201) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body as object)}`);
  return (res.body as { data: Record<string, unknown> }).data;
}

/** Reference data through document 003: a main branch, two branches, a department, two categories. */
export async function inventoryWorld(t: TestApp, admin: TestUser): Promise<InventoryWorld> {
  const post = (path: string, body: object) => t.http.post(`/api/v1/admin/${path}`).set(as(admin)).send(body);
  const main = await created(await post('main-branches', { name: 'Kantor Pusat Contoh' }), 'main branch');
  const jakarta = await created(
    await post('branches', { unit_name: 'KCP Contoh Sudirman', branch_code: 'JKT001', address: 'Jl. Contoh 1', main_branch_id: main.mainBranchId }),
    'branch',
  );
  const bandung = await created(await post('branches', { unit_name: 'KCP Contoh Dago', branch_code: 'BDG001', main_branch_id: main.mainBranchId }), 'branch');
  const department = await created(await post('departments', { name: 'Operasional' }), 'department');
  const parent = await created(await post('parent-categories', { name: 'Komputer' }), 'parent category');
  await created(await post('categories', { bribox_id: '01', name: 'Laptop Kantor', description: 'Laptop untuk kantor', category_id: parent.categoryId }), 'category');
  await created(await post('categories', { bribox_id: '02', name: 'Printer', category_id: parent.categoryId }), 'category');
  return {
    mainBranchId: main.mainBranchId as number,
    branches: { jakarta: jakarta.branchId as number, bandung: bandung.branchId as number },
    departmentId: department.departmentId as number,
    parentCategoryId: parent.categoryId as number,
    categories: { laptop: '01', printer: '02' },
  };
}

let employees = 0;

export interface Employee {
  userId: string;
  number: number;
  name: string;
}

/** A staff user with employee fields, created through document 000's POST /api/users. */
export async function employee(
  t: TestApp,
  admin: TestUser,
  profile: { name?: string; pn?: string | null; position?: string | null; department_id?: number | null; branch_id?: number | null; role?: string } = {},
): Promise<Employee> {
  employees++;
  const name = profile.name ?? `Pegawai ${employees}`;
  const res = await t.http
    .post('/api/users')
    .set(as(admin))
    .send({
      email: `pegawai.${employees}.${Date.now()}@example.com`,
      password: 'employee-password-1',
      role: profile.role ?? 'customer_service',
      profile: {
        full_name: name,
        phone: '0812 0000 0000',
        pn: profile.pn === undefined ? String(10000000 + employees) : profile.pn,
        position: profile.position === undefined ? 'Customer Service' : profile.position,
        department_id: profile.department_id ?? null,
        branch_id: profile.branch_id ?? null,
      },
    });
  if (res.status !== 201) throw new Error(`employee fixture: ${res.status} ${JSON.stringify(res.body as object)}`);
  const id = res.body.data.user.id as string;
  const list = await t.http.get(`/api/v1/admin/users?search=${encodeURIComponent(name)}&perPage=100`).set(as(admin));
  const found = (list.body.data as Array<{ userId: number; name: string }>).find((u) => u.name === name);
  if (!found) throw new Error(`employee fixture: ${name} not listed: ${JSON.stringify(list.body)}`);
  return { userId: id, number: found.userId, name };
}

let devices = 0;

/** A device created through document 003's POST /api/v1/admin/devices; answers its deviceId. */
export async function device(t: TestApp, admin: TestUser, body: Record<string, unknown> = {}): Promise<{ deviceId: number; serialNumber: string }> {
  devices++;
  const res = await t.http
    .post('/api/v1/admin/devices')
    .set(as(admin))
    .send({
      brand: 'Dell',
      brand_name: 'Latitude 5420',
      serial_number: `SN-TEST-${devices}`,
      asset_code: `AC/LAP/${devices}`,
      bribox_id: '01',
      condition: 'Baik',
      ...body,
    });
  if (res.status !== 201) throw new Error(`device fixture: ${res.status} ${JSON.stringify(res.body as object)}`);
  return { deviceId: res.body.data.deviceId as number, serialNumber: res.body.data.serialNumber as string };
}
