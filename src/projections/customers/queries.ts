import type { Filter, ReadStore, SortSpec } from '../../ports/read-store';
import { CUSTOMERS, type CustomerDoc } from './projector';
import { searchFilter } from './search';
import { pageWithTotal } from '../engine/page';

export interface CustomerListQuery {
  /** Word-prefix search on name, phone, email and nik (see ./search.ts). */
  search?: string;
  /** Case-insensitive exact service area. */
  serviceArea?: string;
  /** Inclusive bounds on created_at (ISO-8601 strings). */
  createdFrom?: string;
  createdTo?: string;
  skip: number;
  limit: number;
}

/** Newest first; the customer number breaks ties (every list index ends with these two). */
export const CUSTOMER_LIST_SORT: SortSpec = { created_at: -1, number: -1 };

export function customerListFilter(q: Omit<CustomerListQuery, 'skip' | 'limit'>): Filter {
  const filter: Filter = {};
  if (q.serviceArea !== undefined) filter.service_area_key = q.serviceArea.trim().toLowerCase();
  if (q.createdFrom !== undefined || q.createdTo !== undefined) {
    filter.created_at = {
      ...(q.createdFrom !== undefined ? { $gte: q.createdFrom } : {}),
      ...(q.createdTo !== undefined ? { $lte: q.createdTo } : {}),
    };
  }
  const search = q.search ? searchFilter(q.search) : null;
  if (search) Object.assign(filter, search);
  return filter;
}

/** GET /api/customers, served by the customers indexes (see the projector). */
export async function listCustomers(readStore: ReadStore, q: CustomerListQuery): Promise<{ items: CustomerDoc[]; total: number }> {
  const filter = customerListFilter(q);
  const col = readStore.collection<CustomerDoc>(CUSTOMERS);
  return pageWithTotal(col, filter, { sort: CUSTOMER_LIST_SORT, skip: q.skip, limit: q.limit });
}

export function getCustomer(readStore: ReadStore, customerId: string): Promise<CustomerDoc | null> {
  return readStore.collection<CustomerDoc>(CUSTOMERS).findOne({ _id: customerId });
}

/** The customer whose login account `userId` is (a `customer` user sees only this record). */
export function findCustomerByUserId(readStore: ReadStore, userId: string): Promise<CustomerDoc | null> {
  return readStore.collection<CustomerDoc>(CUSTOMERS).findOne({ user_id: userId });
}

/** By document 002's integer id. */
export function findCustomerByNumber(readStore: ReadStore, number: number): Promise<CustomerDoc | null> {
  return readStore.collection<CustomerDoc>(CUSTOMERS).findOne({ number });
}
