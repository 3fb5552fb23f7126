import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * An invoice (document 002 `invoices`; document 004 shows the same invoices to the customer).
 * Stream `invoice-<id>`, the integer id from the `invoice` sequence; its human number
 * (`INV-<BRAND>-<YYYY>-<n>`) from the brand's own sequence. Money is integer minor units
 * (rupiah) plus a currency. Canonical statuses (DESIGN.md §5): draft, issued, paid, overdue,
 * void; document 002 calls them Draft, Menunggu Pembayaran, Lunas, Jatuh Tempo, Dibatalkan.
 *
 *   draft ──issue──▶ issued ──pay──▶ paid
 *     │                │  ▲ overdue   ▲
 *     │                ▼  │           │ pay
 *     └──void──▶ void ◀── overdue ────┘
 *
 * One invoice per customer and period (a reservation, see src/commands/billing/invoices.ts) for
 * document 002's invoices; document 004's invoices are created at any time (no period reservation).
 *
 * Document 004 adds (additively, old events read as before): lines with a tax rate and their
 * tax (per line, in integer minor units, rounded half up: `lineTax`), the invoice's subtotal,
 * tax and notes; refunds (InvoiceRefundRecorded, the money itself on the Payment's stream); and
 * the `refunded` status of a paid invoice whose payments were refunded in full. A paid invoice
 * is never voided, it is refunded; an invoice with money on it is refunded before it is voided.
 *
 *   paid ──refund all──▶ refunded        (a partial refund leaves it paid, with less paid)
 */

export const INVOICE_STATUSES = ['draft', 'issued', 'paid', 'overdue', 'void', 'refunded'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const invoiceItemSchema = z.object({
  description: z.string(),
  quantity: z.number().int().positive(),
  /** Minor units. */
  unitPrice: z.number().int().nonnegative(),
  /** quantity × unitPrice. */
  amount: z.number().int().nonnegative(),
  /** 004: the tax rate in millionths (0.08 → 80000); absent on untaxed (002) lines. */
  taxRatePpm: z.number().int().min(0).max(1_000_000).optional(),
  /** 004: the line's tax in minor units: amount × rate, rounded half up. */
  tax: z.number().int().nonnegative().optional(),
  /** 004: the service instance (subscription id) the line bills. */
  serviceId: z.number().int().positive().nullable().optional(),
  /** 004: the period of service the line covers, as given ("2024-01-01 to 2024-01-31"). */
  servicePeriod: z.string().nullable().optional(),
});
export type InvoiceItem = z.infer<typeof invoiceItemSchema>;

const ref = { invoiceId: z.number().int().positive(), customerId: z.string(), pelangganId: z.number().int().positive() };

export const InvoiceCreated = defineEvent(
  'InvoiceCreated',
  z.object({
    ...ref,
    number: z.string(),
    brandId: z.string(),
    /** YYYY-MM. */
    period: z.string(),
    /** YYYY-MM-DD. */
    issueDate: z.string(),
    dueDate: z.string(),
    items: z.array(invoiceItemSchema),
    total: z.number().int().nonnegative(),
    currency: z.string().length(3),
    /** The reference payment gateways know the invoice by (Xendit `external_id`). */
    externalId: z.string(),
    /** The subscription it bills, when it bills one. */
    subscriptionId: z.number().int().positive().nullable(),
    /** 004: the sum of the lines' amounts and of their taxes (total = subtotal + tax); absent on 002 invoices (no tax). */
    subtotal: z.number().int().nonnegative().optional(),
    tax: z.number().int().nonnegative().optional(),
    /** 004: notes printed on the invoice. */
    notes: z.string().nullable().optional(),
    createdAt: z.string(),
  }),
);
/** Draft → issued (002 Menunggu Pembayaran): the customer owes it from now on. */
export const InvoiceIssued = defineEvent('InvoiceIssued', z.object({ ...ref, issuedAt: z.string() }));
export const InvoicePaymentLinkCreated = defineEvent(
  'InvoicePaymentLinkCreated',
  z.object({ ...ref, gateway: z.string(), gatewayInvoiceId: z.string(), url: z.string(), expiresAt: z.string().nullable(), createdAt: z.string() }),
);
/** The gateway refused or could not be reached; the invoice stays payable without a link. */
export const InvoicePaymentLinkFailed = defineEvent(
  'InvoicePaymentLinkFailed',
  z.object({ ...ref, gateway: z.string(), reason: z.string(), failedAt: z.string() }),
);
/** A payment applied to the invoice (the Payment aggregate `payment-<paymentId>` records the money). */
export const InvoicePaymentRecorded = defineEvent(
  'InvoicePaymentRecorded',
  z.object({
    ...ref,
    paymentId: z.number().int().positive(),
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    method: z.string(),
    gateway: z.string().nullable(),
    gatewayReference: z.string().nullable(),
    paidAt: z.string(),
    /** What is left to pay after this payment (0 or less: settled). */
    balance: z.number().int(),
    recordedAt: z.string(),
  }),
);
/** Settled (002 Lunas). `late`: paid after its due date (feeds the lunas-telat segment). */
export const InvoicePaid = defineEvent(
  'InvoicePaid',
  z.object({
    ...ref,
    paymentId: z.number().int().positive(),
    paidAmount: z.number().int().positive(),
    paidAt: z.string(),
    previousStatus: z.enum(['issued', 'overdue']),
    late: z.boolean(),
  }),
);
/** Past due and unpaid (002 Jatuh Tempo): by the daily job, or when the gateway's payment link expired. */
export const InvoiceMarkedOverdue = defineEvent(
  'InvoiceMarkedOverdue',
  z.object({ ...ref, dueDate: z.string(), reason: z.enum(['due_date_passed', 'payment_link_expired']), markedAt: z.string() }),
);
/** Cancelled (002 Dibatalkan): owed no more; the period may be invoiced again. */
export const InvoiceVoided = defineEvent(
  'InvoiceVoided',
  z.object({ ...ref, period: z.string(), previousStatus: z.enum(['draft', 'issued', 'overdue']), reason: z.string().nullable(), voidedAt: z.string() }),
);
/**
 * Money given back on a payment applied to this invoice (the Payment's stream records the refund
 * itself, and its limit). `netPaid`: what stays paid after it; `status`: the invoice's status after
 * it (`refunded` when a paid invoice has nothing paid left, else unchanged).
 */
export const InvoiceRefundRecorded = defineEvent(
  'InvoiceRefundRecorded',
  z.object({
    ...ref,
    paymentId: z.number().int().positive(),
    refundId: z.string(),
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    refundedAmount: z.number().int().nonnegative(),
    netPaid: z.number().int().nonnegative(),
    previousStatus: z.enum(INVOICE_STATUSES),
    status: z.enum(INVOICE_STATUSES),
    reason: z.string().nullable(),
    refundedAt: z.string(),
  }),
);

/** 004: the invoice was mailed to the customer (with its PDF), by `POST /api/v1/billing/invoices/{id}/send`. */
export const InvoiceSent = defineEvent(
  'InvoiceSent',
  z.object({ ...ref, to: z.string(), sentAt: z.string() }),
);

/**
 * A payment gateway's callback about this invoice, once per callback id (duplicates are
 * recognised by the id and record nothing). `outcome`: `applied` (a payment was recorded),
 * `not_applied` (paid, but the invoice was no longer payable: the money is an unapplied
 * payment), `expired` (the invoice became overdue), `ignored` (nothing to do).
 */
export const InvoiceGatewayCallbackReceived = defineEvent(
  'InvoiceGatewayCallbackReceived',
  z.object({
    ...ref,
    gateway: z.string(),
    callbackId: z.string(),
    status: z.string(),
    paidAmount: z.number().int().nullable(),
    paidAt: z.string().nullable(),
    paymentChannel: z.string().nullable(),
    paymentId: z.number().int().positive().nullable(),
    outcome: z.enum(['applied', 'not_applied', 'expired', 'ignored']),
    receivedAt: z.string(),
  }),
);

export const invoiceEvents = [
  InvoiceCreated,
  InvoiceIssued,
  InvoicePaymentLinkCreated,
  InvoicePaymentLinkFailed,
  InvoicePaymentRecorded,
  InvoicePaid,
  InvoiceMarkedOverdue,
  InvoiceVoided,
  InvoiceGatewayCallbackReceived,
  InvoiceRefundRecorded,
  InvoiceSent,
];
export type InvoiceEvent =
  | EventOf<typeof InvoiceCreated>
  | EventOf<typeof InvoiceIssued>
  | EventOf<typeof InvoicePaymentLinkCreated>
  | EventOf<typeof InvoicePaymentLinkFailed>
  | EventOf<typeof InvoicePaymentRecorded>
  | EventOf<typeof InvoicePaid>
  | EventOf<typeof InvoiceMarkedOverdue>
  | EventOf<typeof InvoiceVoided>
  | EventOf<typeof InvoiceGatewayCallbackReceived>
  | EventOf<typeof InvoiceRefundRecorded>
  | EventOf<typeof InvoiceSent>;

export const INVOICE_EVENT_TYPES = invoiceEvents.map((e) => e.type);

export const invoiceStream = (invoiceId: number): string => `invoice-${invoiceId}`;
