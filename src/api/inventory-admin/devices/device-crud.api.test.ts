import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as, device, employee, inventoryWorld, type InventoryWorld } from '../../../../test/support/inventory';

/**
 * Document 003 §3.3–3.7 through HTTP: create, list (search, condition, pages), detail, update,
 * delete of devices, in the document's shapes and error format.
 */
describe('document 003 devices', () => {
  let t: TestApp;
  let admin: TestUser;
  let world: InventoryWorld;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin', { full_name: 'Ana Admin' });
    world = await inventoryWorld(t, admin);
  });
  afterEach(async () => {
    await t.stop();
  });

  const body = {
    brand: 'Dell',
    brand_name: 'Latitude 5420',
    serial_number: 'DL5420ABC123',
    asset_code: 'COMP/LAP/0725/099',
    bribox_id: '01',
    condition: 'Baik',
    spec1: 'Intel Core i5-1135G7',
    spec2: '16 GB DDR4',
    spec3: '512 GB NVMe SSD',
    dev_date: '2024-01-15',
  };

  it('creates a device (201) and answers it as the document shows', async () => {
    const res = await t.http.post('/api/v1/admin/devices').set(as(admin)).send(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      data: { deviceId: expect.any(Number), assetCode: 'COMP/LAP/0725/099', brand: 'Dell', brandName: 'Latitude 5420', serialNumber: 'DL5420ABC123', condition: 'Baik' },
    });
    const detail = await t.http.get(`/api/v1/admin/devices/${res.body.data.deviceId}`).set(as(admin));
    expect(detail.status).toBe(200);
    expect(detail.body.data).toEqual({
      deviceId: res.body.data.deviceId,
      assetCode: 'COMP/LAP/0725/099',
      brand: 'Dell',
      brandName: 'Latitude 5420',
      serialNumber: 'DL5420ABC123',
      condition: 'Baik',
      category: 'Laptop Kantor',
      spec1: 'Intel Core i5-1135G7',
      spec2: '16 GB DDR4',
      spec3: '512 GB NVMe SSD',
      spec4: null,
      spec5: null,
      devDate: '2024-01-15',
      briboxId: '01',
      branchId: null,
      currentAssignment: null,
      assignmentHistory: [],
      createdAt: '2026-01-15T12:00:00Z',
      createdBy: 'Ana Admin',
      updatedAt: '2026-01-15T12:00:00Z',
      updatedBy: 'Ana Admin',
    });
    expect(detail.headers.etag).toBe('"0"');
  });

  it('answers a repeated Idempotency-Key with the first answer, creating one device', async () => {
    const first = await t.http.post('/api/v1/admin/devices').set(as(admin)).set('Idempotency-Key', 'dev-1').send(body);
    const again = await t.http.post('/api/v1/admin/devices').set(as(admin)).set('Idempotency-Key', 'dev-1').send(body);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect((await t.http.get('/api/v1/admin/devices').set(as(admin))).body.meta.total).toBe(1);
  });

  it('refuses invalid bodies with 422 ERR_VALIDATION_FAILED and messages per field', async () => {
    const res = await t.http.post('/api/v1/admin/devices').set(as(admin)).send({ brand: 'x'.repeat(51), condition: 'Bagus', asset_code: 'A'.repeat(21) });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('Invalid data provided.');
    expect(res.body.errorCode).toBe('ERR_VALIDATION_FAILED');
    expect(Object.keys(res.body.errors).sort()).toEqual(['asset_code', 'brand', 'brand_name', 'bribox_id', 'condition', 'serial_number']);
    expect(res.body.errors.brand_name).toEqual(['The brand name field is required.']);
    expect(res.body.errors.brand).toEqual(['The brand may not be greater than 50 characters.']);
    expect(res.body.errors.condition).toEqual(['The selected condition is invalid.']);
    const unknownCategory = await t.http.post('/api/v1/admin/devices').set(as(admin)).send({ ...body, bribox_id: '99' });
    expect(unknownCategory.status).toBe(422);
    expect(unknownCategory.body.errors).toEqual({ bribox_id: ['The selected bribox id is invalid.'] });
  });

  it('keeps serial numbers and asset codes unique (422 on the field), whatever the case', async () => {
    expect((await t.http.post('/api/v1/admin/devices').set(as(admin)).send(body)).status).toBe(201);
    const sameSerial = await t.http.post('/api/v1/admin/devices').set(as(admin)).send({ ...body, serial_number: 'dl5420abc123', asset_code: 'OTHER/1' });
    expect(sameSerial.status).toBe(422);
    expect(sameSerial.body).toEqual({ message: 'Invalid data provided.', errorCode: 'ERR_VALIDATION_FAILED', errors: { serial_number: ['The serial number has already been taken.'] } });
    const sameAsset = await t.http.post('/api/v1/admin/devices').set(as(admin)).send({ ...body, serial_number: 'OTHER-SN' });
    expect(sameAsset.status).toBe(422);
    expect(sameAsset.body.errors).toEqual({ asset_code: ['The asset code has already been taken.'] });
    // The failed attempt released the serial number it had reserved.
    expect((await t.http.post('/api/v1/admin/devices').set(as(admin)).send({ ...body, serial_number: 'OTHER-SN', asset_code: 'OTHER/2' })).status).toBe(201);
  });

  it('lists with search, condition and pages in { data, meta }', async () => {
    for (let i = 0; i < 5; i++) await device(t, admin, { brand: 'Dell', brand_name: `Latitude 54${i}0`, serial_number: `DELL-${i}`, asset_code: `COMP/LAP/${i}` });
    await device(t, admin, { brand: 'HP', brand_name: 'Deskjet 2130', serial_number: 'HP-1', asset_code: 'PRN/1', bribox_id: '02', condition: 'Rusak' });
    await device(t, admin, { brand: 'Lenovo', brand_name: 'ThinkPad E14', serial_number: 'LNV-1', asset_code: 'COMP/LAP/9', condition: 'Perlu Pengecekan' });
    const list = (q: string) => t.http.get(`/api/v1/admin/devices${q}`).set(as(admin));

    const all = await list('');
    expect(all.status).toBe(200);
    expect(all.body.meta).toEqual({ currentPage: 1, lastPage: 1, total: 7 });
    expect(all.body.data.map((d: { serialNumber: string }) => d.serialNumber)).toEqual(['LNV-1', 'HP-1', 'DELL-4', 'DELL-3', 'DELL-2', 'DELL-1', 'DELL-0']);
    expect(all.body.data[1]).toMatchObject({ condition: 'Rusak', category: 'Printer', isAssigned: false, assignedTo: null, assignedDate: null, createdBy: 'Ana Admin' });

    const dell = await list('?search=dell&condition=Baik&page=2&perPage=2');
    expect(dell.body.meta).toEqual({ currentPage: 2, lastPage: 3, total: 5 });
    expect(dell.body.data.map((d: { serialNumber: string }) => d.serialNumber)).toEqual(['DELL-2', 'DELL-1']);
    expect((await list('?search=DELL')).body.meta.total).toBe(5);
    expect((await list('?search=lati 5420')).body.data.map((d: { serialNumber: string }) => d.serialNumber)).toEqual(['DELL-2']);
    expect((await list('?search=comp/lap')).body.meta.total).toBe(6);
    expect((await list('?search=hp-1')).body.data.map((d: { brand: string }) => d.brand)).toEqual(['HP']);
    expect((await list('?condition=Perlu%20Pengecekan')).body.data.map((d: { brand: string }) => d.brand)).toEqual(['Lenovo']);
    expect((await list('?search=nothing-like-it')).body).toEqual({ data: [], meta: { currentPage: 1, lastPage: 1, total: 0 } });

    const bad = await list('?condition=Bagus&perPage=101&page=0');
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['condition', 'page', 'perPage']);
  });

  it('updates any subset of fields, keeping uniqueness, and answers 404 for an unknown or malformed id', async () => {
    const a = await device(t, admin, { serial_number: 'SN-A', asset_code: 'AC-A' });
    await device(t, admin, { serial_number: 'SN-B', asset_code: 'AC-B' });
    const res = await t.http.put(`/api/v1/admin/devices/${a.deviceId}`).set(as(admin)).send({ condition: 'Perlu Pengecekan', spec4: 'Windows 11 Pro' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ deviceId: a.deviceId, assetCode: 'AC-A', brand: 'Dell', brandName: 'Latitude 5420', serialNumber: 'SN-A', condition: 'Perlu Pengecekan' });
    const detail = await t.http.get(`/api/v1/admin/devices/${a.deviceId}`).set(as(admin));
    expect(detail.body.data).toMatchObject({ spec4: 'Windows 11 Pro', condition: 'Perlu Pengecekan' });

    const taken = await t.http.put(`/api/v1/admin/devices/${a.deviceId}`).set(as(admin)).send({ serial_number: 'SN-B' });
    expect(taken.status).toBe(422);
    expect(taken.body.errors).toEqual({ serial_number: ['The serial number has already been taken.'] });
    // A renamed serial frees the old one.
    expect((await t.http.put(`/api/v1/admin/devices/${a.deviceId}`).set(as(admin)).send({ serial_number: 'SN-A2', bribox_id: '02' })).status).toBe(200);
    expect((await device(t, admin, { serial_number: 'SN-A', asset_code: 'AC-C' })).deviceId).toBeGreaterThan(0);
    expect((await t.http.get(`/api/v1/admin/devices/${a.deviceId}`).set(as(admin))).body.data.category).toBe('Printer');

    const stale = await t.http.put(`/api/v1/admin/devices/${a.deviceId}`).set(as(admin)).set('If-Match', '"0"').send({ spec5: 'x' });
    expect(stale.status).toBe(412);
    expect(stale.body.errorCode).toBe('ERR_PRECONDITION_FAILED');

    for (const id of ['99999', 'abc', '0']) {
      const missing = await t.http.put(`/api/v1/admin/devices/${id}`).set(as(admin)).send({ spec5: 'x' });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: 'Resource not found.', errorCode: 'ERR_RESOURCE_NOT_FOUND' });
    }
  });

  it('deletes a free device, and refuses an assigned one with 400 ERR_DEVICE_ASSIGNED', async () => {
    const free = await device(t, admin);
    const held = await device(t, admin);
    const holder = await employee(t, admin, { branch_id: world.branches.jakarta, department_id: world.departmentId });
    expect(
      (await t.http.post('/api/v1/admin/device-assignments').set(as(admin)).send({ device_id: held.deviceId, user_id: holder.number, assigned_date: '2026-01-10' })).status,
    ).toBe(201);

    const refused = await t.http.delete(`/api/v1/admin/devices/${held.deviceId}`).set(as(admin));
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ message: 'Cannot delete device that is currently assigned.', errorCode: 'ERR_DEVICE_ASSIGNED' });

    const deleted = await t.http.delete(`/api/v1/admin/devices/${free.deviceId}`).set(as(admin));
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ message: 'Device deleted successfully.', errorCode: null });
    expect((await t.http.get(`/api/v1/admin/devices/${free.deviceId}`).set(as(admin))).status).toBe(404);
    expect((await t.http.delete(`/api/v1/admin/devices/${free.deviceId}`).set(as(admin))).status).toBe(404);
    // Its serial number may be used again.
    expect((await device(t, admin, { serial_number: free.serialNumber, asset_code: 'AC/NEW' })).deviceId).toBeGreaterThan(held.deviceId);
  });
});
