import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';
import { WEBHOOK_EVENTS } from '../webhook/events';

/**
 * One message for one webhook: an event of the log, in the catalogue's words, to be sent to
 * one subscription until it is delivered or given up. Stream `webhook_delivery-<deliveryId>`;
 * the id is derived from the webhook and the source event, so scheduling the same event for
 * the same webhook twice (a reactor replaying after a crash) finds the stream taken and adds
 * nothing. The id is also the Standard Webhooks `webhook-id` header: the same on every attempt
 * and on a redelivery, so receivers deduplicate by it.
 */

export const DELIVERY_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export const WebhookDeliveryScheduled = defineEvent(
  'WebhookDeliveryScheduled',
  z.object({
    deliveryId: z.string(),
    webhookId: z.string(),
    event: z.enum(WEBHOOK_EVENTS),
    /** The domain event it announces: id, type and log position (the order of deliveries). */
    sourceEventId: z.string(),
    sourceEventType: z.string(),
    sourcePosition: z.number().int().nonnegative(),
    /** The body sent, as an object (serialised the same way on every attempt). */
    payload: z.record(z.string(), z.unknown()),
    scheduledAt: z.string(),
  }),
);

/**
 * One attempt and its outcome: `delivered` (a 2xx), `retrying` (a network failure, a timeout,
 * 408, 429 or 5xx, with attempts left: `nextAttemptAt` says when), `failed` (given up: out of
 * attempts, or an answer a retry would not change, such as a redirect or another 4xx).
 */
export const WebhookDeliveryAttempted = defineEvent(
  'WebhookDeliveryAttempted',
  z.object({
    deliveryId: z.string(),
    webhookId: z.string(),
    /** 1, 2, ... over the delivery's whole life (a redelivery continues the count). */
    attempt: z.number().int().positive(),
    outcome: z.enum(DELIVERY_OUTCOMES),
    /** The receiver's HTTP status; null when no answer came (refused, reset, timed out). */
    statusCode: z.number().int().nullable(),
    /** Why it failed, in words (never the receiver's body). */
    error: z.string().nullable(),
    durationMs: z.number().int().nonnegative(),
    attemptedAt: z.string(),
    nextAttemptAt: z.string().nullable(),
  }),
);

/** Someone asked for the message again (document 004's redeliver action): attempted as soon as its turn comes. */
export const WebhookRedeliveryRequested = defineEvent(
  'WebhookRedeliveryRequested',
  z.object({ deliveryId: z.string(), webhookId: z.string(), requestedAt: z.string() }),
);

export const webhookDeliveryEvents = [WebhookDeliveryScheduled, WebhookDeliveryAttempted, WebhookRedeliveryRequested];
export type WebhookDeliveryEvent =
  | EventOf<typeof WebhookDeliveryScheduled>
  | EventOf<typeof WebhookDeliveryAttempted>
  | EventOf<typeof WebhookRedeliveryRequested>;

export const webhookDeliveryStream = (deliveryId: string): string => `webhook_delivery-${deliveryId}`;
