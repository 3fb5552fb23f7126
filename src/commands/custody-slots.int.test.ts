import { randomUUID } from 'node:crypto';
import { createScryptPasswordHasher } from '../adapters/crypto/scrypt-password-hasher';
import { createMemoryEventStore } from '../adapters/event-store/memory';
import { createEventRegistry } from '../domain';
import { deviceStream } from '../domain/device';
import { CustodyRuleError } from '../domain/device/errors';
import type { EventStore } from '../ports/event-store';
import { ManualClock } from '../../test/support/clock';
import { systemMeta } from './context';
import { claimCustodySlot } from './custody-slots';
import { assignDevice, registerDevice, returnDevice } from './devices';
import { DEFAULT_INVENTORY_SETTINGS, type InventoryCommandDeps } from './inventory-settings';
import { seedInventoryDemo } from './inventory-seed';
import { categoryByBriboxId, createCategory } from './reference-data';
import { reservationStream } from './reservations';
import { systemEvents } from './system-events';
import { registerUser, type UserCommandDeps } from './users';

/**
 * The custody slot behind "one active device per category and holder" (custody-slots.ts), on
 * the in-memory event store: a claim left behind by an assignment that never reached its device
 * (a crash between the two appends) blocks the holder's category only until it is stale, then is
 * taken over; a live one never is. And the demo seed, written once.
 */
describe('custody slots and the demo seed', () => {
  let store: EventStore;
  let clock: ManualClock;
  let deps: InventoryCommandDeps & UserCommandDeps;
  const meta = () => systemMeta(deps.ids, 'test');

  beforeEach(async () => {
    store = createMemoryEventStore();
    clock = new ManualClock();
    deps = {
      eventStore: store,
      registry: createEventRegistry(systemEvents),
      clock,
      ids: { uuid: randomUUID },
      passwords: createScryptPasswordHasher({ cost: 2 ** 10 }),
      inventory: DEFAULT_INVENTORY_SETTINGS,
    };
    await createCategory(deps, { briboxId: '01', name: 'Laptop', description: null, parentCategoryId: null }, meta());
  });

  const newDevice = async (serial: string) =>
    (
      await registerDevice(
        deps,
        {
          brand: 'Dell',
          model: 'Latitude',
          serialNumber: serial,
          assetCode: serial,
          briboxId: '01',
          condition: 'good',
          spec1: null,
          spec2: null,
          spec3: null,
          spec4: null,
          spec5: null,
          purchaseDate: null,
          branchId: null,
        },
        meta(),
      )
    ).deviceId;
  const holder = async () => (await registerUser(deps, { email: `${randomUUID()}@example.com`, password: 'password-1', role: 'customer_service', profile: { full_name: 'Budi' } }, meta())).userId;
  const give = (deviceId: string, userId: string) =>
    assignDevice(deps, deviceId, { holderUserId: userId, usage: 'in_use', notes: null, ticketId: null, handoverId: null, holderField: 'user_id' }, meta());

  it('takes over a claim whose assignment never reached its device, once it is stale', async () => {
    const userId = await holder();
    const categoryId = (await categoryByBriboxId(deps, '01'))!;
    const lost = await newDevice('LOST-1');
    // A claim for an assignment the device never recorded (the process died after the claim).
    await claimCustodySlot(deps, { holderUserId: userId, categoryId, deviceId: lost, assignmentId: 'never-recorded' }, meta());
    const other = await newDevice('OTHER-1');
    await expect(give(other, userId)).rejects.toMatchObject({ rule: 'category_already_held' });
    clock.advance(DEFAULT_INVENTORY_SETTINGS.custodySlotStaleMs + 1);
    const a = await give(other, userId);
    const slot = await store.readStream(reservationStream('custody_slot', `${userId}:${categoryId}`));
    expect(slot.map((e) => [e.type, e.data.ownerId])).toEqual([
      ['UniqueValueReserved', `${lost}/never-recorded`],
      ['UniqueValueReserved', `${other}/${a.assignmentId}`],
    ]);
  });

  it('never takes over a live claim, however old; the return frees it', async () => {
    const userId = await holder();
    const first = await newDevice('LIVE-1');
    const second = await newDevice('LIVE-2');
    const a = await give(first, userId);
    clock.advance(10 * DEFAULT_INVENTORY_SETTINGS.custodySlotStaleMs);
    await expect(give(second, userId)).rejects.toBeInstanceOf(CustodyRuleError);
    await returnDevice(deps, first, a.assignmentId, { notes: null, condition: null }, meta());
    expect((await give(second, userId)).assignmentNumber).toBeGreaterThan(a.assignmentNumber);
    const events = await store.readStream(deviceStream(second));
    expect(events.map((e) => e.type)).toEqual(['DeviceRegistered', 'DeviceAssigned']);
  });

  it('seeds the fictional reference data once', async () => {
    expect(await seedInventoryDemo(deps)).toBe(true);
    expect(await seedInventoryDemo(deps)).toBe(false);
    expect(await categoryByBriboxId(deps, 'D01')).not.toBeNull();
    expect((await store.readStream('branch-1')).map((e) => (e.data.details as { branchCode: string }).branchCode)).toEqual(['DEMO01']);
  });
});
