import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A customer paying an invoice in the portal with a card (document 004 POST
 * /api/portal/v1/billing/payments): the checkout of one invoice, stream
 * `invoice_checkout-<invoiceId>`. It serialises charges of the invoice: an attempt is started
 * (the amount checked against what is outstanding) before the gateway is asked, so two
 * requests cannot both charge the invoice; its end is recorded once the gateway answered:
 * succeeded (the payment id the invoice recorded) or failed (the gateway declined: what
 * document 004's `payment.failed` webhook reports). An attempt the gateway never answered
 * (unreachable, a crash) stays pending; a retry with the same gateway key resumes it (the
 * gateway's own idempotency makes it charge once), anything else waits until it is stale.
 * The invoice's own stream records the money (InvoicePaymentRecorded, PaymentReceived).
 */
export const cardSchema = z.object({
  type: z.enum(['credit_card', 'debit_card']),
  brand: z.string(),
  lastFour: z.string().regex(/^\d{4}$/),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int(),
});
export type Card = z.infer<typeof cardSchema>;

const ref = { invoiceId: z.number().int().positive(), customerId: z.string(), attemptId: z.string() };

export const PortalPaymentStarted = defineEvent(
  'PortalPaymentStarted',
  z.object({
    ...ref,
    /** Minor units. */
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    /** What the invoice had outstanding when the attempt started. */
    outstanding: z.number().int().positive(),
    /** The key the gateway is given (derived from the client's Idempotency-Key when it sent one). */
    gatewayKey: z.string(),
    startedAt: z.string(),
  }),
);

export const PortalPaymentSucceeded = defineEvent(
  'PortalPaymentSucceeded',
  z.object({
    ...ref,
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    gateway: z.string(),
    transactionId: z.string(),
    card: cardSchema,
    /** The payment the invoice recorded; null when the invoice could no longer take it (owed back). */
    paymentId: z.number().int().positive().nullable(),
    succeededAt: z.string(),
  }),
);

export const PortalPaymentFailed = defineEvent(
  'PortalPaymentFailed',
  z.object({
    ...ref,
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    gateway: z.string(),
    /** The gateway's reason (card_declined, insufficient_funds, ...). */
    reason: z.string(),
    transactionId: z.string().nullable(),
    card: cardSchema.nullable(),
    failedAt: z.string(),
  }),
);

export const portalPaymentEvents = [PortalPaymentStarted, PortalPaymentSucceeded, PortalPaymentFailed];
export type PortalPaymentEvent = EventOf<typeof PortalPaymentStarted> | EventOf<typeof PortalPaymentSucceeded> | EventOf<typeof PortalPaymentFailed>;

export const invoiceCheckoutStream = (invoiceId: number): string => `invoice_checkout-${invoiceId}`;
