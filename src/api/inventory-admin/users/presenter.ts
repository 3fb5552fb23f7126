import type { PersonDoc } from '../../../projections/inventory/documents';
import { branchRef, type Lookups } from '../lookups';

/** Read model → document 003's user (the employee fields of a user, and how many devices they hold). */
/** The looked-up records a list item shows besides the person (PresentedTexts). */
export const shownByUser = (p: PersonDoc, l: Lookups): unknown[] => [p.department_id === null ? null : l.departments.get(p.department_id), p.branch_id === null ? null : l.branches.get(p.branch_id)];

export function presentUser(p: PersonDoc, l: Lookups) {
  const department = p.department_id === null ? undefined : l.departments.get(p.department_id);
  return {
    userId: p.number,
    pn: p.pn,
    name: p.name,
    position: p.position,
    department: department ? { departmentId: department.id, name: department.name } : null,
    branch: branchRef(l, p.branch_id),
    activeDevicesCount: p.active_devices_count,
  };
}
