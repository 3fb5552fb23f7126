import type { DeviceAssignmentDoc } from '../../../projections/inventory/documents';
import { timestamp } from '../envelope';
import { actorName, branchRef, type Lookups } from '../lookups';
import { statusLabel } from '../vocabulary';

/** Read model → document 003's device assignment shapes. */
/** The looked-up records a list item shows besides the assignment (PresentedTexts). */
export function shownByAssignment(a: DeviceAssignmentDoc, l: Lookups): unknown[] {
  const p = l.people.get(a.user_id);
  return [p, p?.department_id ? l.departments.get(p.department_id) : null, a.branch_id === null ? null : l.branches.get(a.branch_id), a.created_by ? l.people.get(a.created_by) : null];
}

export function presentAssignment(a: DeviceAssignmentDoc, l: Lookups) {
  const p = l.people.get(a.user_id);
  return {
    assignmentId: a.number,
    device: { deviceId: a.device.number, assetCode: a.device.asset_code, brand: a.device.brand, brandName: a.device.model, serialNumber: a.device.serial_number },
    user: {
      userId: a.user_number,
      name: p?.name ?? '',
      pn: p?.pn ?? null,
      position: p?.position ?? null,
      department: p?.department_id ? (l.departments.get(p.department_id)?.name ?? null) : null,
    },
    branch: branchRef(l, a.branch_id),
    assignedDate: a.assigned_date,
    returnedDate: a.returned_date,
    status: statusLabel(a.usage),
    notes: a.notes,
    isActive: a.is_active,
    createdAt: timestamp(a.created_at),
    createdBy: actorName(l, a.created_by),
  };
}

export const presentCreated = (a: DeviceAssignmentDoc) => ({
  assignmentId: a.number,
  deviceId: a.device.number,
  userId: a.user_number,
  assignedDate: a.assigned_date,
  status: statusLabel(a.usage),
});

export const presentUpdated = (a: DeviceAssignmentDoc) => ({ assignmentId: a.number, status: statusLabel(a.usage), returnedDate: a.returned_date, notes: a.notes });
