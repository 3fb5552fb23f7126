import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { ReadStore } from '../../ports/read-store';
import type { ProjectedEvent } from '../engine/projector';
import { inventoryProjector } from './projector';
import { deviceCounters, devicesPerBranch, listDeviceAssignments, listDevices, listPeople } from './queries';

/**
 * The inventory projector against the in-memory read store: given events, then documents. The
 * KPI counters move with each device event; an event delivered twice changes nothing; a
 * cancelled assignment leaves no custody behind.
 */
describe('inventory projector', () => {
  let store: ReadStore;
  let position = 0;
  const at = '2026-01-15T12:00:00.000Z';
  const apply = async (type: string, data: Record<string, unknown>, streamName = 'device-d1', revision = 0): Promise<ProjectedEvent> => {
    position++;
    const e: ProjectedEvent = { id: `e${position}`, type, streamName, revision, position, data, metadata: { timestamp: at, schemaVersion: 1, prevHash: '', hash: '', actor: { userId: 'u-admin', role: 'super_admin' } } };
    await inventoryProjector.apply(e, { collection: (name) => store.collection(name) });
    return e;
  };
  const redeliver = (e: ProjectedEvent) => inventoryProjector.apply(e, { collection: (name) => store.collection(name) });
  const details = (over: Record<string, unknown> = {}) => ({
    brand: 'Dell',
    model: 'Latitude 5420',
    serialNumber: 'J5KFG73',
    assetCode: 'COMP/LAP/1',
    categoryId: 1,
    condition: 'good',
    spec1: null,
    spec2: null,
    spec3: null,
    spec4: null,
    spec5: null,
    purchaseDate: null,
    branchId: 3,
    ...over,
  });
  const holder = { userId: 'u1', number: 7 };
  const assignment = (assignmentId: string, deviceId = 'd1') => ({
    deviceId,
    assignmentId,
    assignmentNumber: Number(assignmentId.slice(1)),
    holder,
    categoryId: 1,
    branchId: 5,
    assignedDate: '2026-01-15',
    usage: 'in_use',
    notes: null,
    ticketId: null,
    handoverId: null,
    assignedAt: at,
  });

  beforeEach(async () => {
    store = createMemoryReadStore();
    for (const [name, specs] of Object.entries(inventoryProjector.collections)) await store.collection(name).createIndexes(specs);
    await apply('UserRegistered', { userId: 'u1', number: 7, email: 'b@x.id', role: 'customer_service', passwordHash: 'x', profile: { full_name: 'Budi', pn: '123' }, registeredAt: at }, 'user-u1');
  });

  it('keeps the KPI counters (overall and per branch) with every device event, and ignores a redelivery', async () => {
    const registered = await apply('DeviceRegistered', { deviceId: 'd1', number: 1, details: details(), registeredAt: at });
    await redeliver(registered);
    await apply('DeviceRegistered', { deviceId: 'd2', number: 2, details: details({ serialNumber: 'S2', assetCode: 'A2', condition: 'damaged', branchId: null }), registeredAt: at }, 'device-d2');
    expect(await deviceCounters(store)).toMatchObject({ total: 2, in_use: 0, available: 1, damaged: 1, good: 1, condition_damaged: 1 });
    const assigned = await apply('DeviceAssigned', assignment('a1'), 'device-d1', 1);
    await redeliver(assigned);
    expect(await deviceCounters(store)).toMatchObject({ total: 2, in_use: 1, available: 0, damaged: 1 });
    // The device moved to the holder's branch.
    expect(await deviceCounters(store, 3)).toMatchObject({ total: 0, in_use: 0 });
    expect(await deviceCounters(store, 5)).toMatchObject({ total: 1, in_use: 1 });
    expect(await devicesPerBranch(store)).toEqual([
      { branch_id: 5, total: 1 },
      { branch_id: null, total: 1 },
    ]);
    expect((await listPeople(store, { skip: 0, limit: 10 })).items[0]).toMatchObject({ number: 7, active_devices_count: 1 });

    const returned = await apply(
      'DeviceReturned',
      { deviceId: 'd1', assignmentId: 'a1', holder, categoryId: 1, returnedDate: '2026-01-15', notes: null, condition: 'damaged', conditionAfter: 'damaged', returnedAt: at },
      'device-d1',
      2,
    );
    await redeliver(returned);
    expect(await deviceCounters(store)).toMatchObject({ total: 2, in_use: 0, available: 0, damaged: 2 });
    expect((await listPeople(store, { skip: 0, limit: 10 })).items[0]).toMatchObject({ active_devices_count: 0 });
    expect((await listDeviceAssignments(store, { skip: 0, limit: 10 })).items[0]).toMatchObject({ is_active: false, return_condition: 'damaged' });

    const deleted = await apply('DeviceDeleted', { deviceId: 'd1', reason: 'deleted', deletedAt: at }, 'device-d1', 3);
    await redeliver(deleted);
    expect(await deviceCounters(store)).toMatchObject({ total: 1, damaged: 1 });
    expect((await listDevices(store, { skip: 0, limit: 10 })).items.map((d) => d.number)).toEqual([2]);
    // The custody of a deleted device stays, as it was.
    expect((await listDeviceAssignments(store, { skip: 0, limit: 10 })).items.map((a) => a.device.serial_number)).toEqual(['J5KFG73']);
  });

  it('leaves no custody behind for a cancelled assignment, and keeps search keys up to date', async () => {
    await apply('DeviceRegistered', { deviceId: 'd1', number: 1, details: details(), registeredAt: at });
    await apply('DeviceAssigned', assignment('a1'), 'device-d1', 1);
    await apply('DeviceAssignmentCancelled', { deviceId: 'd1', assignmentId: 'a1', holder, categoryId: 1, reason: 'handover failed', cancelledAt: at }, 'device-d1', 2);
    expect((await listDeviceAssignments(store, { skip: 0, limit: 10 })).total).toBe(0);
    expect(await deviceCounters(store)).toMatchObject({ in_use: 0, available: 1 });
    await apply('DeviceAssigned', assignment('a2'), 'device-d1', 3);
    await apply('DeviceUpdated', { deviceId: 'd1', changes: { model: 'Precision 3560' }, updatedAt: at }, 'device-d1', 4);
    await apply('UserProfileUpdated', { userId: 'u1', changes: { full_name: 'Budiman' }, updatedAt: at }, 'user-u1', 1);
    expect((await listDeviceAssignments(store, { search: 'precision budiman', skip: 0, limit: 10 })).items.map((a) => a.number)).toEqual([2]);
    expect((await listDeviceAssignments(store, { search: 'latitude', skip: 0, limit: 10 })).total).toBe(0);
    expect((await listDevices(store, { search: 'prec', skip: 0, limit: 10 })).total).toBe(1);
    expect((await listPeople(store, { search: 'budim', skip: 0, limit: 10 })).items.map((p) => p.name)).toEqual(['Budiman']);
  });
});
