import type { Filter, ReadStore } from '../../ports/read-store';
import type { DotmacTicketPriority, DotmacTicketStatus, TicketCategory } from '../../domain/ticket/dotmac-vocabulary';
import { DOTMAC_TICKETS, type DotmacTicketDoc } from './projector';
import { pageWithTotal } from '../engine/page';

export interface SupportTicketQuery {
  status?: DotmacTicketStatus;
  priority?: DotmacTicketPriority;
  category?: TicketCategory;
  assignedTo?: string;
  /** Inclusive bounds on created_at (ISO-8601). */
  createdFrom?: string;
  createdTo?: string;
  slaBreach?: boolean;
  skip: number;
  limit: number;
}

export async function listSupportTickets(readStore: ReadStore, q: SupportTicketQuery): Promise<{ items: DotmacTicketDoc[]; total: number }> {
  const filter: Filter = {};
  if (q.status) filter.status = q.status;
  if (q.priority) filter.priority = q.priority;
  if (q.category) filter.category = q.category;
  if (q.assignedTo) filter.assigned_to = q.assignedTo;
  if (q.slaBreach !== undefined) filter.sla_breached = q.slaBreach;
  if (q.createdFrom || q.createdTo) filter.created_at = { ...(q.createdFrom ? { $gte: q.createdFrom } : {}), ...(q.createdTo ? { $lte: q.createdTo } : {}) };
  const col = readStore.collection<DotmacTicketDoc>(DOTMAC_TICKETS);
  return pageWithTotal(col, filter, { sort: { created_at: -1, number: -1 }, skip: q.skip, limit: q.limit });
}

export function getSupportTicket(readStore: ReadStore, ticketId: string): Promise<DotmacTicketDoc | null> {
  return readStore.collection<DotmacTicketDoc>(DOTMAC_TICKETS).findOne({ _id: ticketId });
}

/** Tickets still being worked (004 open or in_progress): a count on the status index. */
export function countOpenTickets(readStore: ReadStore): Promise<number> {
  return readStore.collection<DotmacTicketDoc>(DOTMAC_TICKETS).countDocuments({ status: { $in: ['open', 'in_progress'] } });
}
