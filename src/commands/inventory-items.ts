import { CustodyRuleError } from '../domain/device/errors';
import { deviceDecider, deviceStream, type ReturnCondition } from '../domain/device';
import { inventoryItemDecider, inventoryItemStream, stockAssignmentOf, type InventoryItemState, type ItemDetails, type StockMovement } from '../domain/inventory-item';
import { NotFoundError, ValidationError, type FieldErrors } from '../domain/shared/errors';
import { ticketDecider, ticketStream } from '../domain/ticket';
import { userDecider, userStream } from '../domain/user';
import type { RequestMeta } from './context';
import { assignDevice, cancelDeviceAssignment, deviceBySerial, returnDevice } from './devices';
import { handleCommand, loadAggregate, type CommandResult, type HandleOptions } from './handle-command';
import type { InventoryCommandDeps } from './inventory-settings';
import { releaseUnique, reserveUnique } from './reservations';
import { nextSequenceNumber } from './sequences';

/**
 * Stock use cases (document 000's inventory items and equipment assignments). The SKU is unique
 * (reserved, owner: the item's UUID). Every movement is decided on the item's stream against the
 * quantity it holds and appended with the expected revision, so simultaneous assignments never
 * take stock below zero (docs/api/000-inventory.md, "Concurrency").
 *
 * An equipment assignment with serial numbers hands the named devices over too: the stock is
 * taken first (the scarce resource), then each device is assigned on its own stream with the
 * assignment as its `handoverId`; if a device cannot be assigned, what was done is compensated
 * (device assignments cancelled, the stock assignment cancelled) and the error answered.
 */

export const SKU = 'inventory_sku';

const nowOf = (deps: InventoryCommandDeps) => deps.clock.now().toISOString();

export interface ItemInput {
  name: string;
  category: string;
  sku: string;
  description: string | null;
  /** Hundredths of the configured currency. */
  unitPriceMinor: number;
  minStockLevel: number;
}

const detailsOf = (deps: InventoryCommandDeps, input: Partial<ItemInput>): Partial<ItemDetails> => {
  const out: Partial<ItemDetails> = {};
  if (input.name !== undefined) out.name = input.name;
  if (input.category !== undefined) out.category = input.category;
  if (input.sku !== undefined) out.sku = input.sku;
  if (input.description !== undefined) out.description = input.description;
  if (input.unitPriceMinor !== undefined) out.unitPrice = { amountMinor: input.unitPriceMinor, currency: deps.inventory.currency };
  if (input.minStockLevel !== undefined) out.minStockLevel = input.minStockLevel;
  return out;
};

export async function loadItem(deps: InventoryCommandDeps, itemId: string): Promise<InventoryItemState> {
  const { state } = await loadAggregate(deps, inventoryItemDecider, inventoryItemStream(itemId));
  if (!state.exists) throw new NotFoundError('Item', itemId);
  return state;
}

export async function createItem(
  deps: InventoryCommandDeps,
  input: ItemInput & { stockQuantity: number },
  meta: RequestMeta,
): Promise<{ itemId: string; number: number; result: CommandResult<InventoryItemState> }> {
  const itemId = deps.ids.uuid();
  await reserveUnique(deps, SKU, input.sku, itemId, meta);
  try {
    const number = await nextSequenceNumber(deps, 'inventory_item', meta);
    const result = await handleCommand(
      deps,
      inventoryItemDecider,
      inventoryItemStream(itemId),
      { type: 'CreateItem', itemId, number, details: detailsOf(deps, input) as ItemDetails, initialQuantity: input.stockQuantity, now: nowOf(deps) },
      meta,
      { newStream: true },
    );
    return { itemId, number, result };
  } catch (err) {
    await releaseUnique(deps, SKU, input.sku, itemId, meta);
    throw err;
  }
}

/** A PUT: changed details; a new `stockQuantity` is recorded as an adjustment with `reason`. */
export async function updateItem(
  deps: InventoryCommandDeps,
  itemId: string,
  input: Partial<ItemInput> & { stockQuantity?: number; reason?: string | null },
  meta: RequestMeta,
  options: HandleOptions = {},
): Promise<CommandResult<InventoryItemState>> {
  const state = await loadItem(deps, itemId);
  const renamed = input.sku !== undefined && input.sku !== state.details.sku ? input.sku : undefined;
  if (renamed) await reserveUnique(deps, SKU, renamed, itemId, meta);
  let result: CommandResult<InventoryItemState>;
  try {
    result = await handleCommand(
      deps,
      inventoryItemDecider,
      inventoryItemStream(itemId),
      { type: 'UpdateItem', changes: detailsOf(deps, input), stockQuantity: input.stockQuantity, reason: input.reason ?? null, now: nowOf(deps) },
      meta,
      options,
    );
  } catch (err) {
    if (renamed) await releaseUnique(deps, SKU, renamed, itemId, meta);
    throw err;
  }
  if (renamed) await releaseUnique(deps, SKU, state.details.sku, itemId, meta);
  return result;
}

/** Stock received, counted (adjusted: a signed change) or written off, with its reason. */
export async function recordStockMovement(
  deps: InventoryCommandDeps,
  itemId: string,
  input: { movement: StockMovement; quantity: number; reason: string },
  meta: RequestMeta,
): Promise<CommandResult<InventoryItemState>> {
  await loadItem(deps, itemId);
  return handleCommand(
    deps,
    inventoryItemDecider,
    inventoryItemStream(itemId),
    { type: 'RecordMovement', movement: input.movement, quantity: input.quantity, reason: input.reason, now: nowOf(deps) },
    meta,
  );
}

export interface AssignEquipmentInput {
  itemId: string;
  technicianId: string;
  ticketId: string;
  quantity: number;
  serialNumbers: string[];
  notes: string | null;
}

/** Document 000's POST /api/inventory/assignments. */
export async function assignEquipment(
  deps: InventoryCommandDeps,
  input: AssignEquipmentInput,
  meta: RequestMeta,
): Promise<{ assignmentId: string; position: number }> {
  const invalid: FieldErrors = {};
  const { state: item } = await loadAggregate(deps, inventoryItemDecider, inventoryItemStream(input.itemId));
  if (!item.exists) invalid.item_id = ['The selected item id is invalid.'];
  const { state: technician } = await loadAggregate(deps, userDecider, userStream(input.technicianId));
  if (!technician.exists || !technician.isActive || technician.role !== 'technician') invalid.technician_id = ['The selected technician id is invalid.'];
  const { state: ticket } = await loadAggregate(deps, ticketDecider, ticketStream(input.ticketId));
  if (!ticket.exists) invalid.ticket_id = ['The selected ticket id is invalid.'];
  const deviceIds: string[] = [];
  if (input.serialNumbers.length > 0) {
    if (input.serialNumbers.length !== input.quantity) invalid.serial_numbers = ['The number of serial numbers must equal the quantity.'];
    else if (new Set(input.serialNumbers.map((s) => s.toLowerCase())).size !== input.serialNumbers.length) invalid.serial_numbers = ['The serial numbers must be distinct.'];
    else {
      const unknown: string[] = [];
      for (const serial of input.serialNumbers) {
        const deviceId = await deviceBySerial(deps, serial);
        if (deviceId === null) unknown.push(serial);
        else deviceIds.push(deviceId);
      }
      if (unknown.length) invalid.serial_numbers = [`No device has the serial number ${unknown.join(', ')}.`];
    }
  }
  if (Object.keys(invalid).length > 0) throw new ValidationError(invalid);

  const assignmentId = deps.ids.uuid();
  const now = nowOf(deps);
  const stock = await handleCommand(
    deps,
    inventoryItemDecider,
    inventoryItemStream(input.itemId),
    {
      type: 'AssignStock',
      assignmentId,
      technicianId: input.technicianId,
      ticketId: input.ticketId,
      quantity: input.quantity,
      serialNumbers: input.serialNumbers,
      notes: input.notes,
      now,
    },
    meta,
  );
  let position = stock.position!;
  const handedOver: Array<{ deviceId: string; assignmentId: string }> = [];
  try {
    for (const deviceId of deviceIds) {
      const a = await assignDevice(
        deps,
        deviceId,
        { holderUserId: input.technicianId, usage: 'in_use', notes: input.notes, ticketId: input.ticketId, handoverId: assignmentId, holderField: 'technician_id' },
        meta,
      );
      handedOver.push({ deviceId, assignmentId: a.assignmentId });
      position = a.result.position ?? position;
    }
  } catch (err) {
    const reason = `Handover ${assignmentId} failed: ${err instanceof Error ? err.message : String(err)}`;
    for (const h of handedOver) await cancelDeviceAssignment(deps, h.deviceId, h.assignmentId, reason, meta);
    await handleCommand(deps, inventoryItemDecider, inventoryItemStream(input.itemId), { type: 'CancelStockAssignment', assignmentId, reason, now: nowOf(deps) }, meta);
    throw err;
  }
  return { assignmentId, position };
}

export interface ReturnEquipmentInput {
  quantityReturned: number;
  condition: ReturnCondition;
  notes: string | null;
}

/**
 * Document 000's return of a stock assignment: the quantity comes back (to available stock only
 * in good condition); the devices handed over with it come back too, in the same condition
 * (all of them: a serialised handover is returned whole; devices returned meanwhile through
 * document 003 are left as they are).
 */
export async function returnEquipment(
  deps: InventoryCommandDeps,
  itemId: string,
  assignmentId: string,
  input: ReturnEquipmentInput,
  meta: RequestMeta,
): Promise<{ position: number | null }> {
  const item = await loadItem(deps, itemId);
  const assignment = stockAssignmentOf(item, assignmentId);
  if (!assignment || assignment.status === 'cancelled') throw new NotFoundError('Assignment', assignmentId);
  const serials = assignment.serialNumbers;
  if (assignment.status === 'active' && serials.length > 0 && input.quantityReturned !== serials.length) {
    throw new ValidationError({
      quantity_returned: [`Serialised equipment is returned whole: the quantity returned must be ${serials.length} (devices can also be returned one by one through document 003).`],
    });
  }
  const result = await handleCommand(
    deps,
    inventoryItemDecider,
    inventoryItemStream(itemId),
    { type: 'ReturnStock', assignmentId, quantityReturned: input.quantityReturned, condition: input.condition, notes: input.notes, now: nowOf(deps) },
    meta,
  );
  let position = result.position;
  for (const serial of serials) {
    const deviceId = await deviceBySerial(deps, serial);
    if (deviceId === null) continue;
    const { state } = await loadAggregate(deps, deviceDecider, deviceStream(deviceId));
    const current = state.current;
    if (!current || current.handoverId !== assignmentId) continue; // returned meanwhile
    try {
      const r = await returnDevice(deps, deviceId, current.assignmentId, { notes: input.notes, condition: input.condition }, meta);
      position = r.position ?? position;
    } catch (err) {
      if (!(err instanceof CustodyRuleError && err.rule === 'already_returned')) throw err;
    }
  }
  return { position };
}

/** Document 000's return of a device assigned on its own (through document 003): one unit. */
export async function returnDeviceEquipment(
  deps: InventoryCommandDeps,
  deviceId: string,
  assignmentId: string,
  input: ReturnEquipmentInput,
  meta: RequestMeta,
): Promise<{ position: number | null }> {
  if (input.quantityReturned !== 1) throw new ValidationError({ quantity_returned: ['A device is one unit: the quantity returned must be 1.'] });
  const { state } = await loadAggregate(deps, deviceDecider, deviceStream(deviceId));
  if (!state.exists || !state.assignments[assignmentId]) throw new NotFoundError('Assignment', assignmentId);
  // A deleted device held by no one: its assignments all ended.
  if (state.deleted) throw new CustodyRuleError('already_returned');
  const r = await returnDevice(deps, deviceId, assignmentId, { notes: input.notes, condition: input.condition }, meta);
  return { position: r.position };
}
