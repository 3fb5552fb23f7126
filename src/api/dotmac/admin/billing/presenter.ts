import type { AdminInvoiceDoc, AdminPaymentDoc, RefundEntry } from '../../../../projections/dotmac-billing/projector';
import { dateAsDateTime, isoSeconds, publicId } from '../../envelope';
import { fromMinor } from '../../money';
import { INVOICE_STATUS_004 } from '../../vocabulary';

const at = (v: string | null) => (v ? isoSeconds(v) : null);

/** An invoice in document 004's words: ids as strings, money in the currency's major unit. */
export function presentInvoice(doc: AdminInvoiceDoc) {
  const m = (n: number) => fromMinor(n, doc.currency);
  return {
    id: publicId(doc.id),
    invoice_number: doc.number,
    customer_id: doc.customer_id,
    status: INVOICE_STATUS_004[doc.status],
    issue_date: dateAsDateTime(doc.issue_date)!,
    due_date: dateAsDateTime(doc.due_date)!,
    paid_date: at(doc.paid_at),
    subtotal: m(doc.subtotal),
    tax: m(doc.tax),
    total: m(doc.total),
    amount_paid: m(doc.paid_amount),
    amount_refunded: m(doc.refunded_amount),
    amount_due: m(['issued', 'overdue'].includes(doc.status) ? Math.max(0, doc.total - doc.paid_amount) : 0),
    currency: doc.currency,
    notes: doc.notes,
    line_items: doc.line_items.map((l) => ({
      service_id: l.service_id === null ? null : publicId(l.service_id),
      description: l.description,
      service_period: l.service_period,
      quantity: l.quantity,
      unit_price: m(l.unit_price),
      tax_rate: l.tax_rate_ppm === null ? null : l.tax_rate_ppm / 1_000_000,
      tax: m(l.tax),
      total: m(l.amount),
    })),
    sent_at: at(doc.sent_at),
    created_at: isoSeconds(doc.created_at),
  };
}

export function presentRefund(r: RefundEntry, currency: string) {
  return { id: r.id, amount: fromMinor(r.amount, currency), reason: r.reason, refund_method: r.method, refunded_at: isoSeconds(r.refunded_at) };
}

/** A payment in document 004's words (the portal's payment history shape, with its refunds). */
export function presentPayment(doc: AdminPaymentDoc) {
  return {
    id: publicId(doc.id),
    invoice_id: publicId(doc.invoice_id),
    invoice_number: doc.invoice_number,
    customer_id: doc.customer_id,
    amount: fromMinor(doc.amount, doc.currency),
    amount_refunded: fromMinor(doc.refunded_amount, doc.currency),
    currency: doc.currency,
    payment_method: doc.method,
    payment_date: isoSeconds(doc.payment_date),
    status: doc.status,
    transaction_id: doc.transaction_id,
    last_four: doc.last_four,
    refunds: doc.refunds.map((r) => presentRefund(r, doc.currency)),
  };
}
