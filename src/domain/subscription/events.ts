import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A subscription (document 002 `langganan`; a service instance of document 004): a customer on
 * a service plan. Stream `subscription-<id>`, the integer id from the `langganan` sequence.
 * Every event names the customer (UUID) and its document 002 integer id (`pelangganId`), so
 * the RouterOS sync can react to SubscriptionSuspended / SubscriptionReactivated /
 * SubscriptionTerminated without reading anything else.
 */

export const SUBSCRIPTION_STATUSES = ['active', 'suspended', 'terminated'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

const ref = {
  subscriptionId: z.number().int().positive(),
  customerId: z.string(),
  pelangganId: z.number().int().positive(),
};

export const subscriptionTermsSchema = z.object({
  planId: z.number().int().positive(),
  /** Next due date, YYYY-MM-DD (002 `tgl_jatuh_tempo`); its day of month is the billing day. */
  dueDate: z.string(),
  /** 002 `metode_pembayaran` as given (e.g. Otomatis, Manual). */
  paymentMethod: z.string(),
});
export type SubscriptionTerms = z.infer<typeof subscriptionTermsSchema>;

export const SubscriptionCreated = defineEvent(
  'SubscriptionCreated',
  z.object({ ...ref, ...subscriptionTermsSchema.shape, createdAt: z.string() }),
);
export const SubscriptionUpdated = defineEvent(
  'SubscriptionUpdated',
  z.object({ ...ref, changes: subscriptionTermsSchema.partial(), previous: subscriptionTermsSchema.partial(), updatedAt: z.string() }),
);
/** `reason`: `overdue` (the suspension job, `invoiceId` the overdue invoice) or `manual`. */
export const SubscriptionSuspended = defineEvent(
  'SubscriptionSuspended',
  z.object({ ...ref, reason: z.enum(['overdue', 'manual']), invoiceId: z.number().int().positive().nullable(), suspendedAt: z.string() }),
);
/** `reason`: `payment` (the overdue invoices were paid, `invoiceId` the last one) or `manual`. */
export const SubscriptionReactivated = defineEvent(
  'SubscriptionReactivated',
  z.object({ ...ref, reason: z.enum(['payment', 'manual']), invoiceId: z.number().int().positive().nullable(), reactivatedAt: z.string() }),
);
export const SubscriptionTerminated = defineEvent(
  'SubscriptionTerminated',
  z.object({ ...ref, reason: z.string().nullable(), terminatedAt: z.string() }),
);

export const subscriptionEvents = [SubscriptionCreated, SubscriptionUpdated, SubscriptionSuspended, SubscriptionReactivated, SubscriptionTerminated];
export type SubscriptionEvent =
  | EventOf<typeof SubscriptionCreated>
  | EventOf<typeof SubscriptionUpdated>
  | EventOf<typeof SubscriptionSuspended>
  | EventOf<typeof SubscriptionReactivated>
  | EventOf<typeof SubscriptionTerminated>;

export const SUBSCRIPTION_EVENT_TYPES = subscriptionEvents.map((e) => e.type);

export const subscriptionStream = (subscriptionId: number): string => `subscription-${subscriptionId}`;
