import { TICKET_EVENT_TYPES, type TicketEvent } from '../../domain/ticket';
import type { Doc } from '../../ports/read-store';
import { APPLIED_POSITION, applyOnce, insertOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const MOBILE_TICKET_LINKS = 'mobile_ticket_links';
export const MOBILE_COMMENTS = 'mobile_comments';
/** Per ticket: its current technician and the last ticket event applied (the replay guard). */
export const MOBILE_TICKET_OWNERS = 'mobile_ticket_owners';

interface TicketOwnerDoc extends Doc {
  technician_id: string | null;
}

/**
 * A technician's link to a ticket: `assigned` while the ticket is theirs, false once it was
 * reassigned away. `_pos` is the position of the last event that changed the ticket while it
 * was theirs (or that took it away), so "what changed for this technician between two sync
 * tokens" is a range on `_pos` in one index.
 */
export interface MobileTicketLinkDoc extends Doc {
  technician_id: string;
  ticket_id: string;
  assigned: boolean;
  /** Time of the last event applied to the link. */
  changed_at: string;
}

/**
 * A comment added to a ticket while it was assigned to `technician_id`: a reference only (its
 * position, in `_pos`, and time). What it says lives once, in the tickets read model, and is
 * read from there at sync time (commentsChanged).
 */
export interface MobileCommentRefDoc extends Doc {
  technician_id: string;
  ticket_id: string;
  changed_at: string;
}

export const linkId = (technicianId: string, ticketId: string): string => `${technicianId}:${ticketId}`;

/**
 * What changed for each technician, for POST /api/mobile/sync. Fed by the ticket events only,
 * in log order, so it is rebuild-safe: the ticket's current technician is kept beside the links
 * (mobile_ticket_owners), which also records the last ticket event applied, so an event
 * delivered again (even after later ones, on a restart from an older checkpoint) changes
 * nothing. The tickets themselves (with comments and attachments) are read from the tickets
 * read model at sync time.
 */
export const mobileSyncProjector: Projector = {
  name: 'mobile_sync',
  handles: TICKET_EVENT_TYPES,
  collections: {
    [MOBILE_TICKET_LINKS]: [
      { keys: { technician_id: 1, _pos: 1 } },
      { keys: { technician_id: 1, changed_at: 1 } },
    ],
    [MOBILE_TICKET_OWNERS]: [],
    [MOBILE_COMMENTS]: [
      { keys: { technician_id: 1, _pos: 1 } },
      { keys: { technician_id: 1, changed_at: 1 } },
    ],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & TicketEvent;
    const links = ctx.collection<MobileTicketLinkDoc>(MOBILE_TICKET_LINKS);
    const comments = ctx.collection<MobileCommentRefDoc>(MOBILE_COMMENTS);
    const at = event.metadata.timestamp;
    const pos = event.position;
    const ticketId = event.data.ticketId;
    const touch = (technicianId: string, assigned: boolean) =>
      applyOnce(
        links,
        linkId(technicianId, ticketId),
        pos,
        { $set: { technician_id: technicianId, ticket_id: ticketId, assigned, changed_at: at } },
        { upsert: true },
      );

    const owners = ctx.collection<TicketOwnerDoc>(MOBILE_TICKET_OWNERS);
    const owner = await owners.findOne({ _id: ticketId });
    if (owner && typeof owner[APPLIED_POSITION] === 'number' && owner[APPLIED_POSITION] >= pos) return; // handled already
    const technicianId = owner?.technician_id ?? null;

    if (event.type === 'TicketAssigned') {
      const d = event.data;
      if (d.previousTechnicianId && d.previousTechnicianId !== d.technicianId) await touch(d.previousTechnicianId, false);
      await touch(d.technicianId, true);
      await applyOnce(owners, ticketId, pos, { $set: { technician_id: d.technicianId } }, { upsert: true });
      return;
    }
    if (technicianId !== null) {
      await touch(technicianId, true);
      if (event.type === 'TicketCommentAdded') {
        const d = event.data;
        await insertOnce<MobileCommentRefDoc>(comments, { _id: d.commentId, technician_id: technicianId, ticket_id: ticketId, changed_at: at }, pos);
      }
    }
    // Created (nobody's yet) and every other event: remember that it was handled.
    await applyOnce(owners, ticketId, pos, event.type === 'TicketCreated' ? { $set: { technician_id: null } } : {}, { upsert: true });
  },
};
