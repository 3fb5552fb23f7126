import type { InvoiceEvent, InvoiceStatus } from '../../domain/invoice';
import type { PaymentEvent } from '../../domain/payment';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const DOTMAC_ADMIN_INVOICES = 'dotmac_admin_invoices';
export const DOTMAC_PAYMENTS = 'dotmac_payments';

/**
 * What document 004's admin billing lists filter and show: every invoice (any customer) by
 * customer, status, issue date and amount, and every payment with its refunds. Money in minor
 * units; statuses canonical (the 004 words are the presenter's, src/api/dotmac/vocabulary.ts).
 * The lines of an invoice are in the portal's `dotmac_invoices` read model (one invoice's
 * detail and its PDF read them there).
 */
export interface AdminInvoiceDoc extends Doc {
  id: number;
  number: string;
  customer_id: string;
  status: InvoiceStatus;
  issue_date: string;
  due_date: string;
  paid_at: string | null;
  subtotal: number;
  tax: number;
  total: number;
  /** What stays paid (refunds taken off) and what was given back. */
  paid_amount: number;
  refunded_amount: number;
  currency: string;
  notes: string | null;
  line_items: Array<{
    description: string;
    quantity: number;
    unit_price: number;
    /** quantity × unit price, before tax. */
    amount: number;
    tax: number;
    tax_rate_ppm: number | null;
    service_id: number | null;
    service_period: string | null;
  }>;
  sent_at: string | null;
  sent_to: string | null;
  created_at: string;
  updated_at: string;
}

export interface RefundEntry {
  id: string;
  amount: number;
  reason: string | null;
  method: string;
  refunded_at: string;
}

export type PaymentStatus = 'completed' | 'partially_refunded' | 'refunded' | 'unapplied';

export interface AdminPaymentDoc extends Doc {
  id: number;
  invoice_id: number;
  invoice_number: string;
  customer_id: string;
  amount: number;
  refunded_amount: number;
  currency: string;
  method: string;
  gateway: string | null;
  transaction_id: string | null;
  payment_channel: string | null;
  /** The card's last four digits, when the portal charged a card. */
  last_four: string | null;
  payment_date: string;
  status: PaymentStatus;
  refunds: RefundEntry[];
  created_at: string;
}

type PortalPaymentSucceeded = { type: 'PortalPaymentSucceeded'; data: { paymentId: number | null; transactionId: string; card: { lastFour: string; type: string } } };

export const dotmacBillingProjector: Projector = {
  name: 'dotmac_billing',
  handles: [
    'InvoiceCreated',
    'InvoiceIssued',
    'InvoicePaymentRecorded',
    'InvoicePaid',
    'InvoiceMarkedOverdue',
    'InvoiceVoided',
    'InvoiceRefundRecorded',
    'InvoiceSent',
    'PaymentReceived',
    'PaymentRefunded',
    'PortalPaymentSucceeded',
  ],
  collections: {
    // GET /api/v1/billing/invoices: newest issue date first, the id breaking ties, after each
    // equality; issue-date ranges on the same indexes; amount ranges on the total.
    [DOTMAC_ADMIN_INVOICES]: [
      { keys: { issue_date: -1, id: -1 } },
      { keys: { customer_id: 1, issue_date: -1, id: -1 } },
      { keys: { status: 1, issue_date: -1, id: -1 } },
      { keys: { customer_id: 1, status: 1, issue_date: -1, id: -1 } },
      { keys: { total: 1, id: -1 } },
      { keys: { status: 1, total: 1, id: -1 } },
    ],
    // GET /api/v1/billing/payments: newest first, by customer, invoice or status.
    [DOTMAC_PAYMENTS]: [
      { keys: { payment_date: -1, id: -1 } },
      { keys: { customer_id: 1, payment_date: -1, id: -1 } },
      { keys: { invoice_id: 1, payment_date: -1, id: -1 } },
      { keys: { status: 1, payment_date: -1, id: -1 } },
    ],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (InvoiceEvent | PaymentEvent | PortalPaymentSucceeded);
    const invoices = ctx.collection<AdminInvoiceDoc>(DOTMAC_ADMIN_INVOICES);
    const payments = ctx.collection<AdminPaymentDoc>(DOTMAC_PAYMENTS);
    const at = event.metadata.timestamp;
    const pos = event.position;
    if (event.type === 'PaymentReceived') {
      const d = event.data;
      await applyOnce(
        payments,
        String(d.paymentId),
        pos,
        {
          $set: {
            id: d.paymentId,
            invoice_id: d.invoiceId,
            invoice_number: d.invoiceNumber,
            customer_id: d.customerId,
            amount: d.amount,
            refunded_amount: 0,
            currency: d.currency,
            method: d.method,
            gateway: d.gateway,
            payment_channel: d.paymentChannel,
            payment_date: d.paidAt,
            status: d.applied ? 'completed' : 'unapplied',
            refunds: [],
            created_at: d.receivedAt,
          },
          // The portal's card details may have come first (PortalPaymentSucceeded).
          $setOnInsert: { last_four: null, transaction_id: d.gatewayReference },
        },
        { upsert: true },
      );
      return;
    }
    if (event.type === 'PaymentRefunded') {
      const d = event.data;
      const refund: RefundEntry = { id: d.refundId, amount: d.amount, reason: d.reason, method: d.method, refunded_at: d.refundedAt };
      const current = await payments.findOne({ _id: String(d.paymentId) }, { projection: { amount: 1 } });
      const status: PaymentStatus = current && d.refundedTotal >= current.amount ? 'refunded' : 'partially_refunded';
      await applyOnce(payments, String(d.paymentId), pos, { $set: { refunded_amount: d.refundedTotal, status }, $push: { refunds: refund } });
      return;
    }
    if (event.type === 'PortalPaymentSucceeded') {
      const d = event.data;
      if (d.paymentId === null) return;
      // The card the portal charged (the payment itself comes with PaymentReceived, before or after).
      await applyOnce(payments, String(d.paymentId), pos, { $set: { last_four: d.card.lastFour, transaction_id: d.transactionId } }, { upsert: true });
      return;
    }
    const id = String(event.data.invoiceId);
    const set = (fields: Record<string, unknown>, inc?: Record<string, number>) => applyOnce(invoices, id, pos, { $set: { ...fields, updated_at: at }, ...(inc ? { $inc: inc } : {}) });
    switch (event.type) {
      case 'InvoiceCreated': {
        const d = event.data;
        const subtotal = d.subtotal ?? d.items.reduce((s, i) => s + i.amount, 0);
        await applyOnce(
          invoices,
          id,
          pos,
          {
            $set: {
              id: d.invoiceId,
              number: d.number,
              customer_id: d.customerId,
              status: 'draft',
              issue_date: d.issueDate,
              due_date: d.dueDate,
              paid_at: null,
              subtotal,
              tax: d.tax ?? d.total - subtotal,
              total: d.total,
              paid_amount: 0,
              refunded_amount: 0,
              currency: d.currency,
              notes: d.notes ?? null,
              line_items: d.items.map((i) => ({
                description: i.description,
                quantity: i.quantity,
                unit_price: i.unitPrice,
                amount: i.amount,
                tax: i.tax ?? 0,
                tax_rate_ppm: i.taxRatePpm ?? null,
                service_id: i.serviceId ?? null,
                service_period: i.servicePeriod ?? null,
              })),
              sent_at: null,
              sent_to: null,
              created_at: d.createdAt,
              updated_at: d.createdAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'InvoiceIssued':
        await set({ status: 'issued' });
        return;
      case 'InvoicePaymentRecorded':
        await set({}, { paid_amount: event.data.amount });
        return;
      case 'InvoicePaid':
        await set({ status: 'paid', paid_at: event.data.paidAt });
        return;
      case 'InvoiceMarkedOverdue':
        await set({ status: 'overdue' });
        return;
      case 'InvoiceVoided':
        await set({ status: 'void' });
        return;
      case 'InvoiceRefundRecorded':
        await set({ status: event.data.status, paid_amount: event.data.netPaid, refunded_amount: event.data.refundedAmount });
        return;
      case 'InvoiceSent':
        await set({ sent_at: event.data.sentAt, sent_to: event.data.to });
        return;
      default:
        return;
    }
  },
};
