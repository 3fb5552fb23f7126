import type { ReadStore } from '../../ports/read-store';
import { APPLIED_POSITION } from '../engine/projector';
import { rangeFilter, type SyncRange } from './sync-range';
import { MOBILE_COMMENTS, MOBILE_TICKET_LINKS, type MobileCommentDoc, type MobileTicketLinkDoc } from './mobile-sync-projector';

/** The technician's ticket links that changed in the range, oldest change first. */
export function ticketLinksChanged(readStore: ReadStore, technicianId: string, range: SyncRange): Promise<MobileTicketLinkDoc[]> {
  return readStore
    .collection<MobileTicketLinkDoc>(MOBILE_TICKET_LINKS)
    .find({ technician_id: technicianId, ...rangeFilter(range) }, { sort: { [APPLIED_POSITION]: 1, _id: 1 } });
}

/** Comments added in the range to tickets assigned to the technician at the time. */
export function commentsChanged(readStore: ReadStore, technicianId: string, range: SyncRange): Promise<MobileCommentDoc[]> {
  return readStore
    .collection<MobileCommentDoc>(MOBILE_COMMENTS)
    .find({ technician_id: technicianId, ...rangeFilter(range) }, { sort: { [APPLIED_POSITION]: 1, _id: 1 } });
}
