import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * Notifications (document 000 "Notification Endpoints"). The notifications themselves are not
 * written by anyone: the notifications read model derives them from the events that concern a
 * user (a ticket assigned to them, a status change or a comment on their ticket, an SLA warning
 * or breach). What a user does with them is a write, so it is an event, in the per-user stream
 * `notifications-<userId>`: reading one notification, or all of them at once.
 */

export const NotificationRead = defineEvent(
  'NotificationRead',
  z.object({
    userId: z.string(),
    /** The notification's id (derived from the event that caused it and the recipient). */
    notificationId: z.string(),
    readAt: z.string(),
  }),
);

export const AllNotificationsRead = defineEvent(
  'AllNotificationsRead',
  z.object({
    userId: z.string(),
    readAt: z.string(),
    /**
     * The log position of the last event when the command ran: notifications caused by events
     * up to here are marked read, later ones (created after the command) are not.
     */
    upToPosition: z.number().int().min(0),
  }),
);

export const notificationEvents = [NotificationRead, AllNotificationsRead];

export type NotificationReadEvent = EventOf<typeof NotificationRead>;
export type AllNotificationsReadEvent = EventOf<typeof AllNotificationsRead>;
export type NotificationEvent = NotificationReadEvent | AllNotificationsReadEvent;

export const NOTIFICATION_EVENT_TYPES: readonly NotificationEvent['type'][] = notificationEvents.map((d) => d.type);

export const notificationStream = (userId: string): string => `notifications-${userId}`;
