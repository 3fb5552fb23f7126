import type { InvoiceEvent, InvoiceStatus } from '../../domain/invoice';
import type { PaymentEvent } from '../../domain/payment';
import type { Collection, Doc } from '../../ports/read-store';
import { APPLIED_POSITION, applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const BILLING_INVOICES = 'billing_invoices';
export const BILLING_PAYMENTS = 'billing_payments';
/** Counters per invoice date, brand and status: what the revenue report and dashboard sum. */
export const BILLING_REVENUE_DAILY = 'billing_revenue_daily';

/** An invoice (canonical status; document 002 and 004 present it in their own words). */
export interface InvoiceDoc extends Doc {
  id: number;
  nomor_invoice: string;
  customer_id: string;
  pelanggan_id: number;
  id_brand: string;
  periode: string;
  tanggal_invoice: string;
  tanggal_jatuh_tempo: string;
  items: Array<{ description: string; quantity: number; unit_price: number; amount: number }>;
  /** Minor units. */
  total_harga: number;
  currency: string;
  status: InvoiceStatus;
  /** Minor units paid so far. */
  paid_amount: number;
  paid_at: string | null;
  gateway: string | null;
  gateway_invoice_id: string | null;
  payment_link: string | null;
  payment_link_expires_at: string | null;
  /** Why the gateway made no link, when it failed. */
  payment_link_error: string | null;
  xendit_external_id: string;
  subscription_id: number | null;
  /** Why it is overdue (due_date_passed, payment_link_expired) or was voided. */
  status_reason: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
}

export interface PaymentDoc extends Doc {
  id: number;
  invoice_id: number;
  nomor_invoice: string;
  customer_id: string;
  pelanggan_id: number;
  amount: number;
  currency: string;
  method: string;
  gateway: string | null;
  gateway_reference: string | null;
  payment_channel: string | null;
  paid_at: string;
  applied: boolean;
  created_at: string;
}

export interface RevenueDailyDoc extends Doc {
  date: string;
  month: string;
  id_brand: string;
  status: InvoiceStatus;
  count: number;
  /** Sum of the invoices' totals, and of what was paid on them (minor units). */
  total: number;
  paid: number;
}

const revenueKey = (date: string, brand: string, status: string) => `${date}|${brand}|${status}`;

/** Moves an invoice's weight from one counter to another (or adds it, or takes it away). */
async function moveRevenue(
  col: Collection<RevenueDailyDoc>,
  invoice: Pick<InvoiceDoc, 'tanggal_invoice' | 'id_brand' | 'total_harga'>,
  from: { status: string; paid: number } | null,
  to: { status: string; paid: number } | null,
): Promise<void> {
  const date = invoice.tanggal_invoice;
  if (from) {
    await col.updateOne({ _id: revenueKey(date, invoice.id_brand, from.status) }, { $inc: { count: -1, total: -invoice.total_harga, paid: -from.paid } });
  }
  if (to) {
    await col.updateOne(
      { _id: revenueKey(date, invoice.id_brand, to.status) },
      {
        $inc: { count: 1, total: invoice.total_harga, paid: to.paid },
        $setOnInsert: { date, month: date.slice(0, 7), id_brand: invoice.id_brand, status: to.status },
      },
      { upsert: true },
    );
  }
}

/**
 * Invoices, payments and the revenue counters, from the Invoice and Payment events. Each
 * invoice event is applied once (the invoice document's `_pos`); the counters move with the
 * invoice's status in the same step.
 */
export const billingInvoicesProjector: Projector = {
  name: 'billing_invoices',
  handles: [
    'InvoiceCreated',
    'InvoiceIssued',
    'InvoicePaymentLinkCreated',
    'InvoicePaymentLinkFailed',
    'InvoicePaymentRecorded',
    'InvoicePaid',
    'InvoiceMarkedOverdue',
    'InvoiceVoided',
    'InvoiceGatewayCallbackReceived',
    'InvoiceRefundRecorded',
    'PaymentReceived',
    'PaymentRefunded',
  ],
  collections: {
    [BILLING_INVOICES]: [
      // GET /api/invoices/: newest first by id, after an equality on each filter combination.
      { keys: { id: -1 } },
      { keys: { pelanggan_id: 1, id: -1 } },
      { keys: { status: 1, id: -1 } },
      { keys: { periode: 1, id: -1 } },
      { keys: { periode: 1, status: 1, id: -1 } },
      { keys: { pelanggan_id: 1, status: 1, id: -1 } },
      // The gateway's callback names the invoice by its external id.
      { keys: { xendit_external_id: 1 } },
      // The jobs: issued invoices past due, overdue ones past the grace period.
      { keys: { status: 1, tanggal_jatuh_tempo: 1, id: 1 } },
    ],
    [BILLING_PAYMENTS]: [{ keys: { id: -1 } }, { keys: { invoice_id: 1, id: 1 } }, { keys: { pelanggan_id: 1, id: -1 } }],
    [BILLING_REVENUE_DAILY]: [{ keys: { date: 1 } }],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (InvoiceEvent | PaymentEvent);
    const invoices = ctx.collection<InvoiceDoc>(BILLING_INVOICES);
    const payments = ctx.collection<PaymentDoc>(BILLING_PAYMENTS);
    const revenue = ctx.collection<RevenueDailyDoc>(BILLING_REVENUE_DAILY);
    const pos = event.position;
    const at = event.metadata.timestamp;

    if (event.type === 'PaymentRefunded') {
      // Document 004's refunds: what was given back on the payment so far.
      await applyOnce(payments, String(event.data.paymentId), pos, { $set: { refunded_amount: event.data.refundedTotal, refunded_at: event.data.refundedAt } });
      return;
    }
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
            nomor_invoice: d.invoiceNumber,
            customer_id: d.customerId,
            pelanggan_id: d.pelangganId,
            amount: d.amount,
            currency: d.currency,
            method: d.method,
            gateway: d.gateway,
            gateway_reference: d.gatewayReference,
            payment_channel: d.paymentChannel,
            paid_at: d.paidAt,
            applied: d.applied,
            created_at: d.receivedAt,
          },
        },
        { upsert: true },
      );
      return;
    }

    const id = String(event.data.invoiceId);
    if (event.type === 'InvoiceCreated') {
      const d = event.data;
      const doc = {
        id: d.invoiceId,
        nomor_invoice: d.number,
        customer_id: d.customerId,
        pelanggan_id: d.pelangganId,
        id_brand: d.brandId,
        periode: d.period,
        tanggal_invoice: d.issueDate,
        tanggal_jatuh_tempo: d.dueDate,
        items: d.items.map((i) => ({ description: i.description, quantity: i.quantity, unit_price: i.unitPrice, amount: i.amount })),
        total_harga: d.total,
        currency: d.currency,
        status: 'draft' as InvoiceStatus,
        paid_amount: 0,
        paid_at: null as string | null,
        gateway: null as string | null,
        gateway_invoice_id: null as string | null,
        payment_link: null as string | null,
        payment_link_expires_at: null as string | null,
        payment_link_error: null as string | null,
        xendit_external_id: d.externalId,
        subscription_id: d.subscriptionId,
        status_reason: null as string | null,
        revision: event.revision,
        created_at: d.createdAt,
        updated_at: d.createdAt,
      };
      if (await applyOnce(invoices, id, pos, { $set: doc }, { upsert: true })) await moveRevenue(revenue, doc, null, { status: 'draft', paid: 0 });
      return;
    }

    const base = { revision: event.revision, updated_at: at };
    // Steps that move no counter: applied once by the document's own guard, nothing read first.
    switch (event.type) {
      case 'InvoicePaymentLinkCreated': {
        const d = event.data;
        await applyOnce(invoices, id, pos, {
          $set: { ...base, gateway: d.gateway, gateway_invoice_id: d.gatewayInvoiceId, payment_link: d.url, payment_link_expires_at: d.expiresAt, payment_link_error: null },
        });
        return;
      }
      case 'InvoicePaymentLinkFailed':
        await applyOnce(invoices, id, pos, { $set: { ...base, gateway: event.data.gateway, payment_link_error: event.data.reason } });
        return;
      case 'InvoiceGatewayCallbackReceived':
        // Kept in the log (the billing history reads it there); only the revision moves here.
        await applyOnce(invoices, id, pos, { $set: base });
        return;
      default:
        break;
    }
    const current = await invoices.findOne({ _id: id });
    if (!current || (typeof current[APPLIED_POSITION] === 'number' && (current[APPLIED_POSITION] as number) >= pos)) return;
    const status = async (to: InvoiceStatus, set: Record<string, unknown>) => {
      await applyOnce(invoices, id, pos, { $set: { ...base, ...set, status: to } });
      const paid = typeof set.paid_amount === 'number' ? set.paid_amount : current.paid_amount;
      await moveRevenue(revenue, current, { status: current.status, paid: current.paid_amount }, { status: to, paid });
    };
    switch (event.type) {
      case 'InvoiceIssued':
        await status('issued', {});
        return;
      case 'InvoicePaymentRecorded': {
        const paidAmount = current.paid_amount + event.data.amount;
        await applyOnce(invoices, id, pos, { $set: { ...base, paid_amount: paidAmount } });
        await moveRevenue(revenue, current, { status: current.status, paid: current.paid_amount }, { status: current.status, paid: paidAmount });
        return;
      }
      case 'InvoicePaid':
        await status('paid', { paid_amount: event.data.paidAmount, paid_at: event.data.paidAt, status_reason: null });
        return;
      case 'InvoiceMarkedOverdue':
        await status('overdue', { status_reason: event.data.reason });
        return;
      case 'InvoiceVoided':
        await status('void', { status_reason: event.data.reason });
        return;
      case 'InvoiceRefundRecorded':
        // paid_amount is what stays paid; a paid invoice refunded in full is `refunded`.
        await status(event.data.status, { paid_amount: event.data.netPaid, refunded_amount: event.data.refundedAmount, ...(event.data.status === 'refunded' ? { status_reason: event.data.reason } : {}) });
        return;
      default:
        return;
    }
  },
};
