import { branch } from '../domain/branch';
import {
  deviceDecider,
  deviceStream,
  type AssignmentUsage,
  type DeviceDetails,
  type DeviceState,
  type ReturnCondition,
} from '../domain/device';
import { CustodyRuleError } from '../domain/device/errors';
import { localDate } from '../domain/shared/local-time';
import { NotFoundError, ValidationError, type FieldErrors } from '../domain/shared/errors';
import { employeeFieldsOf, userDecider, userStream } from '../domain/user';
import type { RequestMeta } from './context';
import { claimCustodySlot, releaseCustodySlot } from './custody-slots';
import { handleCommand, loadAggregate, type CommandResult, type HandleOptions } from './handle-command';
import type { InventoryCommandDeps } from './inventory-settings';
import { categoryByBriboxId, referenceExists } from './reference-data';
import { lookupUnique, releaseUnique, reserveAll, reserveUnique } from './reservations';
import { nextSequenceNumber } from './sequences';

/**
 * Device use cases (document 003's devices and device assignments; document 000's serialised
 * equipment). The serial number and the asset code are unique (reservations, owner: the device's
 * UUID); the category is named by its bribox id and must exist. Custody (assign, update, return)
 * is decided on the device's stream, so of many simultaneous assignments of one device exactly
 * one is appended; the holder's category slot (custody-slots.ts) keeps a holder from two active
 * devices of one category. See docs/api/003-inventory.md, "Concurrency".
 */

export const SERIAL = 'device_serial';
export const ASSET_CODE = 'device_asset_code';

export type DeviceInput = Omit<DeviceDetails, 'categoryId'> & { briboxId: string };

const today = (deps: InventoryCommandDeps) => localDate(deps.clock.now(), deps.inventory.timeZone);
const nowOf = (deps: InventoryCommandDeps) => deps.clock.now().toISOString();

async function resolveReferences(deps: InventoryCommandDeps, input: { briboxId?: string; branchId?: number | null }): Promise<{ categoryId?: number }> {
  const invalid: FieldErrors = {};
  let categoryId: number | undefined;
  if (input.briboxId !== undefined) {
    const found = await categoryByBriboxId(deps, input.briboxId);
    if (found === null) invalid.bribox_id = ['The selected bribox id is invalid.'];
    else categoryId = found;
  }
  if (input.branchId !== undefined && input.branchId !== null && !(await referenceExists(deps, branch, input.branchId))) {
    invalid.branch_id = ['The selected branch id is invalid.'];
  }
  if (Object.keys(invalid).length > 0) throw new ValidationError(invalid);
  return { categoryId };
}

export async function loadDevice(deps: InventoryCommandDeps, deviceId: string): Promise<DeviceState> {
  const { state } = await loadAggregate(deps, deviceDecider, deviceStream(deviceId));
  if (!state.exists || state.deleted) throw new NotFoundError('Device', deviceId);
  return state;
}

/** The device (UUID) a serial number names, or null. */
export function deviceBySerial(deps: InventoryCommandDeps, serialNumber: string): Promise<string | null> {
  return lookupUnique(deps, SERIAL, serialNumber);
}

export async function registerDevice(
  deps: InventoryCommandDeps,
  input: DeviceInput,
  meta: RequestMeta,
): Promise<{ deviceId: string; number: number; result: CommandResult<DeviceState> }> {
  const { briboxId, ...rest } = input;
  const { categoryId } = await resolveReferences(deps, { briboxId, branchId: input.branchId });
  const deviceId = deps.ids.uuid();
  const release = await reserveAll(
    deps,
    [
      [SERIAL, input.serialNumber],
      [ASSET_CODE, input.assetCode],
    ],
    deviceId,
    meta,
  );
  try {
    const number = await nextSequenceNumber(deps, 'device', meta);
    const result = await handleCommand(
      deps,
      deviceDecider,
      deviceStream(deviceId),
      { type: 'RegisterDevice', deviceId, number, details: { ...rest, categoryId: categoryId! }, now: nowOf(deps) },
      meta,
      { newStream: true },
    );
    return { deviceId, number, result };
  } catch (err) {
    await release();
    throw err;
  }
}

export async function updateDevice(
  deps: InventoryCommandDeps,
  deviceId: string,
  changes: Partial<DeviceInput>,
  meta: RequestMeta,
  options: HandleOptions = {},
): Promise<CommandResult<DeviceState>> {
  const state = await loadDevice(deps, deviceId);
  const { briboxId, ...rest } = changes;
  const { categoryId } = await resolveReferences(deps, { briboxId, branchId: changes.branchId });
  const renamed: Array<[kind: string, next: string, current: string]> = [];
  if (changes.serialNumber !== undefined && changes.serialNumber !== state.details.serialNumber) renamed.push([SERIAL, changes.serialNumber, state.details.serialNumber]);
  if (changes.assetCode !== undefined && changes.assetCode !== state.details.assetCode) renamed.push([ASSET_CODE, changes.assetCode, state.details.assetCode]);
  const reserved: typeof renamed = [];
  let result: CommandResult<DeviceState>;
  try {
    for (const r of renamed) {
      await reserveUnique(deps, r[0], r[1], deviceId, meta);
      reserved.push(r);
    }
    result = await handleCommand(
      deps,
      deviceDecider,
      deviceStream(deviceId),
      { type: 'UpdateDevice', changes: { ...rest, ...(categoryId !== undefined ? { categoryId } : {}) }, now: nowOf(deps) },
      meta,
      options,
    );
  } catch (err) {
    for (const [kind, next] of reserved) await releaseUnique(deps, kind, next, deviceId, meta);
    throw err;
  }
  for (const [kind, , current] of renamed) await releaseUnique(deps, kind, current, deviceId, meta);
  return result;
}

/** Frees a gone device's serial number and asset code for other devices. */
async function releaseIdentity(deps: InventoryCommandDeps, state: DeviceState, meta: RequestMeta): Promise<void> {
  await releaseUnique(deps, SERIAL, state.details.serialNumber, state.deviceId, meta);
  await releaseUnique(deps, ASSET_CODE, state.details.assetCode, state.deviceId, meta);
}

/** Deletes a device; refused (ERR_DEVICE_ASSIGNED) while someone holds it. */
export async function deleteDevice(deps: InventoryCommandDeps, deviceId: string, meta: RequestMeta, options: HandleOptions = {}): Promise<CommandResult<DeviceState>> {
  const result = await handleCommand(deps, deviceDecider, deviceStream(deviceId), { type: 'DeleteDevice', reason: 'deleted', now: nowOf(deps) }, meta, options);
  await releaseIdentity(deps, result.state, meta);
  return result;
}

export interface AssignDeviceInput {
  holderUserId: string;
  /** YYYY-MM-DD; default today. */
  assignedDate?: string;
  usage: AssignmentUsage;
  notes: string | null;
  ticketId: string | null;
  handoverId: string | null;
  /** The request field that named the holder (for the 422 when it names no one who may hold devices). */
  holderField: string;
}

export interface AssignedDevice {
  assignmentId: string;
  assignmentNumber: number;
  result: CommandResult<DeviceState>;
}

/**
 * Assigns a device: the holder must be an active staff user; their category slot is claimed,
 * then the device's stream decides (ERR_DEVICE_ALREADY_ASSIGNED if someone holds it, a future
 * date refused) and records the assignment with the holder's branch. A failure after the claim
 * releases the slot again.
 */
export async function assignDevice(deps: InventoryCommandDeps, deviceId: string, input: AssignDeviceInput, meta: RequestMeta): Promise<AssignedDevice> {
  const device = await loadDevice(deps, deviceId);
  if (device.current) throw new CustodyRuleError('device_already_assigned');
  const day = today(deps);
  const assignedDate = input.assignedDate ?? day;
  if (assignedDate > day) throw new ValidationError({ assigned_date: ['The assigned date must be a date before or equal to today.'] });
  const { state: user } = await loadAggregate(deps, userDecider, userStream(input.holderUserId));
  if (!user.exists || !user.isActive || user.role === 'customer') {
    throw new ValidationError({ [input.holderField]: [`The selected ${input.holderField.replace(/_/g, ' ')} is invalid.`] });
  }
  const holder = { userId: user.userId, number: user.number };
  const assignmentId = deps.ids.uuid();
  const assignmentNumber = await nextSequenceNumber(deps, 'device_assignment', meta);
  const slot = { holderUserId: holder.userId, categoryId: device.details.categoryId, deviceId, assignmentId };
  await claimCustodySlot(deps, slot, meta);
  try {
    const result = await handleCommand(
      deps,
      deviceDecider,
      deviceStream(deviceId),
      {
        type: 'AssignDevice',
        assignmentId,
        assignmentNumber,
        holder,
        holderBranchId: employeeFieldsOf(user.profile).branch_id,
        categoryId: device.details.categoryId,
        assignedDate,
        today: day,
        usage: input.usage,
        notes: input.notes,
        ticketId: input.ticketId,
        handoverId: input.handoverId,
        now: nowOf(deps),
      },
      meta,
    );
    return { assignmentId, assignmentNumber, result };
  } catch (err) {
    await releaseCustodySlot(deps, slot, meta);
    throw err;
  }
}

export interface ReturnDeviceInput {
  /** YYYY-MM-DD; default today. */
  returnedDate?: string;
  notes: string | null;
  condition: ReturnCondition | null;
}

/** Ends an assignment (ERR_DEVICE_ALREADY_RETURNED the second time) and frees the holder's category slot. */
export async function returnDevice(
  deps: InventoryCommandDeps,
  deviceId: string,
  assignmentId: string,
  input: ReturnDeviceInput,
  meta: RequestMeta,
): Promise<CommandResult<DeviceState>> {
  const day = today(deps);
  const result = await handleCommand(
    deps,
    deviceDecider,
    deviceStream(deviceId),
    { type: 'ReturnDevice', assignmentId, returnedDate: input.returnedDate ?? day, today: day, notes: input.notes, condition: input.condition, now: nowOf(deps) },
    meta,
  );
  for (const e of result.newEvents) {
    if (e.type === 'DeviceReturned') {
      const d = e.data as { holder: { userId: string }; categoryId: number };
      await releaseCustodySlot(deps, { holderUserId: d.holder.userId, categoryId: d.categoryId, deviceId, assignmentId }, meta);
    }
    if (e.type === 'DeviceDeleted') await releaseIdentity(deps, result.state, meta);
  }
  return result;
}

export interface UpdateAssignmentInput {
  usage?: AssignmentUsage;
  notes?: string | null;
  /** Set: the assignment is returned on that date (after the other changes). */
  returnedDate?: string;
}

/** Document 003's PUT of an assignment: usage and notes, and a return when returned_date is given. */
export async function updateDeviceAssignment(
  deps: InventoryCommandDeps,
  deviceId: string,
  assignmentId: string,
  input: UpdateAssignmentInput,
  meta: RequestMeta,
): Promise<CommandResult<DeviceState>> {
  let result: CommandResult<DeviceState> | null = null;
  if (input.usage !== undefined || input.notes !== undefined || input.returnedDate === undefined) {
    result = await handleCommand(
      deps,
      deviceDecider,
      deviceStream(deviceId),
      { type: 'UpdateAssignment', assignmentId, usage: input.usage, notes: input.notes, now: nowOf(deps) },
      meta,
    );
  }
  if (input.returnedDate !== undefined) {
    const returned = await returnDevice(deps, deviceId, assignmentId, { returnedDate: input.returnedDate, notes: null, condition: null }, meta);
    return { ...returned, position: returned.position ?? result?.position ?? null };
  }
  return result!;
}

/** Compensation: undoes an assignment whose command failed further on, and frees its slot. */
export async function cancelDeviceAssignment(deps: InventoryCommandDeps, deviceId: string, assignmentId: string, reason: string, meta: RequestMeta): Promise<void> {
  const result = await handleCommand(deps, deviceDecider, deviceStream(deviceId), { type: 'CancelAssignment', assignmentId, reason, now: nowOf(deps) }, meta);
  for (const e of result.newEvents) {
    const d = e.data as { holder: { userId: string }; categoryId: number };
    await releaseCustodySlot(deps, { holderUserId: d.holder.userId, categoryId: d.categoryId, deviceId, assignmentId }, meta);
  }
}
