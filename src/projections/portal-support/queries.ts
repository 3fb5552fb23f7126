import type { TicketPriority, TicketStatus } from '../../domain/ticket';
import type { Filter, ReadStore } from '../../ports/read-store';
import { DETAIL_FIELDS, TICKETS, type TicketDoc } from '../tickets/projector';
import { DEFAULT_TICKET_SORT } from '../tickets/queries';
import { pageWithTotal } from '../engine/page';

/**
 * The customer portal's reads of the tickets read model (the same tickets the technicians work
 * on): a customer's tickets, newest first, on the `{ customer_id, created_at, number }` index;
 * status and priority (lists of canonical values: a 004 value names one or two) are checked on
 * the customer's few candidates.
 */
export async function customerTickets(
  readStore: ReadStore,
  customerId: string,
  f: { statuses?: readonly TicketStatus[]; priorities?: readonly TicketPriority[] },
  page: { skip: number; limit: number },
): Promise<{ items: TicketDoc[]; total: number }> {
  const filter: Filter = { customer_id: customerId };
  if (f.statuses) filter.status = f.statuses.length === 1 ? f.statuses[0] : { $in: [...f.statuses] };
  if (f.priorities) filter.priority = f.priorities.length === 1 ? f.priorities[0] : { $in: [...f.priorities] };
  const col = readStore.collection<TicketDoc>(TICKETS);
  const projection = Object.fromEntries(DETAIL_FIELDS.map((k) => [k, 0 as const]));
  return pageWithTotal(col, filter, { sort: DEFAULT_TICKET_SORT, skip: page.skip, limit: page.limit, projection });
}

/** One ticket, only if it is the customer's (else null: another customer's ticket names nothing). */
export async function customerTicket(readStore: ReadStore, customerId: string, ticketId: string): Promise<TicketDoc | null> {
  const doc = await readStore.collection<TicketDoc>(TICKETS).findOne({ _id: ticketId });
  return doc && doc.customer_id === customerId ? doc : null;
}
