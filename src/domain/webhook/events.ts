import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A webhook subscription (document 004 `POST /api/v1/webhooks`): where to send which events of
 * the catalogue, signed with which secret, and whether it is active. Stream `webhook-<uuid>`.
 * The secret is stored sealed with the SecretBox (src/ports/secret-box.ts), never in clear.
 * Deliveries are their own aggregate (src/domain/webhook-delivery); the run of failed attempts
 * that disables an endpoint is counted from their events.
 */

/** The event catalogue of document 004, in the order the document lists it. */
export const WEBHOOK_EVENTS = [
  'customer.created',
  'customer.updated',
  'service.activated',
  'service.suspended',
  'invoice.created',
  'invoice.paid',
  'ticket.created',
  'ticket.resolved',
  'payment.failed',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export const webhookSettingsSchema = z.object({
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  /** The signing secret, sealed with the SecretBox. */
  secretSealed: z.string(),
  active: z.boolean(),
  description: z.string().nullable(),
});
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

export const WebhookCreated = defineEvent(
  'WebhookCreated',
  webhookSettingsSchema.extend({ webhookId: z.string(), createdAt: z.string() }),
);

/** Only the settings that changed; `previous` holds their values before (the secret excepted: only that it changed). */
export const WebhookUpdated = defineEvent(
  'WebhookUpdated',
  z.object({
    webhookId: z.string(),
    changes: webhookSettingsSchema.partial(),
    previous: webhookSettingsSchema.omit({ secretSealed: true }).partial(),
    updatedAt: z.string(),
  }),
);

/** Switched off by the delivery machinery after `failures` failed attempts in a row (no success between). */
export const WebhookDisabled = defineEvent(
  'WebhookDisabled',
  z.object({ webhookId: z.string(), reason: z.enum(['consecutive_failures', 'gone']), failures: z.number().int().nonnegative(), disabledAt: z.string() }),
);

export const WebhookDeleted = defineEvent('WebhookDeleted', z.object({ webhookId: z.string(), deletedAt: z.string() }));

export const webhookEvents = [WebhookCreated, WebhookUpdated, WebhookDisabled, WebhookDeleted];
export type WebhookEvent =
  | EventOf<typeof WebhookCreated>
  | EventOf<typeof WebhookUpdated>
  | EventOf<typeof WebhookDisabled>
  | EventOf<typeof WebhookDeleted>;

export const webhookStream = (webhookId: string): string => `webhook-${webhookId}`;
