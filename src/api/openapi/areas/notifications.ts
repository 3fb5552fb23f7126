import { NOTIFICATION_TYPES } from '../../../projections/notifications/plan';
import { listQuery } from '../../technician-management/notifications/input';
import { NOTIFICATION_PERMISSIONS as P } from '../../technician-management/notifications/permissions';
import { operation, type Area } from '../builder';
import { pagination } from '../components';
import { array, boolean, dateTime, integer, nullable, object, oneOfValues, queryParameters, ref, string, uuid } from '../schema';
import { TAGS, tms, uuidPathParam } from './tms';

/** Document 000 notifications (src/api/technician-management/notifications/); shape from presenter.ts. */

const schemas = {
  TmsNotification: object({
    id: uuid(),
    type: oneOfValues(NOTIFICATION_TYPES),
    title: string(),
    message: string(),
    data: { type: 'object', description: 'Ids and numbers the notification is about (ticket_id, ticket_number, ...).' },
    is_read: boolean(),
    read_at: nullable(dateTime()),
    created_at: dateTime(),
  }),
};

export function notificationsArea(): Area {
  const base = { ...tms, tag: TAGS.notifications };
  return {
    tag: {
      name: TAGS.notifications,
      description: 'Document 000, the caller’s own notifications (docs/api/000-notifications-realtime-mobile.md). Another user’s notification is 404.',
    },
    schemas,
    operations: [
      operation({
        ...base,
        method: 'get',
        path: '/api/notifications',
        operationId: 'notificationList',
        summary: 'The caller’s notifications',
        description: 'Newest first.',
        query: queryParameters(listQuery, { is_read: 'true/false (or 1/0).' }),
        success: [
          {
            status: 200,
            description: 'A page of notifications and the unread count.',
            schema: object({ notifications: array(ref('TmsNotification')), unread_count: integer(), pagination }),
          },
        ],
        statuses: [403],
        roles: P.list,
      }),
      operation({
        ...base,
        method: 'put',
        path: '/api/notifications/mark-all-read',
        operationId: 'notificationMarkAllRead',
        summary: 'Mark every notification that exists now read',
        success: [{ status: 200, description: 'How many were marked, and what is left unread.', schema: object({ marked_count: integer(), unread_count: integer() }) }],
        statuses: [403, 409],
        roles: P.markRead,
      }),
      operation({
        ...base,
        method: 'put',
        path: '/api/notifications/{id}/read',
        operationId: 'notificationMarkRead',
        summary: 'Mark one notification read',
        pathParams: uuidPathParam('notification'),
        success: [{ status: 200, description: 'The notification, read.', schema: object({ notification: ref('TmsNotification'), unread_count: integer() }) }],
        statuses: [403, 404, 409],
        roles: P.markRead,
      }),
    ],
  };
}
