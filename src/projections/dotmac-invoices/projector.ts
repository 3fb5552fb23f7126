import type { InvoiceEvent, InvoiceStatus } from '../../domain/invoice';
import type { Doc } from '../../ports/read-store';
import { applyOnce, insertOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const DOTMAC_INVOICES = 'dotmac_invoices';

/**
 * The invoices as document 004 shows them (the customer portal's list, detail and PDF; the
 * admin API may read it too): one document per invoice (`_id` the invoice id) with the lines,
 * their tax and service period, subtotal, tax and total, what was paid and refunded, from the
 * Invoice events. Statuses are the canonical ones (draft, issued, paid, overdue, void,
 * refunded); the 004 words are the presenter's (src/api/dotmac/vocabulary.ts). Money in minor units.
 */
export interface DotmacInvoiceLine {
  description: string;
  quantity: number;
  unit_price: number;
  /** quantity × unit price, before tax. */
  amount: number;
  tax: number;
  /** Millionths (0.08 → 80000); null: untaxed. */
  tax_rate_ppm: number | null;
  service_id: number | null;
  service_period: string | null;
}

export interface DotmacInvoiceDoc extends Doc {
  id: number;
  number: string;
  customer_id: string;
  pelanggan_id: number;
  brand_id: string;
  period: string;
  status: InvoiceStatus;
  issue_date: string;
  due_date: string;
  paid_at: string | null;
  subtotal: number;
  tax: number;
  total: number;
  /** Paid over time (gross) and given back: what stays paid is paid_amount − refunded_amount. */
  paid_amount: number;
  refunded_amount: number;
  currency: string;
  notes: string | null;
  subscription_id: number | null;
  line_items: DotmacInvoiceLine[];
  revision: number;
  created_at: string;
  updated_at: string;
}

export const dotmacInvoicesProjector: Projector = {
  name: 'dotmac_invoices',
  handles: ['InvoiceCreated', 'InvoiceIssued', 'InvoicePaymentRecorded', 'InvoicePaid', 'InvoiceMarkedOverdue', 'InvoiceVoided', 'InvoiceRefundRecorded'],
  collections: {
    // A customer's invoices newest first, with or without a status; issue date ranges on the same index.
    [DOTMAC_INVOICES]: [{ keys: { customer_id: 1, issue_date: -1, id: -1 } }, { keys: { customer_id: 1, status: 1, issue_date: -1, id: -1 } }],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & InvoiceEvent;
    const col = ctx.collection<DotmacInvoiceDoc>(DOTMAC_INVOICES);
    const id = String(event.data.invoiceId);
    const at = event.metadata.timestamp;
    const set = (fields: Record<string, unknown>, inc?: Record<string, number>) =>
      applyOnce(col, id, event.position, { $set: { ...fields, revision: event.revision, updated_at: at }, ...(inc ? { $inc: inc } : {}) });
    switch (event.type) {
      case 'InvoiceCreated': {
        const d = event.data;
        const lines: DotmacInvoiceLine[] = d.items.map((i) => ({
          description: i.description,
          quantity: i.quantity,
          unit_price: i.unitPrice,
          amount: i.amount,
          tax: i.tax ?? 0,
          tax_rate_ppm: i.taxRatePpm ?? null,
          service_id: i.serviceId ?? null,
          service_period: i.servicePeriod ?? null,
        }));
        const subtotal = d.subtotal ?? lines.reduce((s, l) => s + l.amount, 0);
        await insertOnce<DotmacInvoiceDoc>(
          col,
          {
            _id: id,
            id: d.invoiceId,
            number: d.number,
            customer_id: d.customerId,
            pelanggan_id: d.pelangganId,
            brand_id: d.brandId,
            period: d.period,
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
            subscription_id: d.subscriptionId,
            line_items: lines,
            revision: event.revision,
            created_at: d.createdAt,
            updated_at: d.createdAt,
          },
          event.position,
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
        await set({ status: event.data.status, paid_amount: event.data.netPaid + event.data.refundedAmount, refunded_amount: event.data.refundedAmount });
        return;
      default:
        return;
    }
  },
};

export type DotmacInvoiceWithLines = DotmacInvoiceDoc;
