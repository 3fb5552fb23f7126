import { deviceStream } from '../../../domain/device';
import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { as, device, employee, inventoryWorld, type Employee } from '../../../../test/support/inventory';

/**
 * DESIGN.md section 3: a device has at most one active assignment, and a holder at most one
 * active device per category, under concurrent requests. Many requests fired at once through
 * HTTP; exactly one wins, the others get the documented error, and the log holds one assignment.
 */
describe('document 003: simultaneous assignments', () => {
  let t: TestApp;
  let admin: TestUser;
  let people: Employee[];

  beforeAll(async () => {
    // The per-user limit (100 a minute) would refuse part of the burst; it is tested on its own.
    t = await startTestApp({ INVENTORY_RATE_LIMIT_PER_MINUTE: '0' });
    admin = await t.user('super_admin');
    const world = await inventoryWorld(t, admin);
    people = [];
    for (let i = 0; i < 50; i++) people.push(await employee(t, admin, { name: `Pemegang ${i}`, branch_id: world.branches.jakarta }));
  });
  afterAll(async () => {
    await t.stop();
  });

  const assign = (deviceId: number, userId: number) =>
    t.http.post('/api/v1/admin/device-assignments').set(as(admin)).send({ device_id: deviceId, user_id: userId, assigned_date: '2026-01-15' });

  const deviceUuid = async (deviceId: number): Promise<string> => {
    const res = await t.http.get(`/api/v1/admin/devices/${deviceId}`).set(as(admin));
    const docs = await t.app.deps.readStore.collection('devices').find({ number: deviceId });
    expect(res.status).toBe(200);
    return docs[0]!._id;
  };

  it('50 requests to assign one free device to 50 users: exactly one assignment', async () => {
    const d = await device(t, admin, { serial_number: 'RACE-1', asset_code: 'RACE/1' });
    const results = await Promise.all(people.map((p) => assign(d.deviceId, p.number)));
    const won = results.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    const lost = results.filter((r) => r.status !== 201);
    expect(lost).toHaveLength(49);
    for (const r of lost) expect([r.status, r.body]).toEqual([400, { message: 'Device is already assigned to another user.', errorCode: 'ERR_DEVICE_ALREADY_ASSIGNED' }]);

    const events = await t.eventStore.readStream(deviceStream(await deviceUuid(d.deviceId)));
    expect(events.filter((e) => e.type === 'DeviceAssigned')).toHaveLength(1);
    const listed = await t.http.get('/api/v1/admin/device-assignments?activeOnly=true&search=race-1').set(as(admin));
    expect(listed.body.meta.total).toBe(1);
    expect(listed.body.data[0].user.userId).toBe(won[0]!.body.data.userId);
    // The losers' category slots were given back: each can be given a laptop now.
    const loser = people.find((p) => p.number !== won[0]!.body.data.userId)!;
    const other = await device(t, admin, { serial_number: 'RACE-2', asset_code: 'RACE/2' });
    expect((await assign(other.deviceId, loser.number)).status).toBe(201);
  });

  it('50 requests to assign one device to the same user: exactly one assignment', async () => {
    const d = await device(t, admin, { serial_number: 'RACE-3', asset_code: 'RACE/3', bribox_id: '02' });
    const holder = people[10]!;
    const results = await Promise.all(Array.from({ length: 50 }, () => assign(d.deviceId, holder.number)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) expect([r.status, r.body.errorCode]).toEqual([400, 'ERR_DEVICE_ALREADY_ASSIGNED']);
    const events = await t.eventStore.readStream(deviceStream(await deviceUuid(d.deviceId)));
    expect(events.filter((e) => e.type === 'DeviceAssigned')).toHaveLength(1);
  });

  it('20 requests to give one user 20 different laptops: exactly one (one active device per category)', async () => {
    const holder = people[20]!;
    const laptops = [];
    for (let i = 0; i < 20; i++) laptops.push(await device(t, admin, { serial_number: `CAT-${i}`, asset_code: `CAT/${i}` }));
    const results = await Promise.all(laptops.map((d) => assign(d.deviceId, holder.number)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect([r.status, r.body]).toEqual([400, { message: 'The user already holds an active device of this category.', errorCode: 'ERR_USER_ALREADY_HOLDS_CATEGORY' }]);
    }
    const users = await t.http.get(`/api/v1/admin/users?search=${encodeURIComponent(holder.name)}`).set(as(admin));
    expect(users.body.data[0].activeDevicesCount).toBe(1);
    // Another category is fine; after the return, another laptop is too.
    const printer = await device(t, admin, { serial_number: 'CAT-P', asset_code: 'CAT/P', bribox_id: '02' });
    expect((await assign(printer.deviceId, holder.number)).status).toBe(201);
    const won = results.find((r) => r.status === 201)!.body.data.assignmentId;
    expect((await t.http.post(`/api/v1/admin/device-assignments/${won}/return`).set(as(admin))).status).toBe(200);
    const next = laptops.find((d) => d.deviceId !== results.find((r) => r.status === 201)!.body.data.deviceId)!;
    expect((await assign(next.deviceId, holder.number)).status).toBe(201);
  });
});
