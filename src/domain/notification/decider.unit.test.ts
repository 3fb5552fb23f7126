import { deciderSpec } from '../../../test/support/decider-spec';
import { NotFoundError, ValidationError } from '../shared/errors';
import { fold } from '../shared/decider';
import { isRead, notificationInboxDecider, type NotificationCommand, type NotificationFacts } from './decider';
import type { NotificationEvent } from './events';

const spec = deciderSpec(notificationInboxDecider);
const userId = 'u-1';
const now = '2026-01-15T12:00:00.000Z';
const later = '2026-01-15T13:00:00.000Z';
const n1: NotificationFacts = { id: 'n-1', userId, sourcePosition: 10 };
const n2: NotificationFacts = { id: 'n-2', userId, sourcePosition: 20 };

const markOne = (notification: NotificationFacts | null, notificationId = notification?.id ?? 'n-x'): NotificationCommand => ({
  type: 'MarkNotificationRead',
  userId,
  notificationId,
  notification,
  now,
});
const markAll = (upToPosition: number, unreadCount = 1): NotificationCommand => ({
  type: 'MarkAllNotificationsRead',
  userId,
  upToPosition,
  unreadCount,
  now: later,
});
const read = (id: string): NotificationEvent => ({ type: 'NotificationRead', data: { userId, notificationId: id, readAt: now } });
const allRead = (upToPosition: number): NotificationEvent => ({
  type: 'AllNotificationsRead',
  data: { userId, readAt: later, upToPosition },
});

describe('Notification inbox decider', () => {
  describe('MarkNotificationRead', () => {
    it('marks an unread notification read', () => {
      spec.given([]).when(markOne(n1)).then([read('n-1')]);
    });
    it('does nothing for a notification already read on its own', () => {
      spec.given([read('n-1')]).when(markOne(n1)).thenNothing();
    });
    it('does nothing for a notification a mark-all covered', () => {
      spec.given([allRead(15)]).when(markOne(n1)).thenNothing();
    });
    it('marks a notification caused after the mark-all', () => {
      spec.given([allRead(15)]).when(markOne(n2)).then([read('n-2')]);
    });
    it('answers NotFound for an unknown notification', () => {
      spec
        .given([])
        .when(markOne(null, 'n-404'))
        .thenThrows(NotFoundError, (e) => expect(e.id).toBe('n-404'));
    });
    it("answers NotFound for another user's notification", () => {
      spec
        .given([])
        .when(markOne({ ...n1, userId: 'u-2' }))
        .thenThrows(NotFoundError, (e) => expect(e.entity).toBe('Notification'));
    });
    it('answers NotFound when the facts name another notification', () => {
      spec.given([]).when(markOne(n1, 'n-2')).thenThrows(NotFoundError);
    });
  });

  describe('MarkAllNotificationsRead', () => {
    it('marks everything up to the position the command ran at', () => {
      spec.given([read('n-1')]).when(markAll(25, 3)).then([allRead(25)]);
    });
    it('does nothing when nothing is unread', () => {
      spec.given([]).when(markAll(25, 0)).thenNothing();
    });
    it('does nothing when an earlier mark-all already reached the position', () => {
      spec.given([allRead(30)]).when(markAll(25, 2)).thenNothing();
    });
    it('refuses a negative or fractional position', () => {
      spec.given([]).when(markAll(-1)).thenThrows(ValidationError);
      spec.given([]).when(markAll(1.5)).thenThrows(ValidationError);
    });
  });

  describe('isRead', () => {
    it('keeps the highest mark-all position', () => {
      const state = fold(notificationInboxDecider, [allRead(30), allRead(20)]);
      expect(state.allReadUpTo).toBe(30);
      expect(isRead(state, { id: 'x', sourcePosition: 30 })).toBe(true);
      expect(isRead(state, { id: 'x', sourcePosition: 31 })).toBe(false);
    });
    it('counts single reads', () => {
      const state = fold(notificationInboxDecider, [read('n-2')]);
      expect(isRead(state, n2)).toBe(true);
      expect(isRead(state, n1)).toBe(false);
    });
  });
});
