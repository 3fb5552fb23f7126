import type { DotmacInvoiceDoc } from '../../../../projections/dotmac-invoices/projector';
import type { PaymentDoc } from '../../../../projections/billing-invoices/projector';
import type { CardPaymentDoc, PaymentMethodDoc } from '../../../../projections/portal-payments/projector';
import { dateAsDateTime, isoSeconds, publicId } from '../../envelope';
import { servicePeriodOf } from '../../invoice-pdf';
import { fromMinor } from '../../money';
import { INVOICE_STATUS_004 } from '../../vocabulary';

/** What is still owed on an invoice (only issued and overdue invoices are owed). */
export const amountDue = (i: Pick<DotmacInvoiceDoc, 'status' | 'total' | 'paid_amount' | 'refunded_amount'>): number =>
  i.status === 'issued' || i.status === 'overdue' ? Math.max(0, i.total - (i.paid_amount - i.refunded_amount)) : 0;

/**
 * An invoice in document 004's words: status by the vocabulary (issued → pending, void →
 * cancelled), dates as date-times, money in the currency's major unit (`currency` beside it),
 * each line's `total` its amount before tax (tax per line and in the invoice's `tax`), the
 * service period as given, else the invoice's month. `amount_paid`, `amount_due`: what stays
 * paid after refunds, and what is still owed.
 */
export function presentInvoice(i: DotmacInvoiceDoc) {
  const m = (minor: number) => fromMinor(minor, i.currency);
  return {
    id: publicId(i.id),
    invoice_number: i.number,
    status: INVOICE_STATUS_004[i.status],
    issue_date: dateAsDateTime(i.issue_date)!,
    due_date: dateAsDateTime(i.due_date)!,
    paid_date: i.paid_at ? isoSeconds(i.paid_at) : null,
    subtotal: m(i.subtotal),
    tax: m(i.tax),
    total: m(i.total),
    amount_paid: m(i.paid_amount - i.refunded_amount),
    amount_due: m(amountDue(i)),
    currency: i.currency,
    line_items: i.line_items.map((l) => ({
      description: l.description,
      service_period: servicePeriodOf(l.service_period, i.period),
      quantity: l.quantity,
      unit_price: m(l.unit_price),
      tax_rate: l.tax_rate_ppm === null ? null : l.tax_rate_ppm / 1_000_000,
      tax: m(l.tax),
      total: m(l.amount),
    })),
  };
}

/** How a payment was made, in 004's words: the card type for a card, the gateway's channel, else as recorded (manual). */
function methodOf(p: PaymentDoc, card: CardPaymentDoc | undefined): string {
  if (card) return card.type;
  if (p.method === 'gateway') return (p.payment_channel ?? 'online').toLowerCase();
  return p.method;
}

/** `completed`; `refunded` or `partially_refunded` after refunds; `unapplied` when the invoice could not take it (owed back). */
function paymentStatus(p: PaymentDoc & { refunded_amount?: number }): string {
  const refunded = p.refunded_amount ?? 0;
  if (refunded >= p.amount) return 'refunded';
  if (refunded > 0) return 'partially_refunded';
  return p.applied ? 'completed' : 'unapplied';
}

export function presentPayment(p: PaymentDoc & { refunded_amount?: number }, card: CardPaymentDoc | undefined) {
  return {
    id: publicId(p.id),
    invoice_id: publicId(p.invoice_id),
    invoice_number: p.nomor_invoice,
    amount: fromMinor(p.amount, p.currency),
    refunded_amount: fromMinor(p.refunded_amount ?? 0, p.currency),
    currency: p.currency,
    payment_method: methodOf(p, card),
    payment_date: isoSeconds(p.paid_at),
    status: paymentStatus(p),
    transaction_id: p.gateway_reference,
    last_four: card?.last_four ?? null,
  };
}

/** A saved method: the gateway token is its id; brand, last four and expiry (MM/YY). */
export function presentPaymentMethod(m: PaymentMethodDoc) {
  return {
    id: m.method_id,
    type: m.type,
    last_four: m.last_four,
    brand: m.brand,
    expires: `${String(m.exp_month).padStart(2, '0')}/${String(m.exp_year % 100).padStart(2, '0')}`,
    is_default: m.is_default,
  };
}
