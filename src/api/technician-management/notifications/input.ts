import type { Request } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../../domain/shared/errors';
import { NOTIFICATION_TYPES } from '../../../projections/notifications/plan';
import { validate } from '../../http/validation';
import { pageQuery, queryBoolean } from '../envelope';

/** Request shapes of the notifications area (document 000 field names). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const listQuery = pageQuery.extend({
  is_read: queryBoolean.optional(),
  type: z
    .enum(NOTIFICATION_TYPES, { error: () => `The selected type is invalid (one of: ${NOTIFICATION_TYPES.join(', ')}).` })
    .optional(),
});

export const parseListQuery = (req: Request) => validate(listQuery, req.query);

/** A notification id from the path: a malformed one names no notification (404). */
export function notificationIdOf(req: Request): string {
  const id = String(req.params.id);
  if (!UUID.test(id)) throw new NotFoundError('Notification', id);
  return id.toLowerCase();
}
