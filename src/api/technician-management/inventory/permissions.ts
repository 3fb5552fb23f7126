import { definePermissions, STAFF_ROLES } from '../permissions';

/**
 * Who may do what in document 000's inventory (docs/api/000-inventory.md). The inventory manager
 * is the `manager` role (with super_admin, who may do everything): they keep the items and their
 * stock. Supervisors dispatch equipment to technicians for tickets. A technician reads the items,
 * lists only their own assignments (technician_id is forced to themself; another's is 403) and
 * returns their own equipment. Customers have no access. Run role by role in permissions.api.test.ts.
 */
export const INVENTORY_PERMISSIONS = definePermissions({
  /** GET /api/inventory/items, GET /api/inventory/items/:id */
  viewItems: STAFF_ROLES,
  /** POST, PUT /api/inventory/items, POST /api/inventory/items/:id/movements */
  manageItems: ['super_admin', 'manager'],
  /** GET /api/inventory/assignments (a technician: their own) */
  viewAssignments: STAFF_ROLES,
  /** GET every technician's assignments */
  viewAllAssignments: ['super_admin', 'manager', 'supervisor', 'customer_service'],
  /** POST /api/inventory/assignments */
  assign: ['super_admin', 'manager', 'supervisor'],
  /** PUT /api/inventory/assignments/:id/return (a technician: their own) */
  returnEquipment: ['super_admin', 'manager', 'supervisor', 'technician'],
  /** Return anyone's equipment */
  returnAnyEquipment: ['super_admin', 'manager', 'supervisor'],
});
export type InventoryPermission = keyof typeof INVENTORY_PERMISSIONS;
