import type { InvoiceStatus } from '../../domain/invoice';
import type { Filter, ReadStore } from '../../ports/read-store';
import { DOTMAC_ADMIN_INVOICES, DOTMAC_PAYMENTS, type AdminInvoiceDoc, type AdminPaymentDoc, type PaymentStatus } from './projector';
import { pageWithTotal } from '../engine/page';

export interface AdminInvoiceQuery {
  customerId?: string;
  status?: InvoiceStatus;
  /** Issue dates, inclusive (YYYY-MM-DD). */
  from?: string;
  to?: string;
  /** Totals, inclusive, minor units. */
  minTotal?: number;
  maxTotal?: number;
  skip: number;
  limit: number;
}

export async function listAdminInvoices(readStore: ReadStore, q: AdminInvoiceQuery): Promise<{ items: AdminInvoiceDoc[]; total: number }> {
  const filter: Filter = {};
  if (q.customerId) filter.customer_id = q.customerId;
  if (q.status) filter.status = q.status;
  if (q.from || q.to) filter.issue_date = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  if (q.minTotal !== undefined || q.maxTotal !== undefined) filter.total = { ...(q.minTotal !== undefined ? { $gte: q.minTotal } : {}), ...(q.maxTotal !== undefined ? { $lte: q.maxTotal } : {}) };
  const col = readStore.collection<AdminInvoiceDoc>(DOTMAC_ADMIN_INVOICES);
  return pageWithTotal(col, filter, { sort: { issue_date: -1, id: -1 }, skip: q.skip, limit: q.limit });
}

export function getAdminInvoice(readStore: ReadStore, invoiceId: number): Promise<AdminInvoiceDoc | null> {
  return readStore.collection<AdminInvoiceDoc>(DOTMAC_ADMIN_INVOICES).findOne({ _id: String(invoiceId) });
}

export interface PaymentQuery {
  customerId?: string;
  invoiceId?: number;
  status?: PaymentStatus;
  skip: number;
  limit: number;
}

export async function listPayments(readStore: ReadStore, q: PaymentQuery): Promise<{ items: AdminPaymentDoc[]; total: number }> {
  const filter: Filter = {};
  if (q.customerId) filter.customer_id = q.customerId;
  if (q.invoiceId !== undefined) filter.invoice_id = q.invoiceId;
  if (q.status) filter.status = q.status;
  const col = readStore.collection<AdminPaymentDoc>(DOTMAC_PAYMENTS);
  return pageWithTotal(col, filter, { sort: { payment_date: -1, id: -1 }, skip: q.skip, limit: q.limit });
}

export function getPayment(readStore: ReadStore, paymentId: number): Promise<AdminPaymentDoc | null> {
  return readStore.collection<AdminPaymentDoc>(DOTMAC_PAYMENTS).findOne({ _id: String(paymentId) });
}
