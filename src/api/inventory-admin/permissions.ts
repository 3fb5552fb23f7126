import type { Role } from '../../domain/user';
import { definePermissions } from '../technician-management/permissions';

/**
 * Who may use document 003 ("Access: Admin" on every endpoint). Admin is `super_admin` and
 * `manager` (the inventory manager: docs/api/003-inventory.md, "Roles"); every other role is 403
 * ERR_FORBIDDEN. Run role by role against every endpoint in permissions.api.test.ts.
 */
export const ADMIN_ROLES: readonly Role[] = ['super_admin', 'manager'];

export const INVENTORY_ADMIN_PERMISSIONS = definePermissions({
  /** GET /admin/dashboard/kpis, /admin/dashboard/charts */
  dashboard: ADMIN_ROLES,
  /** GET /admin/devices, /admin/devices/{id} */
  viewDevices: ADMIN_ROLES,
  /** POST, PUT, DELETE /admin/devices */
  manageDevices: ADMIN_ROLES,
  /** GET /admin/device-assignments */
  viewAssignments: ADMIN_ROLES,
  /** POST, PUT /admin/device-assignments, POST .../{id}/return */
  manageAssignments: ADMIN_ROLES,
  /** GET /admin/users */
  viewUsers: ADMIN_ROLES,
  /** GET branches, categories, main branches, departments, parent categories */
  viewReference: ADMIN_ROLES,
  /** POST, PUT of the same */
  manageReference: ADMIN_ROLES,
});
export type InventoryAdminPermission = keyof typeof INVENTORY_ADMIN_PERMISSIONS;
