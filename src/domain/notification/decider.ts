import type { Decider } from '../shared/decider';
import { NotFoundError, ValidationError } from '../shared/errors';
import { emptyIdRecord, idRecordGet, idRecordSet, type IdRecord } from '../shared/id-record';
import type { NotificationEvent } from './events';

/**
 * What one user has read. A notification is read when it was read on its own, or when a
 * mark-all ran after the event that caused it (its source position is at or below the
 * mark-all's `upToPosition`).
 */
export interface NotificationInboxState {
  /** Every notification read on its own, for as long as the user has the inbox: an IdRecord,
   * so that a read does not copy all the reads before it (id-record.ts). */
  readIds: IdRecord<true>;
  /** The highest `upToPosition` of a mark-all; null before the first. */
  allReadUpTo: number | null;
}

/**
 * The notification as the read model knows it, looked up by the command's caller (the
 * notifications are derived from events, so the read model is where they are).
 */
export interface NotificationFacts {
  id: string;
  /** Whose notification it is. */
  userId: string;
  /** Log position of the event that caused it. */
  sourcePosition: number;
}

export type NotificationCommand =
  | {
      type: 'MarkNotificationRead';
      userId: string;
      notificationId: string;
      /** null when no notification has this id. */
      notification: NotificationFacts | null;
      now: string;
    }
  | {
      type: 'MarkAllNotificationsRead';
      userId: string;
      /** Log position when the command ran. */
      upToPosition: number;
      /** Unread notifications of the user caused by events up to `upToPosition`. */
      unreadCount: number;
      now: string;
    };

export const initialInboxState = (): NotificationInboxState => ({ readIds: emptyIdRecord(), allReadUpTo: null });

export function evolveInbox(state: NotificationInboxState, event: NotificationEvent): NotificationInboxState {
  switch (event.type) {
    case 'NotificationRead':
      return { ...state, readIds: idRecordSet(state.readIds, event.data.notificationId, true) };
    case 'AllNotificationsRead':
      return { ...state, allReadUpTo: Math.max(state.allReadUpTo ?? 0, event.data.upToPosition) };
  }
}

export function isRead(state: NotificationInboxState, n: Pick<NotificationFacts, 'id' | 'sourcePosition'>): boolean {
  return idRecordGet(state.readIds, n.id) === true || (state.allReadUpTo !== null && n.sourcePosition <= state.allReadUpTo);
}

export function decideInbox(command: NotificationCommand, state: NotificationInboxState): NotificationEvent[] {
  switch (command.type) {
    case 'MarkNotificationRead': {
      const n = command.notification;
      // Another user's notification does not exist for this one.
      if (!n || n.id !== command.notificationId || n.userId !== command.userId) {
        throw new NotFoundError('Notification', command.notificationId);
      }
      if (isRead(state, n)) return [];
      return [{ type: 'NotificationRead', data: { userId: command.userId, notificationId: n.id, readAt: command.now } }];
    }
    case 'MarkAllNotificationsRead': {
      if (!Number.isInteger(command.upToPosition) || command.upToPosition < 0) {
        throw new ValidationError({ upToPosition: ['The position must be a non-negative integer.'] });
      }
      if (command.unreadCount <= 0) return [];
      if (state.allReadUpTo !== null && command.upToPosition <= state.allReadUpTo) return [];
      return [
        { type: 'AllNotificationsRead', data: { userId: command.userId, readAt: command.now, upToPosition: command.upToPosition } },
      ];
    }
  }
}

export const notificationInboxDecider: Decider<NotificationInboxState, NotificationCommand, NotificationEvent> = {
  initialState: initialInboxState,
  evolve: evolveInbox,
  decide: decideInbox,
};
