import type { ReadStore } from '../../ports/read-store';
import { AUDIT_CUSTOMER_STREAMS, AUDIT_EVENTS, type AuditEventDoc, type CustomerStreamDoc } from './projector';
import { pageWithTotal } from '../engine/page';

/** One page of the events recorded with a request or correlation id, in log order, and how many there are. */
export async function eventsByLookupId(
  readStore: ReadStore,
  id: string,
  page: { skip: number; limit: number },
): Promise<{ items: AuditEventDoc[]; total: number }> {
  const col = readStore.collection<AuditEventDoc>(AUDIT_EVENTS);
  return pageWithTotal(col, { ids: id }, { sort: { position: 1 }, skip: page.skip, limit: page.limit });
}

/** The streams whose events name the customer, in the order they first did (the customer's own stream first). */
export async function streamsOfCustomer(readStore: ReadStore, customerId: string): Promise<string[]> {
  const docs = await readStore.collection<CustomerStreamDoc>(AUDIT_CUSTOMER_STREAMS).find({ customer_id: customerId }, { sort: { position: 1 } });
  return docs.map((d) => d._id);
}
