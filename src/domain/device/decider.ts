import type { Decider } from '../shared/decider';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { CustodyRuleError } from './errors';
import type { AssignmentUsage, DeviceCondition, DeviceDetails, DeviceEvent, Holder, ReturnCondition } from './events';

/** The assignment someone holds now. */
export interface ActiveAssignment {
  assignmentId: string;
  number: number;
  holder: Holder;
  categoryId: number;
  branchId: number | null;
  assignedDate: string;
  usage: AssignmentUsage;
  notes: string | null;
  ticketId: string | null;
  handoverId: string | null;
}

export interface PastAssignment {
  number: number;
  assignedDate: string;
  status: 'active' | 'returned' | 'cancelled';
}

export interface DeviceState {
  exists: boolean;
  deleted: boolean;
  deviceId: string;
  number: number;
  details: DeviceDetails;
  current: ActiveAssignment | null;
  /** Every assignment the device had, by id (to refuse a second return). */
  assignments: Record<string, PastAssignment>;
}

export type DeviceCommand =
  | { type: 'RegisterDevice'; deviceId: string; number: number; details: DeviceDetails; now: string }
  | { type: 'UpdateDevice'; changes: Partial<DeviceDetails>; now: string }
  | { type: 'DeleteDevice'; reason: 'deleted' | 'lost'; now: string }
  | {
      type: 'AssignDevice';
      assignmentId: string;
      assignmentNumber: number;
      holder: Holder;
      /** The holder's branch; null keeps the device's own branch. */
      holderBranchId: number | null;
      /** The category the custody slot was claimed for: the device must still be in it. */
      categoryId: number;
      assignedDate: string;
      /** Today in the inventory's time zone (YYYY-MM-DD): an assignment may not start later. */
      today: string;
      usage: AssignmentUsage;
      notes: string | null;
      ticketId: string | null;
      handoverId: string | null;
      now: string;
    }
  | { type: 'UpdateAssignment'; assignmentId: string; usage?: AssignmentUsage; notes?: string | null; now: string }
  | {
      type: 'ReturnDevice';
      assignmentId: string;
      returnedDate: string;
      today: string;
      notes: string | null;
      condition: ReturnCondition | null;
      now: string;
    }
  | { type: 'CancelAssignment'; assignmentId: string; reason: string; now: string };

const emptyDetails: DeviceDetails = {
  brand: '',
  model: '',
  serialNumber: '',
  assetCode: '',
  categoryId: 0,
  condition: 'good',
  spec1: null,
  spec2: null,
  spec3: null,
  spec4: null,
  spec5: null,
  purchaseDate: null,
  branchId: null,
};

export const initialDeviceState = (): DeviceState => ({
  exists: false,
  deleted: false,
  deviceId: '',
  number: 0,
  details: emptyDetails,
  current: null,
  assignments: {},
});

export function evolveDevice(state: DeviceState, event: DeviceEvent): DeviceState {
  switch (event.type) {
    case 'DeviceRegistered':
      return { ...state, exists: true, deviceId: event.data.deviceId, number: event.data.number, details: event.data.details };
    case 'DeviceUpdated':
      return { ...state, details: { ...state.details, ...event.data.changes } };
    case 'DeviceDeleted':
      return { ...state, deleted: true };
    case 'DeviceAssigned': {
      const d = event.data;
      return {
        ...state,
        details: { ...state.details, branchId: d.branchId },
        current: {
          assignmentId: d.assignmentId,
          number: d.assignmentNumber,
          holder: d.holder,
          categoryId: d.categoryId,
          branchId: d.branchId,
          assignedDate: d.assignedDate,
          usage: d.usage,
          notes: d.notes,
          ticketId: d.ticketId,
          handoverId: d.handoverId,
        },
        assignments: { ...state.assignments, [d.assignmentId]: { number: d.assignmentNumber, assignedDate: d.assignedDate, status: 'active' } },
      };
    }
    case 'DeviceAssignmentUpdated': {
      const c = state.current;
      if (!c || c.assignmentId !== event.data.assignmentId) return state;
      return { ...state, current: { ...c, ...event.data.changes } };
    }
    case 'DeviceReturned':
    case 'DeviceAssignmentCancelled': {
      const id = event.data.assignmentId;
      const past = state.assignments[id];
      const status = event.type === 'DeviceReturned' ? 'returned' : 'cancelled';
      return {
        ...state,
        details: event.type === 'DeviceReturned' ? { ...state.details, condition: event.data.conditionAfter } : state.details,
        current: state.current?.assignmentId === id ? null : state.current,
        assignments: past ? { ...state.assignments, [id]: { ...past, status } } : state.assignments,
      };
    }
  }
}

function requireDevice(state: DeviceState): void {
  if (!state.exists || state.deleted) throw new NotFoundError('Device', state.deviceId);
}

/** The fields of `changes` that differ from the current details. */
function changedFields(details: DeviceDetails, changes: Partial<DeviceDetails>): Partial<DeviceDetails> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes)) {
    if (v !== undefined && details[k as keyof DeviceDetails] !== v) out[k] = v;
  }
  return out as Partial<DeviceDetails>;
}

/** What a device is after coming back in `condition`. */
export function conditionAfterReturn(current: DeviceCondition, condition: ReturnCondition | null): DeviceCondition {
  return condition === 'damaged' ? 'damaged' : current;
}

export function decideDevice(command: DeviceCommand, state: DeviceState): DeviceEvent[] {
  if (command.type === 'RegisterDevice') {
    if (state.exists) throw new IllegalStateError('Device already exists');
    return [{ type: 'DeviceRegistered', data: { deviceId: command.deviceId, number: command.number, details: command.details, registeredAt: command.now } }];
  }
  requireDevice(state);
  const deviceId = state.deviceId;
  switch (command.type) {
    case 'UpdateDevice': {
      const changes = changedFields(state.details, command.changes);
      if (Object.keys(changes).length === 0) return [];
      if (changes.categoryId !== undefined && state.current) {
        throw new CustodyRuleError('device_assigned', 'Cannot change the category of a device that is currently assigned.');
      }
      return [{ type: 'DeviceUpdated', data: { deviceId, changes, updatedAt: command.now } }];
    }
    case 'DeleteDevice':
      if (state.current) throw new CustodyRuleError('device_assigned');
      return [{ type: 'DeviceDeleted', data: { deviceId, reason: command.reason, deletedAt: command.now } }];
    case 'AssignDevice': {
      if (state.current) throw new CustodyRuleError('device_already_assigned');
      if (command.assignedDate > command.today) {
        throw new ValidationError({ assigned_date: ['The assigned date must be a date before or equal to today.'] });
      }
      // The custody slot was claimed for the category the device had when the command started.
      if (command.categoryId !== state.details.categoryId) throw new ConflictError('The device changed category meanwhile; try again');
      return [
        {
          type: 'DeviceAssigned',
          data: {
            deviceId,
            assignmentId: command.assignmentId,
            assignmentNumber: command.assignmentNumber,
            holder: command.holder,
            categoryId: state.details.categoryId,
            branchId: command.holderBranchId ?? state.details.branchId,
            assignedDate: command.assignedDate,
            usage: command.usage,
            notes: command.notes,
            ticketId: command.ticketId,
            handoverId: command.handoverId,
            assignedAt: command.now,
          },
        },
      ];
    }
    case 'UpdateAssignment': {
      const past = state.assignments[command.assignmentId];
      if (!past || past.status === 'cancelled') throw new NotFoundError('Assignment', command.assignmentId);
      const current = state.current?.assignmentId === command.assignmentId ? state.current : null;
      // A returned assignment keeps its last usage and notes: the history shows them as they were.
      if (!current) throw new CustodyRuleError('already_returned');
      const changes: { usage?: AssignmentUsage; notes?: string | null } = {};
      if (command.usage !== undefined && command.usage !== current.usage) changes.usage = command.usage;
      if (command.notes !== undefined && command.notes !== current.notes) changes.notes = command.notes;
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'DeviceAssignmentUpdated', data: { deviceId, assignmentId: command.assignmentId, changes, updatedAt: command.now } }];
    }
    case 'ReturnDevice': {
      const past = state.assignments[command.assignmentId];
      if (!past || past.status === 'cancelled') throw new NotFoundError('Assignment', command.assignmentId);
      const current = state.current;
      if (past.status === 'returned' || !current || current.assignmentId !== command.assignmentId) throw new CustodyRuleError('already_returned');
      if (command.returnedDate < current.assignedDate) {
        throw new ValidationError({ returned_date: ['The returned date must be a date after or equal to the assigned date.'] });
      }
      if (command.returnedDate > command.today) {
        throw new ValidationError({ returned_date: ['The returned date must be a date before or equal to today.'] });
      }
      const events: DeviceEvent[] = [
        {
          type: 'DeviceReturned',
          data: {
            deviceId,
            assignmentId: command.assignmentId,
            holder: current.holder,
            categoryId: current.categoryId,
            returnedDate: command.returnedDate,
            notes: command.notes,
            condition: command.condition,
            conditionAfter: conditionAfterReturn(state.details.condition, command.condition),
            returnedAt: command.now,
          },
        },
      ];
      // A device that did not come back leaves the inventory (its history stays in its stream).
      if (command.condition === 'lost') events.push({ type: 'DeviceDeleted', data: { deviceId, reason: 'lost', deletedAt: command.now } });
      return events;
    }
    case 'CancelAssignment': {
      const current = state.current;
      if (!current || current.assignmentId !== command.assignmentId) return [];
      return [
        {
          type: 'DeviceAssignmentCancelled',
          data: {
            deviceId,
            assignmentId: command.assignmentId,
            holder: current.holder,
            categoryId: current.categoryId,
            reason: command.reason,
            cancelledAt: command.now,
          },
        },
      ];
    }
  }
}

export const deviceDecider: Decider<DeviceState, DeviceCommand, DeviceEvent> = {
  initialState: initialDeviceState,
  evolve: evolveDevice,
  decide: decideDevice,
};
