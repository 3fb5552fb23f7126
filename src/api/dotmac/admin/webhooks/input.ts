import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../../../domain/webhook';
import { uuidPathParam } from '../../../http/conditional';
import { pageQuery, queryBoolean } from '../../envelope';

const url = z.string().trim().min(1, 'The url is required.').max(2048, 'The url may not be longer than 2048 characters.');
const events = z
  .array(z.enum(WEBHOOK_EVENTS, { error: () => `Each event must be one of: ${WEBHOOK_EVENTS.join(', ')}.` }), { error: 'The events must be a list of event names.' })
  .min(1, 'Subscribe to at least one event.')
  .max(WEBHOOK_EVENTS.length);
const secret = z.string().min(16, 'The secret must be 16 to 256 characters.').max(256, 'The secret must be 16 to 256 characters.');
const description = z.string().trim().max(500).nullable();

/** POST /api/v1/webhooks (document 004 "Webhook Configuration"). */
export const createBody = z.object({
  url,
  events,
  secret: secret.optional().describe('The signing secret (16 to 256 characters; `whsec_<base64>` is decoded as the Standard Webhooks libraries do). Left out: one is generated and answered once.'),
  active: z.boolean().default(true),
  description: description.optional(),
});

/** PUT /api/v1/webhooks/{id}: only the fields given change. */
export const updateBody = z
  .object({ url: url.optional(), events: events.optional(), secret: secret.optional(), active: z.boolean().optional(), description: description.optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Give at least one of url, events, secret, active, description.', path: ['body'] });

export const webhookParams = z.object({ webhook_id: uuidPathParam() });
export const deliveryParams = z.object({ webhook_id: uuidPathParam(), delivery_id: uuidPathParam() });

export const listQuery = pageQuery.extend({ active: queryBoolean.optional() });
export const deliveriesQuery = pageQuery.extend({
  status: z.enum(['pending', 'delivered', 'failed'], { error: 'must be pending, delivered or failed' }).optional(),
  event: z.enum(WEBHOOK_EVENTS, { error: () => `must be one of: ${WEBHOOK_EVENTS.join(', ')}` }).optional(),
});
