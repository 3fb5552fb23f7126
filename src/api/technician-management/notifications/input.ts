import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../../../projections/notifications/plan';
import { pageQuery, queryBoolean } from '../envelope';

/** Request shapes of the notifications area (document 000 field names). */

export const listQuery = pageQuery.extend({
  is_read: queryBoolean.optional().describe('true/false (or 1/0).'),
  type: z
    .enum(NOTIFICATION_TYPES, { error: () => `The selected type is invalid (one of: ${NOTIFICATION_TYPES.join(', ')}).` })
    .optional(),
});

/** A notification id from the path: a malformed one names no notification (404). */
export const notificationParams = z.object({
  id: z
    .guid()
    .transform((id) => id.toLowerCase())
    .describe('The notification id (UUID; anything else is 404).'),
});
