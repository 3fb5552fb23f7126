import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A subscription (document 002 `langganan`; a service instance of document 004): a customer on
 * a service plan. Stream `subscription-<id>`, the integer id from the `langganan` sequence.
 * Every event names the customer (UUID) and its document 002 integer id (`pelangganId`), so
 * the RouterOS sync can react to SubscriptionSuspended / SubscriptionReactivated /
 * SubscriptionTerminated without reading anything else.
 *
 * Document 004 adds (additively): a service provisioned to start later (`pending` on
 * SubscriptionCreated, with its installation date and configuration) that SubscriptionActivated
 * starts; and, on every status change made through 004, the reason in words (`note`) and the
 * `effectiveDate` the change takes effect (a past or present time).
 *
 *   pending ──activate──▶ active ⇄ suspended      any but terminated ──terminate──▶ terminated
 */

export const SUBSCRIPTION_STATUSES = ['active', 'suspended', 'terminated', 'pending'] as const;
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

/** 004 provisioning: how the service is set up (static IP, extra mailboxes, ...), as given. */
export const serviceConfigurationSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const SubscriptionCreated = defineEvent(
  'SubscriptionCreated',
  z.object({
    ...ref,
    ...subscriptionTermsSchema.shape,
    /** 004: provisioned to start later; SubscriptionActivated starts it. Absent: active at once. */
    pending: z.boolean().optional(),
    /** 004: YYYY-MM-DD the service is (to be) installed. */
    installationDate: z.string().nullable().optional(),
    configuration: serviceConfigurationSchema.optional(),
    notes: z.string().nullable().optional(),
    createdAt: z.string(),
  }),
);
export const SubscriptionUpdated = defineEvent(
  'SubscriptionUpdated',
  z.object({ ...ref, changes: subscriptionTermsSchema.partial(), previous: subscriptionTermsSchema.partial(), updatedAt: z.string() }),
);
/** `reason`: `overdue` (the suspension job, `invoiceId` the overdue invoice) or `manual`. */
/** 004 status changes: the reason in words, notes, and when the change takes effect. */
const changeDetails = {
  note: z.string().nullable().optional(),
  notes: z.string().nullable().optional(),
  effectiveDate: z.string().optional(),
};

export const SubscriptionSuspended = defineEvent(
  'SubscriptionSuspended',
  z.object({ ...ref, reason: z.enum(['overdue', 'manual']), invoiceId: z.number().int().positive().nullable(), suspendedAt: z.string(), ...changeDetails }),
);
/** `reason`: `payment` (the overdue invoices were paid, `invoiceId` the last one) or `manual`. */
export const SubscriptionReactivated = defineEvent(
  'SubscriptionReactivated',
  z.object({ ...ref, reason: z.enum(['payment', 'manual']), invoiceId: z.number().int().positive().nullable(), reactivatedAt: z.string(), ...changeDetails }),
);
export const SubscriptionTerminated = defineEvent(
  'SubscriptionTerminated',
  z.object({ ...ref, reason: z.string().nullable(), terminatedAt: z.string(), ...changeDetails }),
);
/** 004: a pending (provisioned) service starts. */
export const SubscriptionActivated = defineEvent(
  'SubscriptionActivated',
  z.object({ ...ref, ...changeDetails, activatedAt: z.string() }),
);

export const subscriptionEvents = [SubscriptionCreated, SubscriptionUpdated, SubscriptionSuspended, SubscriptionReactivated, SubscriptionTerminated, SubscriptionActivated];
export type SubscriptionEvent =
  | EventOf<typeof SubscriptionCreated>
  | EventOf<typeof SubscriptionUpdated>
  | EventOf<typeof SubscriptionSuspended>
  | EventOf<typeof SubscriptionReactivated>
  | EventOf<typeof SubscriptionTerminated>
  | EventOf<typeof SubscriptionActivated>;

export const SUBSCRIPTION_EVENT_TYPES = subscriptionEvents.map((e) => e.type);

export const subscriptionStream = (subscriptionId: number): string => `subscription-${subscriptionId}`;
