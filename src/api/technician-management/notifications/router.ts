import { Router } from 'express';
import { markAllNotificationsRead, markNotificationRead } from '../../../commands/notifications';
import { NotFoundError } from '../../../domain/shared/errors';
import { countUnread, findNotification, listNotifications } from '../../../projections/notifications/queries';
import { authenticate } from '../../http/authenticate';
import { metaFor, requireAuth } from '../../http/context';
import { settle, type ApiDeps } from '../../deps';
import { ok, pageOf, pagination } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { permit } from '../permissions';
import { notificationIdOf, parseListQuery } from './input';
import { NOTIFICATION_PERMISSIONS as P } from './permissions';
import { presentNotification } from './presenter';

/**
 * Document 000 "Notification Endpoints", mounted at /api/notifications. The notifications come
 * from the notifications read model (derived from events); reading them is a command that
 * appends to the caller's `notifications-<userId>` stream.
 */
export function notificationsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps, 'staff'));

  router.get('/', permit(P, 'list'), async (req, res) => {
    const auth = requireAuth(req);
    const q = parseListQuery(req);
    const page = pageOf(q);
    const { items, total, unread } = await listNotifications(deps.readStore, {
      userId: auth.userId,
      isRead: q.is_read,
      type: q.type,
      skip: page.skip,
      limit: page.limit,
    });
    ok(res, { notifications: items.map(presentNotification), unread_count: unread, pagination: pagination(page, total) });
  });

  // Before /:id/read in spirit; the paths do not overlap (one segment here, two there).
  router.put('/mark-all-read', permit(P, 'markRead'), async (req, res) => {
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
  });

  router.put('/:id/read', permit(P, 'markRead'), async (req, res) => {
    const auth = requireAuth(req);
    const id = notificationIdOf(req);
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
  });

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
