import type { InvoiceStatus } from '../../domain/invoice';
import type { Filter, ReadStore } from '../../ports/read-store';
import { BILLING_INVOICES, BILLING_PAYMENTS, BILLING_REVENUE_DAILY, type InvoiceDoc, type PaymentDoc, type RevenueDailyDoc } from './projector';
import { pageWithTotal } from '../engine/page';

export interface InvoiceListQuery {
  pelangganId?: number;
  status?: InvoiceStatus;
  periode?: string;
  skip: number;
  limit: number;
}

export const INVOICE_SORT = { id: -1 } as const;

export function invoiceFilter(q: Omit<InvoiceListQuery, 'skip' | 'limit'>): Filter {
  const filter: Filter = {};
  if (q.pelangganId !== undefined) filter.pelanggan_id = q.pelangganId;
  if (q.periode !== undefined) filter.periode = q.periode;
  if (q.status !== undefined) filter.status = q.status;
  return filter;
}

/** GET /api/invoices/: newest first, every filter combination on an index (see the projector). */
export async function listInvoices(readStore: ReadStore, q: InvoiceListQuery): Promise<{ items: InvoiceDoc[]; total: number }> {
  const col = readStore.collection<InvoiceDoc>(BILLING_INVOICES);
  const filter = invoiceFilter(q);
  return pageWithTotal(col, filter, { sort: INVOICE_SORT, skip: q.skip, limit: q.limit });
}

export function getInvoice(readStore: ReadStore, invoiceId: number): Promise<InvoiceDoc | null> {
  return readStore.collection<InvoiceDoc>(BILLING_INVOICES).findOne({ _id: String(invoiceId) });
}

export function findInvoiceByExternalId(readStore: ReadStore, externalId: string): Promise<InvoiceDoc | null> {
  return readStore.collection<InvoiceDoc>(BILLING_INVOICES).findOne({ xendit_external_id: externalId });
}

/** Whether the customer has an invoice (of any status) for the period: the monthly job skips it. */
export async function hasInvoiceFor(readStore: ReadStore, pelangganId: number, periode: string): Promise<boolean> {
  return (await readStore.collection<InvoiceDoc>(BILLING_INVOICES).countDocuments({ pelanggan_id: pelangganId, periode })) > 0;
}

/** Issued invoices due before `today` (the overdue job), by id after `afterId`. */
export function issuedPastDue(readStore: ReadStore, today: string, afterId = 0, limit = 1000): Promise<InvoiceDoc[]> {
  return readStore
    .collection<InvoiceDoc>(BILLING_INVOICES)
    .find({ status: 'issued', tanggal_jatuh_tempo: { $lt: today }, id: { $gt: afterId } }, { sort: { id: 1 }, limit, projection: { id: 1, customer_id: 1 } });
}

/** Overdue invoices due before `before` (the suspension job: past the grace period). */
export function overdueDueBefore(readStore: ReadStore, before: string, afterId = 0, limit = 1000): Promise<InvoiceDoc[]> {
  return readStore
    .collection<InvoiceDoc>(BILLING_INVOICES)
    .find(
      { status: 'overdue', tanggal_jatuh_tempo: { $lt: before }, id: { $gt: afterId } },
      { sort: { id: 1 }, limit, projection: { id: 1, customer_id: 1, pelanggan_id: 1, tanggal_jatuh_tempo: 1 } },
    );
}

/** A customer's overdue invoices due before `before` (reactivation waits until there are none). */
export function overdueOfPelanggan(readStore: ReadStore, pelangganId: number, before: string): Promise<InvoiceDoc[]> {
  return readStore
    .collection<InvoiceDoc>(BILLING_INVOICES)
    .find({ pelanggan_id: pelangganId, status: 'overdue', tanggal_jatuh_tempo: { $lt: before } }, { sort: { id: -1 } });
}

/** Every invoice of a customer, newest first (its billing history, the pelanggan detail). */
export function invoicesOfPelanggan(readStore: ReadStore, pelangganId: number): Promise<InvoiceDoc[]> {
  return readStore.collection<InvoiceDoc>(BILLING_INVOICES).find({ pelanggan_id: pelangganId }, { sort: INVOICE_SORT, projection: { id: 1 } });
}

export function paymentsOfPelanggan(readStore: ReadStore, pelangganId: number): Promise<PaymentDoc[]> {
  return readStore.collection<PaymentDoc>(BILLING_PAYMENTS).find({ pelanggan_id: pelangganId }, { sort: { id: -1 }, projection: { id: 1 } });
}

export function paymentsOfInvoice(readStore: ReadStore, invoiceId: number): Promise<PaymentDoc[]> {
  return readStore.collection<PaymentDoc>(BILLING_PAYMENTS).find({ invoice_id: invoiceId }, { sort: { id: 1 } });
}

export function countInvoices(readStore: ReadStore, filter: Filter): Promise<number> {
  return readStore.collection<InvoiceDoc>(BILLING_INVOICES).countDocuments(filter);
}

/** The revenue counters of invoices dated from `from` to `to` (inclusive, YYYY-MM-DD). */
export function revenueCounters(readStore: ReadStore, from: string | null, to: string | null): Promise<RevenueDailyDoc[]> {
  const date: Record<string, string> = {};
  if (from) date.$gte = from;
  if (to) date.$lte = to;
  return readStore.collection<RevenueDailyDoc>(BILLING_REVENUE_DAILY).find(Object.keys(date).length ? { date } : {}, { sort: { date: 1 } });
}

export interface RevenueGroup {
  key: string;
  count: number;
  total: number;
  paid: number;
  outstanding: number;
}

/** Sums counters by month, brand or status (voided invoices are counted but owe nothing). */
export function groupRevenue(counters: readonly RevenueDailyDoc[], by: 'month' | 'brand' | 'status'): RevenueGroup[] {
  const groups = new Map<string, RevenueGroup>();
  for (const c of counters) {
    if (c.count === 0) continue;
    const key = by === 'month' ? c.month : by === 'brand' ? c.id_brand : c.status;
    const g = groups.get(key) ?? { key, count: 0, total: 0, paid: 0, outstanding: 0 };
    g.count += c.count;
    g.total += c.total;
    g.paid += c.paid;
    if (c.status === 'issued' || c.status === 'overdue') g.outstanding += c.total - c.paid;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
