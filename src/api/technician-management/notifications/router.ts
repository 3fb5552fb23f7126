import { Router } from 'express';
import { markAllNotificationsRead, markNotificationRead } from '../../../commands/notifications';
import { NotFoundError } from '../../../domain/shared/errors';
import { NOTIFICATION_TYPES } from '../../../projections/notifications/plan';
import { countUnread, findNotification, listNotifications } from '../../../projections/notifications/queries';
import { authenticate } from '../../http/authenticate';
import { metaFor, requireAuth } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import { pagination as paginationSchema } from '../../openapi/components';
import { array, boolean, dateTime, integer, nullable, object, oneOfValues, ref, string, uuid } from '../../openapi/schema';
import { TAGS, tms } from '../openapi';
import { settle, type ApiDeps } from '../../deps';
import { ok, okWithTexts, pageOf, pagination } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { tmsErrorHandler } from '../errors';
import { permit } from '../permissions';
import { listQuery, notificationParams } from './input';
import { NOTIFICATION_PERMISSIONS as P } from './permissions';
import { presentNotification } from './presenter';

const base = { ...tms, tag: TAGS.notifications };

const components = {
  tags: [
    {
      name: TAGS.notifications,
      description: 'Document 000, the caller’s own notifications (docs/api/000-notifications-realtime-mobile.md). Another user’s notification is 404.',
    },
  ],
  schemas: {
    // What presenter.ts writes.
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
  },
};

/**
 * Document 000 "Notification Endpoints", mounted at /api/notifications. The notifications come
 * from the notifications read model (derived from events); reading them is a command that
 * appends to the caller's `notifications-<userId>` stream.
 */
export function notificationsRouter(deps: ApiDeps): Router {
  const notificationTexts = new PresentedTexts(presentNotification);
  const router = Router();
  router.use(authenticate(deps, 'staff'));

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listQuery,
        before: [permit(P, 'list')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'notificationList',
          summary: 'The caller’s notifications',
          description: 'Newest first.',
          success: [
            {
              status: 200,
              description: 'A page of notifications and the unread count.',
              schema: object({ notifications: array(ref('TmsNotification')), unread_count: integer(), pagination: paginationSchema }),
            },
          ],
          statuses: [403],
          roles: P.list,
        },
        handle: async (req, res, { query }) => {
          const auth = requireAuth(req);
          const page = pageOf(query);
          const { items, total, unread } = await listNotifications(deps.readStore, {
            userId: auth.userId,
            isRead: query.is_read,
            type: query.type,
            skip: page.skip,
            limit: page.limit,
          });
          okWithTexts(res, { notifications: notificationTexts.page(items), unread_count: unread, pagination: pagination(page, total) });
        },
      }),
      // Before /:id/read in spirit; the paths do not overlap (one segment here, two there).
      route({
        method: 'put',
        path: '/mark-all-read',
        before: [permit(P, 'markRead')],
        doc: {
          ...base,
          operationId: 'notificationMarkAllRead',
          summary: 'Mark every notification that exists now read',
          success: [{ status: 200, description: 'How many were marked, and what is left unread.', schema: object({ marked_count: integer(), unread_count: integer() }) }],
          statuses: [403, 409],
          roles: P.markRead,
        },
        handle: async (req, res) => {
          const auth = requireAuth(req);
          // Everything that exists now: the log head. Wait until the read model has it, so the
          // count (and the mark) covers notifications of events the caller could already have seen.
          const upToPosition = await deps.commands.eventStore.headPosition();
          await settle(deps, req, upToPosition);
          const unreadCount = await countUnread(deps.readStore, auth.userId, upToPosition);
          const result = await markAllNotificationsRead(deps.commands, { userId: auth.userId, upToPosition, unreadCount }, metaFor(req));
          await settle(deps, req, result.position);
          ok(res, {
            marked_count: result.position === null ? 0 : unreadCount,
            unread_count: await countUnread(deps.readStore, auth.userId),
          });
        },
      }),
      route({
        method: 'put',
        path: '/:id/read',
        params: notificationParams,
        before: [permit(P, 'markRead')],
        doc: {
          ...base,
          operationId: 'notificationMarkRead',
          summary: 'Mark one notification read',
          success: [{ status: 200, description: 'The notification, read.', schema: object({ notification: ref('TmsNotification'), unread_count: integer() }) }],
          statuses: [403, 404, 409],
          roles: P.markRead,
        },
        handle: async (req, res, { params: { id } }) => {
          const auth = requireAuth(req);
          const doc = await findNotification(deps.readStore, id);
          // Another user's notification does not exist for the caller.
          if (!doc || doc.user_id !== auth.userId) throw new NotFoundError('Notification', id);
          const result = await markNotificationRead(
            deps.commands,
            { userId: auth.userId, notificationId: id, notification: { id: doc.id, userId: doc.user_id, sourcePosition: doc.source_position } },
            metaFor(req),
          );
          await settle(deps, req, result.position);
          const now = await findNotification(deps.readStore, id);
          if (!now) throw new NotFoundError('Notification', id);
          ok(res, { notification: presentNotification(now), unread_count: await countUnread(deps.readStore, auth.userId) });
        },
      }),
    ],
    components,
  );

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
