import { deciderSpec } from '../../../test/support/decider-spec';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { deviceDecider, type DeviceCommand } from './decider';
import { CustodyRuleError } from './errors';
import type { DeviceDetails, DeviceEvent } from './events';

const spec = deciderSpec(deviceDecider);
const now = '2026-01-15T12:00:00.000Z';
const today = '2026-01-15';
const details: DeviceDetails = {
  brand: 'Dell',
  model: 'Latitude 5420',
  serialNumber: 'J5KFG73',
  assetCode: 'COMP/LAP/0725/098',
  categoryId: 1,
  condition: 'good',
  spec1: 'i5',
  spec2: null,
  spec3: null,
  spec4: null,
  spec5: null,
  purchaseDate: '2024-01-15',
  branchId: 3,
};
const registered: DeviceEvent = { type: 'DeviceRegistered', data: { deviceId: 'd1', number: 20, details, registeredAt: now } };
const holder = { userId: 'u1', number: 7 };
const assign = (over: Partial<Extract<DeviceCommand, { type: 'AssignDevice' }>> = {}): DeviceCommand => ({
  type: 'AssignDevice',
  assignmentId: 'a1',
  assignmentNumber: 101,
  holder,
  holderBranchId: 5,
  categoryId: 1,
  assignedDate: '2026-01-10',
  today,
  usage: 'in_use',
  notes: 'Standard assignment',
  ticketId: null,
  handoverId: null,
  now,
  ...over,
});
const assigned: DeviceEvent = {
  type: 'DeviceAssigned',
  data: {
    deviceId: 'd1',
    assignmentId: 'a1',
    assignmentNumber: 101,
    holder,
    categoryId: 1,
    branchId: 5,
    assignedDate: '2026-01-10',
    usage: 'in_use',
    notes: 'Standard assignment',
    ticketId: null,
    handoverId: null,
    assignedAt: now,
  },
};
const returned: DeviceEvent = {
  type: 'DeviceReturned',
  data: { deviceId: 'd1', assignmentId: 'a1', holder, categoryId: 1, returnedDate: '2026-01-12', notes: null, condition: null, conditionAfter: 'good', returnedAt: now },
};
const ret = (over: Partial<Extract<DeviceCommand, { type: 'ReturnDevice' }>> = {}): DeviceCommand => ({
  type: 'ReturnDevice',
  assignmentId: 'a1',
  returnedDate: '2026-01-12',
  today,
  notes: null,
  condition: null,
  now,
  ...over,
});

describe('Device decider', () => {
  it('registers a device once', () => {
    spec.given([]).when({ type: 'RegisterDevice', deviceId: 'd1', number: 20, details, now }).then([registered]);
    spec.given([registered]).when({ type: 'RegisterDevice', deviceId: 'd1', number: 20, details, now }).thenThrows(Error);
  });

  it('updates only the fields that change; nothing when nothing does', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateDevice', changes: { condition: 'needs_check', spec4: 'Windows 11 Pro', brand: 'Dell' }, now })
      .then([{ type: 'DeviceUpdated', data: { deviceId: 'd1', changes: { condition: 'needs_check', spec4: 'Windows 11 Pro' }, updatedAt: now } }]);
    spec.given([registered]).when({ type: 'UpdateDevice', changes: { brand: 'Dell' }, now }).thenNothing();
    spec.given([]).when({ type: 'UpdateDevice', changes: { brand: 'HP' }, now }).thenThrows(NotFoundError);
  });

  it('does not move an assigned device to another category (ERR_DEVICE_ASSIGNED)', () => {
    spec
      .given([registered, assigned])
      .when({ type: 'UpdateDevice', changes: { categoryId: 2 }, now })
      .thenThrows(CustodyRuleError, (e) => expect(e.rule).toBe('device_assigned'));
    spec.given([registered, assigned, returned]).when({ type: 'UpdateDevice', changes: { categoryId: 2 }, now }).then([
      { type: 'DeviceUpdated', data: { deviceId: 'd1', changes: { categoryId: 2 }, updatedAt: now } },
    ]);
  });

  it('deletes a free device; refuses while assigned (ERR_DEVICE_ASSIGNED); a deleted device is gone', () => {
    spec.given([registered]).when({ type: 'DeleteDevice', reason: 'deleted', now }).then([{ type: 'DeviceDeleted', data: { deviceId: 'd1', reason: 'deleted', deletedAt: now } }]);
    spec.given([registered, assigned]).when({ type: 'DeleteDevice', reason: 'deleted', now }).thenThrows(CustodyRuleError, (e) => expect(e.rule).toBe('device_assigned'));
    const deleted: DeviceEvent = { type: 'DeviceDeleted', data: { deviceId: 'd1', reason: 'deleted', deletedAt: now } };
    spec.given([registered, deleted]).when(assign()).thenThrows(NotFoundError);
  });

  it('assigns a free device at the holder\'s branch (else its own)', () => {
    spec.given([registered]).when(assign()).then([assigned]);
    const atOwnBranch = deviceDecider.decide(assign({ holderBranchId: null }), deviceDecider.evolve(deviceDecider.initialState(), registered));
    expect(atOwnBranch[0]!.data).toMatchObject({ branchId: 3 });
  });

  it('refuses a second assignment while the first is active (ERR_DEVICE_ALREADY_ASSIGNED), allows one after the return', () => {
    spec
      .given([registered, assigned])
      .when(assign({ assignmentId: 'a2', assignmentNumber: 102, holder: { userId: 'u2', number: 8 } }))
      .thenThrows(CustodyRuleError, (e) => expect(e.rule).toBe('device_already_assigned'));
    spec.given([registered, assigned, returned]).when(assign({ assignmentId: 'a2', assignmentNumber: 102 })).then([
      { type: 'DeviceAssigned', data: { ...(assigned.data as object), assignmentId: 'a2', assignmentNumber: 102 } } as DeviceEvent,
    ]);
  });

  it('refuses an assigned date in the future, and a category the device no longer has', () => {
    spec
      .given([registered])
      .when(assign({ assignedDate: '2026-01-16' }))
      .thenThrows(ValidationError, (e) => expect(e.fields).toEqual({ assigned_date: ['The assigned date must be a date before or equal to today.'] }));
    spec.given([registered]).when(assign({ assignedDate: today })).then([{ type: 'DeviceAssigned', data: { ...(assigned.data as object), assignedDate: today } } as DeviceEvent]);
    spec.given([registered]).when(assign({ categoryId: 2 })).thenThrows(ConflictError);
  });

  it('updates the usage and notes of the active assignment; a returned one is ERR_DEVICE_ALREADY_RETURNED', () => {
    spec
      .given([registered, assigned])
      .when({ type: 'UpdateAssignment', assignmentId: 'a1', usage: 'not_in_use', notes: 'Standard assignment', now })
      .then([{ type: 'DeviceAssignmentUpdated', data: { deviceId: 'd1', assignmentId: 'a1', changes: { usage: 'not_in_use' }, updatedAt: now } }]);
    spec.given([registered, assigned]).when({ type: 'UpdateAssignment', assignmentId: 'a1', usage: 'in_use', now }).thenNothing();
    spec
      .given([registered, assigned, returned])
      .when({ type: 'UpdateAssignment', assignmentId: 'a1', notes: 'x', now })
      .thenThrows(CustodyRuleError, (e) => expect(e.rule).toBe('already_returned'));
    spec.given([registered, assigned]).when({ type: 'UpdateAssignment', assignmentId: 'nope', notes: 'x', now }).thenThrows(NotFoundError);
  });

  it('returns once (ERR_DEVICE_ALREADY_RETURNED the second time), on or after the assigned date and not in the future', () => {
    spec.given([registered, assigned]).when(ret()).then([returned]);
    spec.given([registered, assigned]).when(ret({ returnedDate: '2026-01-10' })).then([
      { type: 'DeviceReturned', data: { ...(returned.data as object), returnedDate: '2026-01-10' } } as DeviceEvent,
    ]);
    spec.given([registered, assigned, returned]).when(ret()).thenThrows(CustodyRuleError, (e) => expect(e.rule).toBe('already_returned'));
    spec
      .given([registered, assigned])
      .when(ret({ returnedDate: '2026-01-09' }))
      .thenThrows(ValidationError, (e) => expect(e.fields.returned_date).toEqual(['The returned date must be a date after or equal to the assigned date.']));
    spec.given([registered, assigned]).when(ret({ returnedDate: '2026-01-16' })).thenThrows(ValidationError);
    spec.given([registered, assigned]).when(ret({ assignmentId: 'nope' })).thenThrows(NotFoundError);
  });

  it('a device returned damaged is damaged; one returned lost leaves the inventory', () => {
    spec.given([registered, assigned]).when(ret({ condition: 'damaged' })).then([
      { type: 'DeviceReturned', data: { ...(returned.data as object), condition: 'damaged', conditionAfter: 'damaged' } } as DeviceEvent,
    ]);
    spec.given([registered, assigned]).when(ret({ condition: 'lost' })).then([
      { type: 'DeviceReturned', data: { ...(returned.data as object), condition: 'lost', conditionAfter: 'good' } } as DeviceEvent,
      { type: 'DeviceDeleted', data: { deviceId: 'd1', reason: 'lost', deletedAt: now } },
    ]);
  });

  it('cancels (compensation) only the active assignment it names; a cancelled one cannot be returned', () => {
    const cancelled: DeviceEvent = {
      type: 'DeviceAssignmentCancelled',
      data: { deviceId: 'd1', assignmentId: 'a1', holder, categoryId: 1, reason: 'handover failed', cancelledAt: now },
    };
    spec.given([registered, assigned]).when({ type: 'CancelAssignment', assignmentId: 'a1', reason: 'handover failed', now }).then([cancelled]);
    spec.given([registered, assigned]).when({ type: 'CancelAssignment', assignmentId: 'other', reason: 'x', now }).thenNothing();
    spec.given([registered, assigned, cancelled]).when(ret()).thenThrows(NotFoundError);
    spec.given([registered, assigned, cancelled]).when(assign({ assignmentId: 'a2' })).then([
      { type: 'DeviceAssigned', data: { ...(assigned.data as object), assignmentId: 'a2' } } as DeviceEvent,
    ]);
  });
});
