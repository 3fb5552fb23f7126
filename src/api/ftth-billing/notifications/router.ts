import { Router } from 'express';
import { z } from 'zod';
import { markNotificationRead } from '../../../commands/notifications';
import { NotFoundError } from '../../../domain/shared/errors';
import type { NotificationDoc } from '../../../projections/notifications/projector';
import { findNotification } from '../../../projections/notifications/queries';
import { metaFor, requireAuth } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import { boolean, dateTime, nullable, object, string, uuid } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { billingDoc, TAGS } from '../envelope';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { BILLING_PERMISSIONS as P } from '../permissions';
import { billingComponents } from '../schemas';

/** Document 002's notification (the same notification document 000's GET /api/notifications lists). */
export function presentBillingNotification(doc: NotificationDoc) {
  return { id: doc.id, type: doc.type, message: doc.message, data: doc.data, is_read: doc.is_read, read_at: doc.read_at, created_at: doc.created_at };
}

const params = z.object({ notification_id: z.guid().transform((id) => id.toLowerCase()).describe('The notification id (UUID; anything else is 404).') });

/**
 * Document 002 "Mark as Read": PATCH /api/notifications/{id}/read, beside document 000's PUT on
 * the same read model (GET /api/notifications/ is document 000's, which answers both). One's own
 * notifications only: another user's is 404.
 */
export function billingNotificationsRouter(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  declareRoutes(
    router,
    [
      route({
        method: 'patch',
        path: '/:notification_id/read',
        params,
        before: guard(P, 'notifications'),
        doc: {
          ...billingDoc,
          tag: TAGS.notifications,
          operationId: 'billingNotificationRead',
          summary: 'Mark one of one’s notifications read',
          success: [
            {
              status: 200,
              description: 'The notification, read.',
              schema: object({ id: uuid(), type: string(), message: string(), data: { type: 'object' }, is_read: boolean(), read_at: nullable(dateTime()), created_at: dateTime() }),
            },
          ],
          statuses: [403, 404],
          roles: P.notifications,
        },
        handle: async (req, res, { params: { notification_id: id } }) => {
          const auth = requireAuth(req);
          const doc = await findNotification(deps.readStore, id);
          if (!doc || doc.user_id !== auth.userId) throw new NotFoundError('Notification', id);
          const result = await markNotificationRead(
            deps.commands,
            { userId: auth.userId, notificationId: id, notification: { id: doc.id, userId: doc.user_id, sourcePosition: doc.source_position } },
            metaFor(req),
          );
          await settle(deps, req, result.position);
          const now = await findNotification(deps.readStore, id);
          if (!now) throw new NotFoundError('Notification', id);
          res.json(presentBillingNotification(now));
        },
      }),
    ],
    billingComponents,
  );
  router.use(billingErrorHandler(deps.logger));
  return router;
}
