import type { InvoiceStatus } from '../../domain/invoice';
import type { Filter, ReadStore } from '../../ports/read-store';
import { DOTMAC_INVOICES, type DotmacInvoiceWithLines } from './projector';
import { pageWithTotal } from '../engine/page';

export interface CustomerInvoiceQuery {
  customerId: string;
  /** Canonical statuses; default: every status but draft (a draft is not the customer's yet). */
  statuses?: readonly InvoiceStatus[];
  /** Issue dates, inclusive, YYYY-MM-DD. */
  from?: string;
  to?: string;
  skip: number;
  limit: number;
}

export const CUSTOMER_VISIBLE: readonly InvoiceStatus[] = ['issued', 'paid', 'overdue', 'void', 'refunded'];
const SORT = { customer_id: 1, issue_date: -1, id: -1 } as const;

export function customerInvoiceFilter(q: Omit<CustomerInvoiceQuery, 'skip' | 'limit'>): Filter {
  const statuses = q.statuses ?? CUSTOMER_VISIBLE;
  const filter: Filter = { customer_id: q.customerId, status: statuses.length === 1 ? statuses[0] : { $in: [...statuses] } };
  if (q.from || q.to) filter.issue_date = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  return filter;
}

/** A page of a customer's invoices, newest first, and the total. */
export async function listCustomerInvoices(readStore: ReadStore, q: CustomerInvoiceQuery): Promise<{ items: DotmacInvoiceWithLines[]; total: number }> {
  const col = readStore.collection<DotmacInvoiceWithLines>(DOTMAC_INVOICES);
  const filter = customerInvoiceFilter(q);
  return pageWithTotal(col, filter, { sort: SORT, skip: q.skip, limit: q.limit });
}

/** What the summary needs of every invoice the customer sees (a customer has a few dozen). */
export function customerInvoiceFigures(readStore: ReadStore, customerId: string): Promise<DotmacInvoiceWithLines[]> {
  return readStore
    .collection<DotmacInvoiceWithLines>(DOTMAC_INVOICES)
    .find(customerInvoiceFilter({ customerId }), { sort: SORT, projection: { id: 1, status: 1, issue_date: 1, due_date: 1, total: 1, paid_amount: 1, refunded_amount: 1, currency: 1 } });
}

/** One invoice, only if it is the customer's and not a draft (else null: it names nothing for them). */
export async function getCustomerInvoice(readStore: ReadStore, customerId: string, invoiceId: number): Promise<DotmacInvoiceWithLines | null> {
  const doc = await readStore.collection<DotmacInvoiceWithLines>(DOTMAC_INVOICES).findOne({ _id: String(invoiceId) });
  return doc && doc.customer_id === customerId && doc.status !== 'draft' ? doc : null;
}

export function getDotmacInvoice(readStore: ReadStore, invoiceId: number): Promise<DotmacInvoiceWithLines | null> {
  return readStore.collection<DotmacInvoiceWithLines>(DOTMAC_INVOICES).findOne({ _id: String(invoiceId) });
}
