import { OPERATIONAL_ROLES, definePermissions } from '../permissions';

/**
 * Who may do what with notifications (document 000 "Notification Endpoints"). Everyone signed
 * in has an inbox; each user only ever sees and marks their own notifications (another user's
 * notification answers 404, as if it did not exist). Written down in
 * docs/api/000-notifications-realtime-mobile.md and run role by role in router.api.test.ts.
 */
export const NOTIFICATION_PERMISSIONS = definePermissions({
  /** GET /api/notifications (one's own). */
  list: OPERATIONAL_ROLES,
  /** PUT /api/notifications/:id/read and PUT /api/notifications/mark-all-read (one's own). */
  markRead: OPERATIONAL_ROLES,
});

export type NotificationPermission = keyof typeof NOTIFICATION_PERMISSIONS;
