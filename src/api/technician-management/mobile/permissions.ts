import { definePermissions, STAFF_ROLES } from '../permissions';

/**
 * Who may use the mobile endpoints (document 000 "Mobile-Specific Endpoints"). Sync is the
 * field technician's offline copy of their own work, so only technicians sync. Uploads are for
 * every staff role; attaching the file to a ticket needs a ticket the caller can see (a
 * technician: one assigned to them), else 404. Customers use neither. Written down in
 * docs/api/000-notifications-realtime-mobile.md and run role by role in router.api.test.ts.
 */
export const MOBILE_PERMISSIONS = definePermissions({
  /** POST /api/mobile/sync */
  sync: ['technician'],
  /** POST /api/mobile/upload */
  upload: STAFF_ROLES,
});

export type MobilePermission = keyof typeof MOBILE_PERMISSIONS;
