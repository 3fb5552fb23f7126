import { definePermissions, MANAGEMENT_ROLES, OFFICE_ROLES, STAFF_ROLES } from '../permissions';

/**
 * Who may do what with technicians (document 000 "Technician Management"). Written down in
 * docs/api/000-technicians.md and run role by role against every endpoint in router.api.test.ts.
 *
 * A technician reads and updates only their own record: `viewAll` and `manageOthers` are what
 * lift that restriction. Customers have no access.
 */
export const TECHNICIAN_PERMISSIONS = definePermissions({
  /** GET /api/technicians (a technician sees only themself in it). */
  list: STAFF_ROLES,
  /** GET /api/technicians/:id */
  view: STAFF_ROLES,
  /** GET /api/technicians/:id/performance */
  performance: STAFF_ROLES,
  /** Read any technician, not only oneself (list, detail, performance). */
  viewAll: OFFICE_ROLES,
  /** PUT /api/technicians/:id/location */
  updateLocation: [...MANAGEMENT_ROLES, 'technician'],
  /** PUT /api/technicians/:id/availability */
  updateAvailability: [...MANAGEMENT_ROLES, 'technician'],
  /** Update another technician's location or availability, not only one's own. */
  manageOthers: MANAGEMENT_ROLES,
  /** PUT /api/technicians/:id (skills and service areas). */
  updateSkills: MANAGEMENT_ROLES,
});

export type TechnicianPermission = keyof typeof TECHNICIAN_PERMISSIONS;
