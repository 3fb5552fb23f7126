import type { Filter, ReadStore } from '../../ports/read-store';
import { APPLIED_POSITION } from '../engine/projector';
import { rangeFilter, type SyncRange } from './sync-range';
import { NOTIFICATION_SORT, NOTIFICATIONS, type NotificationDoc } from './projector';
import { pageWithTotal } from '../engine/page';

/** Queries on the notifications read model (the notifications API, the live feed, mobile sync). */

export interface NotificationListQuery {
  userId: string;
  isRead?: boolean;
  type?: string;
  skip: number;
  limit: number;
}

export function notificationFilter(q: Omit<NotificationListQuery, 'skip' | 'limit'>): Filter {
  const filter: Filter = { user_id: q.userId };
  if (q.isRead !== undefined) filter.is_read = q.isRead;
  if (q.type !== undefined) filter.type = q.type;
  return filter;
}

/** One page of a user's notifications, newest first, the total and the user's unread count. */
export async function listNotifications(
  readStore: ReadStore,
  q: NotificationListQuery,
): Promise<{ items: NotificationDoc[]; total: number; unread: number }> {
  const col = readStore.collection<NotificationDoc>(NOTIFICATIONS);
  const filter = notificationFilter(q);
  const [{ items, total }, unread] = await Promise.all([
    pageWithTotal(col, filter, { sort: NOTIFICATION_SORT, skip: q.skip, limit: q.limit }),
    countUnread(readStore, q.userId),
  ]);
  return { items, total, unread };
}

/** Unread notifications of a user; with `upToPosition`, only those caused by events up to there. */
export function countUnread(readStore: ReadStore, userId: string, upToPosition?: number): Promise<number> {
  const filter: Filter = { user_id: userId, is_read: false };
  if (upToPosition !== undefined) filter.source_position = { $lte: upToPosition };
  return readStore.collection<NotificationDoc>(NOTIFICATIONS).countDocuments(filter);
}

export function findNotification(readStore: ReadStore, id: string): Promise<NotificationDoc | null> {
  return readStore.collection<NotificationDoc>(NOTIFICATIONS).findOne({ _id: id });
}

/** The notifications one event caused (the live feed sends each to its recipient). */
export function notificationsCausedBy(readStore: ReadStore, eventId: string): Promise<NotificationDoc[]> {
  return readStore.collection<NotificationDoc>(NOTIFICATIONS).find({ source_event_id: eventId }, { sort: { _id: 1 } });
}

/** What changed for a user in a sync range (mobile sync), oldest change first. */
export function notificationsChanged(readStore: ReadStore, userId: string, range: SyncRange): Promise<NotificationDoc[]> {
  return readStore
    .collection<NotificationDoc>(NOTIFICATIONS)
    .find({ user_id: userId, ...rangeFilter(range) }, { sort: { [APPLIED_POSITION]: 1, _id: 1 } });
}
