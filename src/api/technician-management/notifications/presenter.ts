import type { NotificationDoc } from '../../../projections/notifications/projector';

/** Document 000's notification: `{ id, type, title, message, data, is_read, created_at }` (+ `read_at`). */
export function presentNotification(doc: NotificationDoc) {
  return {
    id: doc.id,
    type: doc.type,
    title: doc.title,
    message: doc.message,
    data: doc.data,
    is_read: doc.is_read,
    read_at: doc.read_at,
    created_at: doc.created_at,
  };
}

export type PresentedNotification = ReturnType<typeof presentNotification>;
