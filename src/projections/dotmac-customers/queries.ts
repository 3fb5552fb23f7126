import type { Filter, ReadStore } from '../../ports/read-store';
import { searchFilter } from '../customers/search';
import { DOTMAC_CUSTOMERS, type AccountStatus, type DotmacCustomerDoc } from './projector';
import { pageWithTotal } from '../engine/page';

export interface DotmacCustomerQuery {
  customerType?: string;
  status?: AccountStatus;
  search?: string;
  skip: number;
  limit: number;
}

export async function listDotmacCustomers(readStore: ReadStore, q: DotmacCustomerQuery): Promise<{ items: DotmacCustomerDoc[]; total: number }> {
  const filter: Filter = {};
  if (q.customerType) filter.customer_type = q.customerType;
  if (q.status) filter.account_status = q.status;
  const search = q.search ? searchFilter(q.search) : null;
  if (search) Object.assign(filter, search);
  const col = readStore.collection<DotmacCustomerDoc>(DOTMAC_CUSTOMERS);
  return pageWithTotal(col, filter, { sort: { created_at: -1, number: -1 }, skip: q.skip, limit: q.limit });
}

export function getDotmacCustomer(readStore: ReadStore, customerId: string): Promise<DotmacCustomerDoc | null> {
  return readStore.collection<DotmacCustomerDoc>(DOTMAC_CUSTOMERS).findOne({ _id: customerId });
}

export function countDotmacCustomers(readStore: ReadStore, filter: Filter = {}): Promise<number> {
  return readStore.collection<DotmacCustomerDoc>(DOTMAC_CUSTOMERS).countDocuments(filter);
}
