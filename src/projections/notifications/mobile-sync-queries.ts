import type { ReadStore } from '../../ports/read-store';
import { APPLIED_POSITION } from '../engine/projector';
import { rangeFilter, type SyncRange } from './sync-range';
import type { TicketCommentEntry } from '../tickets/projector';
import { commentsById } from '../tickets/queries';
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
 * the references of mobile_comments, read from the tickets read model (queries.ts commentsById). Every event up to the
 * range's end is applied to both, so each reference finds its comment.
 */
export async function commentsChanged(readStore: ReadStore, technicianId: string, range: SyncRange): Promise<ChangedComment[]> {
  const refs = await readStore
    .collection<MobileCommentRefDoc>(MOBILE_COMMENTS)
    .find({ technician_id: technicianId, ...rangeFilter(range) }, { sort: { [APPLIED_POSITION]: 1, _id: 1 } });
  const byId = await commentsById(
    readStore,
    refs.map((r) => ({ id: r._id, ticket_id: r.ticket_id })),
  );
  return refs.flatMap((r) => {
    const c = byId.get(r._id);
    return c ? [{ ...c, ticket_id: r.ticket_id }] : [];
  });
}
