import {
  notificationInboxDecider,
  notificationStream,
  type NotificationFacts,
  type NotificationInboxState,
} from '../domain/notification';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, type CommandResult } from './handle-command';

/**
 * Notification use cases: a user reads one notification, or all of them. Notifications are
 * derived from events by the notifications read model, so the caller (the API) looks the
 * notification up there and hands what it found to the decider, which refuses an unknown
 * notification or another user's (NotFound). The events go to the user's stream
 * `notifications-<userId>` with the expected revision (retried on conflict).
 */

export function markNotificationRead(
  deps: CommandDeps,
  input: { userId: string; notificationId: string; notification: NotificationFacts | null },
  meta: RequestMeta,
): Promise<CommandResult<NotificationInboxState>> {
  return handleCommand(
    deps,
    notificationInboxDecider,
    notificationStream(input.userId),
    {
      type: 'MarkNotificationRead',
      userId: input.userId,
      notificationId: input.notificationId,
      notification: input.notification,
      now: deps.clock.now().toISOString(),
    },
    meta,
  );
}

/**
 * Marks read every notification caused by an event up to `upToPosition` (the log head when
 * the request came in); notifications caused by later events stay unread. `unreadCount` is
 * how many of those the read model shows unread: none, and nothing is appended.
 */
export function markAllNotificationsRead(
  deps: CommandDeps,
  input: { userId: string; upToPosition: number; unreadCount: number },
  meta: RequestMeta,
): Promise<CommandResult<NotificationInboxState>> {
  return handleCommand(
    deps,
    notificationInboxDecider,
    notificationStream(input.userId),
    {
      type: 'MarkAllNotificationsRead',
      userId: input.userId,
      upToPosition: input.upToPosition,
      unreadCount: input.unreadCount,
      now: deps.clock.now().toISOString(),
    },
    meta,
  );
}
