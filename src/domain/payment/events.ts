import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A payment: money received for an invoice (document 002 paying an invoice, manually or through
 * a payment gateway; document 004 lists them and refunds them: PaymentRefunded). Stream
 * `payment-<id>`, the integer id from the `payment` sequence. `applied`: whether the invoice took
 * it (InvoicePaymentRecorded on `invoice-<invoiceId>`); an unapplied payment (the invoice was
 * already paid or cancelled when a gateway reported the money) is owed back to the customer.
 */

export const PaymentReceived = defineEvent(
  'PaymentReceived',
  z.object({
    paymentId: z.number().int().positive(),
    invoiceId: z.number().int().positive(),
    /** The invoice's number (INV-…), for notifications and lists. */
    invoiceNumber: z.string(),
    customerId: z.string(),
    pelangganId: z.number().int().positive(),
    /** Minor units. */
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    /** `manual` (recorded by staff) or `gateway`. */
    method: z.string(),
    gateway: z.string().nullable(),
    /** The gateway's id of the payment (its callback id). */
    gatewayReference: z.string().nullable(),
    paymentChannel: z.string().nullable(),
    paidAt: z.string(),
    applied: z.boolean(),
    receivedAt: z.string(),
  }),
);

/**
 * Money given back on this payment (document 004 `POST /api/v1/billing/payments/{id}/refund`),
 * partly or in full: never more than the payment less what was refunded before (this stream's
 * expected revision holds that under concurrent refunds). `refundedTotal`: refunded on the
 * payment so far, this refund included. `method`: how the money goes back, as recorded
 * (`original_payment_method`, `bank_transfer`, `cash`, `account_credit`).
 */
export const PaymentRefunded = defineEvent(
  'PaymentRefunded',
  z.object({
    paymentId: z.number().int().positive(),
    refundId: z.string(),
    invoiceId: z.number().int().positive(),
    invoiceNumber: z.string(),
    customerId: z.string(),
    pelangganId: z.number().int().positive(),
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    reason: z.string().nullable(),
    method: z.string(),
    refundedTotal: z.number().int().positive(),
    /** Whether the invoice had taken the payment (then it records the refund too). */
    applied: z.boolean(),
    refundedAt: z.string(),
  }),
);

export const paymentEvents = [PaymentReceived, PaymentRefunded];
export type PaymentEvent = EventOf<typeof PaymentReceived> | EventOf<typeof PaymentRefunded>;

export const paymentStream = (paymentId: number): string => `payment-${paymentId}`;
