import type { DeviceAssignmentDoc, DeviceDoc } from '../../../projections/inventory/documents';
import { timestamp } from '../envelope';
import { actorName, branchRef, type Lookups } from '../lookups';
import { conditionLabel, statusLabel } from '../vocabulary';

/** Read model → document 003's device shapes (camelCase, integer ids, Indonesian vocabulary). */

// Without object spreads: on Node 20 a literal that spreads an object into its own properties is
// built through V8's slow path, ~10-20 µs a device (a page of 20 cost ~0.4 ms of a ~2 ms list
// request). The shared fields are one literal, and each shape adds its own with Object.assign
// (~0.3 µs a device, measured in-process).

export function presentDeviceSummary(d: DeviceDoc) {
  return { deviceId: d.number, assetCode: d.asset_code, brand: d.brand, brandName: d.model, serialNumber: d.serial_number, condition: conditionLabel(d.condition) };
}

/** The fields the list and the detail share, in their documented order. */
function deviceFields(d: DeviceDoc, l: Lookups) {
  return {
    deviceId: d.number,
    assetCode: d.asset_code,
    brand: d.brand,
    brandName: d.model,
    serialNumber: d.serial_number,
    condition: conditionLabel(d.condition),
    category: l.categories.get(d.category_id)?.name ?? null,
    spec1: d.spec1,
    spec2: d.spec2,
    spec3: d.spec3,
    spec4: d.spec4,
    spec5: d.spec5,
  };
}

/** The looked-up records a list item shows besides the device (PresentedTexts). */
export const shownByDevice = (d: DeviceDoc, l: Lookups): unknown[] => [
  l.categories.get(d.category_id),
  d.current ? l.people.get(d.current.user_id) : null,
  d.created_by ? l.people.get(d.created_by) : null,
  d.updated_by ? l.people.get(d.updated_by) : null,
];

export function presentDevice(d: DeviceDoc, l: Lookups) {
  const holder = d.current ? l.people.get(d.current.user_id) : undefined;
  return Object.assign(deviceFields(d, l), {
    isAssigned: d.current !== null,
    assignedTo: d.current ? (holder?.name ?? null) : null,
    assignedDate: d.current?.assigned_date ?? null,
    createdAt: timestamp(d.created_at),
    createdBy: actorName(l, d.created_by),
    updatedAt: timestamp(d.updated_at),
    updatedBy: actorName(l, d.updated_by),
  });
}

export function presentDeviceDetail(d: DeviceDoc, history: DeviceAssignmentDoc[], l: Lookups) {
  const c = d.current;
  const holder = c ? l.people.get(c.user_id) : undefined;
  return Object.assign(deviceFields(d, l), {
    devDate: d.purchase_date,
    briboxId: l.categories.get(d.category_id)?.bribox_id ?? null,
    branchId: d.branch_id,
    currentAssignment: c
      ? {
          assignmentId: c.number,
          user: { userId: c.user_number, name: holder?.name ?? '', pn: holder?.pn ?? null, position: holder?.position ?? null },
          branch: branchRef(l, c.branch_id),
          assignedDate: c.assigned_date,
          status: statusLabel(c.usage),
          notes: c.notes,
          ticketId: c.ticket_id,
        }
      : null,
    assignmentHistory: history
      .filter((a) => !a.is_active)
      .map((a) => {
        const p = l.people.get(a.user_id);
        const name = p?.name ?? '';
        return {
          assignmentId: a.number,
          // Spelt with a trailing space in the document; `userName` is the same value.
          'userName ': name,
          userName: name,
          userPn: p?.pn ?? null,
          assignedDate: a.assigned_date,
          returnedDate: a.returned_date!,
          status: statusLabel(a.usage),
          notes: a.notes,
          returnNotes: a.return_notes,
          returnCondition: a.return_condition,
          ticketId: a.ticket_id,
        };
      }),
    createdAt: timestamp(d.created_at),
    createdBy: actorName(l, d.created_by),
    updatedAt: timestamp(d.updated_at),
    updatedBy: actorName(l, d.updated_by),
  });
}
