import {
  commentsChanged,
  notificationsChanged,
  ticketLinksChanged,
  type SyncRange,
} from '../../../projections/notifications';
import { TICKETS, type TicketDoc } from '../../../projections/tickets/projector';
import { lookupParties } from '../../../projections/tickets/queries';
import type { ApiDeps } from '../../deps';
import { presentNotification } from '../notifications/presenter';
import { commentsOf, historiesOf } from '../tickets/access';
import { presentTicketDetail, presentUser, usersNamedBy } from '../tickets/presenter';
import { encodeSyncToken, type SyncStart } from './sync-token';

/**
 * POST /api/mobile/sync for one technician: what changed for them in a range of log positions.
 *
 * The new token's position P is where the read models stand when the sync runs (every event up
 * to P applied). A token's position P0 first has to be reached (a sync answered by another
 * instance may be ahead of this one); the range is then (P0, P]. Documents carry the position of
 * the last event applied to them (`_pos`), so a document changed after P is not in this answer
 * but in the next one, whose range starts at P.
 */
export async function syncTechnician(deps: ApiDeps, technicianId: string, start: SyncStart, fileUrl: (fileId: string) => string) {
  let range: SyncRange;
  if (start.kind === 'token') {
    await deps.sync.waitFor(start.position, deps.settings.readYourWritesTimeoutMs);
    const upTo = Math.max(deps.sync.status().position, start.position);
    range = { after: start.position, upTo };
  } else {
    const upTo = deps.sync.status().position;
    range = start.kind === 'since' ? { since: start.since, upTo } : { upTo };
  }

  const [links, comments, notifications] = await Promise.all([
    ticketLinksChanged(deps.readStore, technicianId, range),
    commentsChanged(deps.readStore, technicianId, range),
    notificationsChanged(deps.readStore, technicianId, range),
  ]);
  const assignedIds = links.filter((l) => l.assigned).map((l) => l.ticket_id);
  // A first sync has nothing to remove; afterwards, tickets taken away in the range.
  const removed = start.kind === 'full' ? [] : links.filter((l) => !l.assigned).map((l) => l.ticket_id);

  const found = assignedIds.length
    ? await deps.readStore.collection<TicketDoc>(TICKETS).find({ _id: { $in: assignedIds } })
    : [];
  const byId = new Map(found.map((d) => [d._id, d]));
  // In link order (oldest change first); a ticket the tickets read model already shows with
  // another technician is reported removed by the next sync (its link changed after P).
  const tickets = assignedIds.map((id) => byId.get(id)).filter((d): d is TicketDoc => d !== undefined && d.technician_id === technicianId);

  const [histories, ticketComments] = await Promise.all([historiesOf(deps, tickets), commentsOf(deps, tickets)]);
  const parties = await lookupParties(
    deps.readStore,
    tickets.map((d) => d.customer_id),
    [...tickets.flatMap((d, i) => usersNamedBy(d, histories[i]!, ticketComments[i]!)), ...comments.map((c) => c.user_id)],
  );
  return {
    // Uploaded attachments get freshly signed URLs from the presenter.
    tickets: tickets.map((doc, i) => presentTicketDetail(doc, histories[i]!, ticketComments[i]!, parties, fileUrl)),
    comments: comments.map((c) => ({
      id: c.id,
      ticket_id: c.ticket_id,
      user: presentUser(c.user_id, c.user_role, parties),
      comment: c.comment,
      attachments: c.attachments,
      created_at: c.created_at,
    })),
    notifications: notifications.map(presentNotification),
    removed_ticket_ids: removed,
    sync_token: encodeSyncToken({ position: range.upTo, userId: technicianId }),
    full_sync: start.kind === 'full',
    server_time: deps.commands.clock.now().toISOString(),
  };
}

