import type { DeviceEvent } from '../../domain/device';
import type { InventoryItemEvent } from '../../domain/inventory-item';
import { employeeFieldsOf, type UserEvent } from '../../domain/user';
import type { Collection } from '../../ports/read-store';
import { APPLIED_POSITION, applyOnce, insertOnce, type ProjectedEvent, type Projector } from '../engine/projector';
import { ACTIVITY_KINDS, deviceLabel } from './activity';
import { moveDevice, NO_DEVICE, type DeviceFacts } from './counters';
import {
  DEVICE_ASSIGNMENTS,
  DEVICES,
  EQUIPMENT_ASSIGNMENTS,
  INVENTORY_ACTIVITY,
  INVENTORY_COUNTERS,
  INVENTORY_ITEMS,
  INVENTORY_MOVEMENTS,
  INVENTORY_PEOPLE,
  type ActivityDoc,
  type CountersDoc,
  type DeviceAssignmentDoc,
  type DeviceDoc,
  type DeviceSnapshot,
  type EquipmentAssignmentDoc,
  type Fields,
  type ItemDoc,
  type MovementDoc,
  type MovementType,
  type PersonDoc,
} from './documents';
import { searchKeys, SEARCH_KEYS } from './search-keys';

/**
 * The inventory read models, derived from the item, device and user events in log order (one
 * projector, so a rebuild gives all of them from the same events): items and their movements,
 * document 000's equipment assignments, devices and their assignments (the custody history),
 * the people who hold them (with their active device count), the KPI counters and the activity
 * log. Every update is guarded by the event's position (applyOnce / insertOnce); updates that
 * depend on a device's previous state are written before the device document itself, so an
 * event redelivered after a crash halfway finds the previous state still there.
 *
 * Indexes: one per list filter combination, equality fields first, then the list's sort,
 * ending with a unique tie-breaker (DESIGN.md section 9; docs/api/003-inventory.md).
 */

const ASSIGNMENT_FILTERS = ['usage', 'branch_id', 'is_active'] as const;
/** Every combination of the device-assignment list's filters, each followed by the sort. */
const assignmentIndexes = (): Array<{ keys: Record<string, 1 | -1> }> => {
  const out: Array<{ keys: Record<string, 1 | -1> }> = [];
  for (let mask = 0; mask < 1 << ASSIGNMENT_FILTERS.length; mask++) {
    const keys: Record<string, 1 | -1> = {};
    ASSIGNMENT_FILTERS.forEach((f, i) => {
      if (mask & (1 << i)) keys[f] = 1;
    });
    out.push({ keys: { ...keys, number: -1 } });
  }
  return out;
};

const EQUIPMENT_SORT = { created_at: -1, seq: -1 } as const;
const ITEM_SORT = { created_at: -1, number: -1 } as const;

export const INVENTORY_PROJECTION = 'inventory';

const itemKeys = (name: string, sku: string) => searchKeys([name], [sku]);
const deviceKeys = (d: { brand: string; model: string; serial_number: string; asset_code: string }) =>
  searchKeys([d.brand, d.model], [d.serial_number, d.asset_code]);
const assignmentKeys = (d: DeviceSnapshot, person: { name: string; pn: string | null } | null) =>
  searchKeys([d.brand, d.model, person?.name], [d.serial_number, d.asset_code, person?.pn]);
const personKeys = (name: string, pn: string | null) => searchKeys([name], [pn]);

const snapshotOf = (d: DeviceDoc): DeviceSnapshot => ({
  number: d.number,
  asset_code: d.asset_code,
  brand: d.brand,
  model: d.model,
  serial_number: d.serial_number,
});

const factsOf = (d: DeviceDoc | null): DeviceFacts =>
  d ? { exists: true, assigned: d.current !== null, condition: d.condition, branchId: d.branch_id } : NO_DEVICE;

const DETAIL_FIELDS: Record<string, keyof DeviceDoc> = {
  brand: 'brand',
  model: 'model',
  serialNumber: 'serial_number',
  assetCode: 'asset_code',
  categoryId: 'category_id',
  condition: 'condition',
  spec1: 'spec1',
  spec2: 'spec2',
  spec3: 'spec3',
  spec4: 'spec4',
  spec5: 'spec5',
  purchaseDate: 'purchase_date',
  branchId: 'branch_id',
};

const MOVEMENT_TYPE: Record<string, MovementType> = {
  StockReceived: 'received',
  StockAdjusted: 'adjusted',
  StockWrittenOff: 'written_off',
  StockAssigned: 'assigned',
  StockReturned: 'returned',
  StockAssignmentCancelled: 'assignment_cancelled',
};

export const inventoryProjector: Projector = {
  name: INVENTORY_PROJECTION,
  handles: [
    'InventoryItemCreated',
    'InventoryItemUpdated',
    'StockReceived',
    'StockAdjusted',
    'StockWrittenOff',
    'StockAssigned',
    'StockReturned',
    'StockAssignmentCancelled',
    // Only to keep the item's revision (its ETag) equal to its stream's.
    'InventoryItemLowStock',
    'DeviceRegistered',
    'DeviceUpdated',
    'DeviceDeleted',
    'DeviceAssigned',
    'DeviceAssignmentUpdated',
    'DeviceReturned',
    'DeviceAssignmentCancelled',
    'UserRegistered',
    'UserProfileUpdated',
    'UserRoleChanged',
    'UserDeactivated',
    'UserReactivated',
  ],
  collections: {
    [INVENTORY_ITEMS]: [
      // GET /api/inventory/items: newest first; category, low_stock and search, alone or together.
      { keys: { ...ITEM_SORT } },
      { keys: { category_key: 1, ...ITEM_SORT } },
      { keys: { is_low_stock: 1, ...ITEM_SORT } },
      { keys: { category_key: 1, is_low_stock: 1, ...ITEM_SORT } },
      { keys: { [SEARCH_KEYS]: 1, ...ITEM_SORT } },
      // The report: by category and name.
      { keys: { category_key: 1, name: 1, number: 1 } },
    ],
    [INVENTORY_MOVEMENTS]: [
      { keys: { at: 1, seq: 1 } },
      { keys: { category_key: 1, at: 1, seq: 1 } },
      { keys: { item_id: 1, at: 1, seq: 1 } },
    ],
    [EQUIPMENT_ASSIGNMENTS]: [
      // GET /api/inventory/assignments: newest first, by technician_id, ticket_id and status.
      { keys: { ...EQUIPMENT_SORT } },
      { keys: { technician_id: 1, ...EQUIPMENT_SORT } },
      { keys: { ticket_id: 1, ...EQUIPMENT_SORT } },
      { keys: { status: 1, ...EQUIPMENT_SORT } },
      { keys: { technician_id: 1, status: 1, ...EQUIPMENT_SORT } },
      { keys: { ticket_id: 1, status: 1, ...EQUIPMENT_SORT } },
      { keys: { technician_id: 1, ticket_id: 1, ...EQUIPMENT_SORT } },
      { keys: { technician_id: 1, ticket_id: 1, status: 1, ...EQUIPMENT_SORT } },
      // One device's custody (serial_number filter).
      { keys: { serial_numbers: 1, ...EQUIPMENT_SORT } },
    ],
    [DEVICES]: [
      // GET /api/v1/admin/devices: newest first (device id), by condition and search. A search
      // walks its word's entries in this order, a condition checked on each (one index over
      // every search key is one entry per key and device to keep up to date: a second one
      // with the condition cost the device create about 15%).
      { keys: { number: -1 } },
      { keys: { condition: 1, number: -1 } },
      { keys: { [SEARCH_KEYS]: 1, number: -1 } },
      { keys: { number: 1 }, unique: true },
    ],
    [DEVICE_ASSIGNMENTS]: [
      // GET /api/v1/admin/device-assignments: newest first (assignment id); status (usage),
      // branchId and activeOnly in every combination; search.
      ...assignmentIndexes(),
      { keys: { [SEARCH_KEYS]: 1, number: -1 } },
      // A device's custody history, a person's assignments.
      { keys: { device_id: 1, number: -1 } },
      { keys: { user_id: 1, number: -1 } },
      { keys: { number: 1 }, unique: true },
    ],
    [INVENTORY_PEOPLE]: [
      // GET /api/v1/admin/users: staff by user id; departmentId, branchId; search.
      { keys: { staff: 1, number: 1 } },
      { keys: { staff: 1, department_id: 1, number: 1 } },
      { keys: { staff: 1, branch_id: 1, number: 1 } },
      { keys: { staff: 1, department_id: 1, branch_id: 1, number: 1 } },
      { keys: { [SEARCH_KEYS]: 1, number: 1 } },
      { keys: { number: 1 } },
    ],
    [INVENTORY_COUNTERS]: [],
    [INVENTORY_ACTIVITY]: [{ keys: { seq: -1 } }, { keys: { branch_id: 1, seq: -1 } }],
  },
  // Search indexes with a filter field before the sort: each a second entry per search key.
  retiredIndexes: { [DEVICES]: ['search_keys_1_condition_1_number_-1'], [DEVICE_ASSIGNMENTS]: ['search_keys_1_is_active_1_number_-1'] },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (InventoryItemEvent | DeviceEvent | UserEvent);
    const pos = event.position;
    const at = event.metadata.timestamp;
    const actor = event.metadata.actor?.userId ?? null;
    const items = ctx.collection<ItemDoc>(INVENTORY_ITEMS);
    const movements = ctx.collection<MovementDoc>(INVENTORY_MOVEMENTS);
    const equipment = ctx.collection<EquipmentAssignmentDoc>(EQUIPMENT_ASSIGNMENTS);
    const devices = ctx.collection<DeviceDoc>(DEVICES);
    const assignments = ctx.collection<DeviceAssignmentDoc>(DEVICE_ASSIGNMENTS);
    const people = ctx.collection<PersonDoc>(INVENTORY_PEOPLE);
    const counters = ctx.collection<CountersDoc>(INVENTORY_COUNTERS);
    const activity = ctx.collection<ActivityDoc>(INVENTORY_ACTIVITY);

    /** A stock movement: the item's quantity, and the movement's own document. */
    const movement = async (itemId: string, quantityAfter: number, m: Omit<Fields<MovementDoc>, '_id' | 'seq' | 'item_id' | 'item_name' | 'sku' | 'category_key' | 'quantity_after' | 'at' | 'actor_user_id'>) => {
      const item = await items.findOne({ _id: itemId });
      if (!item) return;
      await insertOnce<MovementDoc>(
        movements,
        { _id: event.id, seq: pos, item_id: itemId, item_name: item.name, sku: item.sku, category_key: item.category_key, quantity_after: quantityAfter, at, actor_user_id: actor, ...m },
        pos,
      );
      await applyOnce(items, itemId, pos, {
        $set: { stock_quantity: quantityAfter, is_low_stock: quantityAfter <= item.min_stock_level, revision: event.revision, updated_at: at },
      });
    };

    /** One activity entry for a device event. */
    const record = async (device: Pick<DeviceDoc, 'brand' | 'model' | 'branch_id'>, extra: Partial<ActivityDoc> = {}) => {
      const kind = ACTIVITY_KINDS[event.type];
      if (!kind) return;
      await insertOnce<ActivityDoc>(
        activity,
        {
          _id: event.id,
          seq: pos,
          type: kind.type,
          category: kind.category,
          title: kind.title,
          device_label: deviceLabel(device),
          holder_user_id: null,
          actor_user_id: actor,
          branch_id: device.branch_id,
          assignment_id: null,
          at,
          ...extra,
        },
        pos,
      );
    };

    const personDelta = (userId: string, delta: number) => applyOnce(people, userId, pos, { $inc: { active_devices_count: delta } });

    switch (event.type) {
      // --- items -----------------------------------------------------------------------------
      case 'InventoryItemCreated': {
        const d = event.data.details;
        await applyOnce(
          items,
          event.data.itemId,
          pos,
          {
            $set: {
              number: event.data.number,
              name: d.name,
              category: d.category,
              category_key: d.category.trim().toLowerCase(),
              sku: d.sku,
              description: d.description,
              unit_price_minor: d.unitPrice.amountMinor,
              currency: d.unitPrice.currency,
              stock_quantity: 0,
              min_stock_level: d.minStockLevel,
              is_low_stock: 0 <= d.minStockLevel,
              search_keys: itemKeys(d.name, d.sku),
              revision: event.revision,
              created_at: event.data.createdAt,
              updated_at: event.data.createdAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'InventoryItemUpdated': {
        const item = await items.findOne({ _id: event.data.itemId });
        if (!item) return;
        const c = event.data.changes;
        const set: Record<string, unknown> = { revision: event.revision, updated_at: event.data.updatedAt };
        if (c.name !== undefined) set.name = c.name;
        if (c.category !== undefined) {
          set.category = c.category;
          set.category_key = c.category.trim().toLowerCase();
        }
        if (c.sku !== undefined) set.sku = c.sku;
        if (c.description !== undefined) set.description = c.description;
        if (c.unitPrice !== undefined) {
          set.unit_price_minor = c.unitPrice.amountMinor;
          set.currency = c.unitPrice.currency;
        }
        if (c.minStockLevel !== undefined) {
          set.min_stock_level = c.minStockLevel;
          set.is_low_stock = item.stock_quantity <= c.minStockLevel;
        }
        if (c.name !== undefined || c.sku !== undefined) set.search_keys = itemKeys(c.name ?? item.name, c.sku ?? item.sku);
        await applyOnce(items, event.data.itemId, pos, { $set: set });
        return;
      }
      case 'InventoryItemLowStock':
        await applyOnce(items, event.data.itemId, pos, { $set: { revision: event.revision } });
        return;
      case 'StockReceived':
      case 'StockWrittenOff': {
        const d = event.data;
        const change = event.type === 'StockReceived' ? d.quantity : -d.quantity;
        await movement(d.itemId, d.quantityAfter, {
          type: MOVEMENT_TYPE[event.type]!,
          change,
          quantity: d.quantity,
          reason: d.reason,
          assignment_id: null,
          technician_id: null,
          condition: null,
        });
        return;
      }
      case 'StockAdjusted': {
        const d = event.data;
        await movement(d.itemId, d.quantityAfter, { type: 'adjusted', change: d.delta, quantity: Math.abs(d.delta), reason: d.reason, assignment_id: null, technician_id: null, condition: null });
        return;
      }
      case 'StockAssigned': {
        const d = event.data;
        await insertOnce<EquipmentAssignmentDoc>(
          equipment,
          {
            _id: d.assignmentId,
            seq: pos,
            kind: 'stock',
            item_id: d.itemId,
            device_id: null,
            technician_id: d.technicianId,
            ticket_id: d.ticketId,
            quantity: d.quantity,
            serial_numbers: d.serialNumbers,
            status: 'assigned',
            notes: d.notes,
            quantity_returned: null,
            condition: null,
            return_notes: null,
            assigned_at: d.at,
            returned_at: null,
            created_by: actor,
            created_at: d.at,
            updated_at: d.at,
          },
          pos,
        );
        await movement(d.itemId, d.quantityAfter, {
          type: 'assigned',
          change: -d.quantity,
          quantity: d.quantity,
          reason: d.reason,
          assignment_id: d.assignmentId,
          technician_id: d.technicianId,
          condition: null,
        });
        return;
      }
      case 'StockReturned': {
        const d = event.data;
        await applyOnce(equipment, d.assignmentId, pos, {
          $set: { status: 'returned', quantity_returned: d.quantityReturned, condition: d.condition, return_notes: d.notes, returned_at: d.at, updated_at: d.at },
        });
        await movement(d.itemId, d.quantityAfter, {
          type: 'returned',
          change: d.restocked,
          quantity: d.quantityReturned,
          reason: d.reason,
          assignment_id: d.assignmentId,
          technician_id: d.technicianId,
          condition: d.condition,
        });
        return;
      }
      case 'StockAssignmentCancelled': {
        const d = event.data;
        await equipment.deleteOne({ _id: d.assignmentId });
        await movement(d.itemId, d.quantityAfter, {
          type: 'assignment_cancelled',
          change: d.quantity,
          quantity: d.quantity,
          reason: d.reason,
          assignment_id: d.assignmentId,
          technician_id: null,
          condition: null,
        });
        return;
      }

      // --- devices ---------------------------------------------------------------------------
      case 'DeviceRegistered': {
        const d = event.data.details;
        const doc: Omit<Fields<DeviceDoc>, '_id'> = {
          number: event.data.number,
          asset_code: d.assetCode,
          brand: d.brand,
          model: d.model,
          serial_number: d.serialNumber,
          condition: d.condition,
          category_id: d.categoryId,
          spec1: d.spec1,
          spec2: d.spec2,
          spec3: d.spec3,
          spec4: d.spec4,
          spec5: d.spec5,
          purchase_date: d.purchaseDate,
          branch_id: d.branchId,
          current: null,
          is_assigned: false,
          search_keys: [],
          revision: event.revision,
          created_at: event.data.registeredAt,
          created_by: actor,
          updated_at: event.data.registeredAt,
          updated_by: actor,
        };
        doc.search_keys = deviceKeys(doc);
        const existing = await devices.findOne({ _id: event.data.deviceId });
        if (!existing) await moveDevice(counters, pos, NO_DEVICE, { exists: true, assigned: false, condition: d.condition, branchId: d.branchId });
        await record({ brand: d.brand, model: d.model, branch_id: d.branchId });
        await applyOnce(devices, event.data.deviceId, pos, { $set: doc }, { upsert: true });
        return;
      }
      case 'DeviceUpdated': {
        const device = await devices.findOne({ _id: event.data.deviceId });
        if (!device || applied(device, pos)) return;
        const set: Record<string, unknown> = { revision: event.revision, updated_at: event.data.updatedAt, updated_by: actor };
        for (const [k, v] of Object.entries(event.data.changes)) if (DETAIL_FIELDS[k]) set[DETAIL_FIELDS[k]] = v;
        const after = { ...device, ...set } as DeviceDoc;
        set.search_keys = deviceKeys(after);
        await moveDevice(counters, pos, factsOf(device), factsOf(after));
        const snapshot = snapshotOf(after);
        if (JSON.stringify(snapshot) !== JSON.stringify(snapshotOf(device))) {
          for (const a of await assignments.find({ device_id: device._id })) {
            const person = await people.findOne({ _id: a.user_id });
            await applyOnce(assignments, a._id, pos, { $set: { device: snapshot, search_keys: assignmentKeys(snapshot, person) } });
          }
        }
        await record(after);
        await applyOnce(devices, device._id, pos, { $set: set });
        return;
      }
      case 'DeviceAssigned': {
        const d = event.data;
        const device = await devices.findOne({ _id: d.deviceId });
        if (!device || applied(device, pos)) return;
        const current = {
          assignment_id: d.assignmentId,
          number: d.assignmentNumber,
          user_id: d.holder.userId,
          user_number: d.holder.number,
          branch_id: d.branchId,
          assigned_date: d.assignedDate,
          usage: d.usage,
          notes: d.notes,
          ticket_id: d.ticketId,
        };
        const after: DeviceDoc = { ...device, current, is_assigned: true, branch_id: d.branchId };
        await moveDevice(counters, pos, factsOf(device), factsOf(after));
        const person = await people.findOne({ _id: d.holder.userId });
        const snapshot = snapshotOf(device);
        await insertOnce<DeviceAssignmentDoc>(
          assignments,
          {
            _id: d.assignmentId,
            number: d.assignmentNumber,
            device_id: d.deviceId,
            device: snapshot,
            category_id: d.categoryId,
            user_id: d.holder.userId,
            user_number: d.holder.number,
            branch_id: d.branchId,
            assigned_date: d.assignedDate,
            returned_date: null,
            usage: d.usage,
            notes: d.notes,
            return_notes: null,
            return_condition: null,
            is_active: true,
            ticket_id: d.ticketId,
            handover_id: d.handoverId,
            search_keys: assignmentKeys(snapshot, person),
            created_at: d.assignedAt,
            created_by: actor,
            updated_at: d.assignedAt,
            returned_at: null,
          },
          pos,
        );
        if (d.handoverId === null) {
          await insertOnce<EquipmentAssignmentDoc>(
            equipment,
            {
              _id: d.assignmentId,
              seq: pos,
              kind: 'device',
              item_id: null,
              device_id: d.deviceId,
              technician_id: d.holder.userId,
              ticket_id: d.ticketId,
              quantity: 1,
              serial_numbers: [device.serial_number],
              status: 'assigned',
              notes: d.notes,
              quantity_returned: null,
              condition: null,
              return_notes: null,
              assigned_at: d.assignedAt,
              returned_at: null,
              created_by: actor,
              created_at: d.assignedAt,
              updated_at: d.assignedAt,
            },
            pos,
          );
        }
        await personDelta(d.holder.userId, 1);
        await record({ ...device, branch_id: d.branchId }, { holder_user_id: d.holder.userId, assignment_id: d.assignmentId });
        await applyOnce(devices, d.deviceId, pos, {
          $set: { current, is_assigned: true, branch_id: d.branchId, revision: event.revision, updated_at: d.assignedAt, updated_by: actor },
        });
        return;
      }
      case 'DeviceAssignmentUpdated': {
        const d = event.data;
        const device = await devices.findOne({ _id: d.deviceId });
        if (!device || applied(device, pos)) return;
        const set: Record<string, unknown> = { updated_at: d.updatedAt };
        const deviceSet: Record<string, unknown> = { revision: event.revision, updated_at: d.updatedAt, updated_by: actor };
        if (d.changes.usage !== undefined) {
          set.usage = d.changes.usage;
          deviceSet['current.usage'] = d.changes.usage;
        }
        if (d.changes.notes !== undefined) {
          set.notes = d.changes.notes;
          deviceSet['current.notes'] = d.changes.notes;
        }
        await applyOnce(assignments, d.assignmentId, pos, { $set: set });
        if (d.changes.notes !== undefined) await applyOnce(equipment, d.assignmentId, pos, { $set: { notes: d.changes.notes, updated_at: d.updatedAt } });
        await record(device, { holder_user_id: device.current?.user_id ?? null, assignment_id: d.assignmentId });
        if (device.current?.assignment_id !== d.assignmentId) {
          delete deviceSet['current.usage'];
          delete deviceSet['current.notes'];
        }
        await applyOnce(devices, d.deviceId, pos, { $set: deviceSet });
        return;
      }
      case 'DeviceReturned':
      case 'DeviceAssignmentCancelled': {
        const d = event.data;
        const device = await devices.findOne({ _id: d.deviceId });
        if (!device || applied(device, pos)) return;
        const returned = event.type === 'DeviceReturned';
        const condition = returned ? event.data.conditionAfter : device.condition;
        const after: DeviceDoc = { ...device, current: null, is_assigned: false, condition };
        await moveDevice(counters, pos, factsOf(device), factsOf(after));
        if (returned) {
          const r = event.data;
          await applyOnce(assignments, d.assignmentId, pos, {
            $set: { is_active: false, returned_date: r.returnedDate, return_notes: r.notes, return_condition: r.condition, returned_at: r.returnedAt, updated_at: r.returnedAt },
          });
          await applyOnce(equipment, d.assignmentId, pos, {
            $set: { status: 'returned', quantity_returned: 1, condition: r.condition, return_notes: r.notes, returned_at: r.returnedAt, updated_at: r.returnedAt },
          });
        } else {
          await assignments.deleteOne({ _id: d.assignmentId });
          await equipment.deleteOne({ _id: d.assignmentId });
        }
        await personDelta(d.holder.userId, -1);
        await record(device, { holder_user_id: d.holder.userId, assignment_id: d.assignmentId });
        const at2 = returned ? event.data.returnedAt : event.data.cancelledAt;
        await applyOnce(devices, d.deviceId, pos, {
          $set: { current: null, is_assigned: false, condition, search_keys: deviceKeys(after), revision: event.revision, updated_at: at2, updated_by: actor },
        });
        return;
      }
      case 'DeviceDeleted': {
        const device = await devices.findOne({ _id: event.data.deviceId });
        if (!device || applied(device, pos)) return;
        await moveDevice(counters, pos, factsOf(device), NO_DEVICE);
        await record(device);
        await devices.deleteOne({ _id: device._id });
        return;
      }

      // --- people ----------------------------------------------------------------------------
      case 'UserRegistered': {
        const d = event.data;
        const e = employeeFieldsOf(d.profile);
        await applyOnce(
          people,
          d.userId,
          pos,
          {
            $set: {
              number: d.number,
              name: d.profile.full_name,
              email: d.email,
              role: d.role,
              staff: d.role !== 'customer',
              is_active: true,
              ...e,
              active_devices_count: 0,
              search_keys: personKeys(d.profile.full_name, e.pn),
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'UserProfileUpdated': {
        const person = await people.findOne({ _id: event.data.userId });
        if (!person || applied(person, pos)) return;
        const c = event.data.changes;
        const set: Record<string, unknown> = {};
        if (c.full_name !== undefined) set.name = c.full_name;
        for (const k of ['pn', 'position', 'department_id', 'branch_id'] as const) if (c[k] !== undefined) set[k] = c[k];
        if (c.full_name !== undefined || c.pn !== undefined) {
          const next = { name: c.full_name ?? person.name, pn: c.pn !== undefined ? c.pn : person.pn };
          set.search_keys = personKeys(next.name, next.pn);
          for (const a of await assignments.find({ user_id: person._id })) {
            await applyOnce(assignments, a._id, pos, { $set: { search_keys: assignmentKeys(a.device, next) } });
          }
        }
        await applyOnce(people, person._id, pos, { $set: set });
        return;
      }
      case 'UserRoleChanged':
        await applyOnce(people, event.data.userId, pos, { $set: { role: event.data.role, staff: event.data.role !== 'customer' } });
        return;
      case 'UserDeactivated':
        await applyOnce(people, event.data.userId, pos, { $set: { is_active: false } });
        return;
      case 'UserReactivated':
        await applyOnce(people, event.data.userId, pos, { $set: { is_active: true } });
        return;
      default:
        return;
    }
  },
};

/** Whether the document has this event (or a later one) applied already (a redelivery). */
function applied(doc: Record<string, unknown>, position: number): boolean {
  const p = doc[APPLIED_POSITION];
  return typeof p === 'number' && p >= position;
}

export type { Collection };
