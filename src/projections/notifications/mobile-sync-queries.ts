import type { ReadStore } from '../../ports/read-store';
import { APPLIED_POSITION } from '../engine/projector';
import { rangeFilter, type SyncRange } from './sync-range';
import { TICKETS, type TicketCommentEntry, type TicketDoc } from '../tickets/projector';
import { MOBILE_COMMENTS, MOBILE_TICKET_LINKS, type MobileCommentRefDoc, type MobileTicketLinkDoc } from './mobile-sync-projector';

/** The technician's ticket links that changed in the range, oldest change first. */
export function ticketLinksChanged(readStore: ReadStore, technicianId: string, range: SyncRange): Promise<MobileTicketLinkDoc[]> {
  return readStore
    .collection<MobileTicketLinkDoc>(MOBILE_TICKET_LINKS)
    .find({ technician_id: technicianId, ...rangeFilter(range) }, { sort: { [APPLIED_POSITION]: 1, _id: 1 } });
}

/** A comment as mobile sync reports it: the ticket's comment entry and its ticket. */
export interface ChangedComment extends TicketCommentEntry {
  ticket_id: string;
}

/**
 * Comments added in the range to tickets assigned to the technician at the time, oldest first:
 * the references of mobile_comments, read from the tickets read model. Every event up to the
 * range's end is applied to both, so each reference finds its comment.
 */
export async function commentsChanged(readStore: ReadStore, technicianId: string, range: SyncRange): Promise<ChangedComment[]> {
  const refs = await readStore
    .collection<MobileCommentRefDoc>(MOBILE_COMMENTS)
    .find({ technician_id: technicianId, ...rangeFilter(range) }, { sort: { [APPLIED_POSITION]: 1, _id: 1 } });
  if (refs.length === 0) return [];
  const tickets = await readStore
    .collection<TicketDoc>(TICKETS)
    .find({ _id: { $in: [...new Set(refs.map((r) => r.ticket_id))] } }, { projection: { comments: 1 } });
  const byId = new Map<string, TicketCommentEntry>();
  for (const t of tickets) for (const c of t.comments) byId.set(c.id, c);
  return refs.flatMap((r) => {
    const c = byId.get(r._id);
    return c ? [{ ...c, ticket_id: r.ticket_id }] : [];
  });
}
