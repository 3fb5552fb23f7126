import type { TicketEvent } from '../../domain/ticket';
import { INVENTORY_NOTIFICATION_TYPES } from './inventory-notifications';
import { BILLING_NOTIFICATION_TYPES } from './billing-notifications';

/**
 * Who gets which notification for a ticket event: pure, so the rules are tested on their own
 * (plan.unit.test.ts). The projector looks up the facts (its own collections) and writes the
 * documents. Rules (docs/api/000-notifications-realtime-mobile.md):
 *
 *  - TicketAssigned: the new technician (`ticket_assigned`); on a reassignment also the previous
 *    technician (`ticket_unassigned`).
 *  - TicketStatusChanged: the technician assigned at the change, the customer's login account(s)
 *    and the ticket's creator.
 *  - TicketCommentAdded: the assigned technician, the customer's login account(s) and the creator.
 *  - TicketSlaWarningRaised / TicketSlaBreached: the assigned technician and every active
 *    supervisor and manager.
 *
 * Never the person who caused the event; only users this projection knows and who are active
 * at the time of the event (the SLA job's `system` actor, unknown ids and deactivated accounts
 * get nothing); each recipient at most once per event.
 */

export const NOTIFICATION_TYPES = [
  'ticket_assigned',
  'ticket_unassigned',
  'ticket_status_changed',
  'ticket_comment',
  'sla_warning',
  'sla_breached',
  ...INVENTORY_NOTIFICATION_TYPES,
  ...BILLING_NOTIFICATION_TYPES,
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** The roles told about SLA warnings and breaches besides the technician. */
export const SLA_WATCHER_ROLES = ['supervisor', 'manager'] as const;

export interface TicketFacts {
  ticket_id: string;
  ticket_number: string;
  title: string;
  customer_id: string;
  technician_id: string | null;
  created_by: string;
}

export interface UserFacts {
  role: string;
  is_active: boolean;
  full_name: string;
}

export interface PlanContext {
  /** The ticket as it was before this event (null when unknown). */
  ticket: TicketFacts | null;
  /** Login accounts of the ticket's customer. */
  customerUserIds: readonly string[];
  /** Active supervisors and managers (for SLA events). */
  slaWatcherIds: readonly string[];
  /** Facts of every user id the event can name. */
  users: ReadonlyMap<string, UserFacts>;
}

export interface PlannedNotification {
  userId: string;
  type: NotificationType;
  title: string;
  message: string;
  data: Record<string, unknown>;
}

const MAX_EXCERPT = 140;
const excerpt = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_EXCERPT ? `${flat.slice(0, MAX_EXCERPT - 1)}…` : flat;
};
const STATUS_WORDS: Record<string, string> = {
  new: 'new',
  assigned: 'assigned',
  in_progress: 'in progress',
  pending: 'pending',
  resolved: 'resolved',
  closed: 'closed',
};

/** The user ids an event can name, so the projector can look their facts up in one query. */
export function userIdsNamedBy(event: TicketEvent, ctx: Omit<PlanContext, 'users'>): string[] {
  const ids = new Set<string>([...ctx.customerUserIds, ...ctx.slaWatcherIds]);
  if (ctx.ticket) {
    ids.add(ctx.ticket.created_by);
    if (ctx.ticket.technician_id) ids.add(ctx.ticket.technician_id);
  }
  switch (event.type) {
    case 'TicketAssigned':
      ids.add(event.data.technicianId);
      if (event.data.previousTechnicianId) ids.add(event.data.previousTechnicianId);
      ids.add(event.data.assignedBy.userId);
      break;
    case 'TicketStatusChanged':
      if (event.data.technicianId) ids.add(event.data.technicianId);
      ids.add(event.data.changedBy.userId);
      break;
    case 'TicketCommentAdded':
      ids.add(event.data.author.userId);
      break;
    default:
      break;
  }
  return [...ids];
}

export function planNotifications(event: TicketEvent, ctx: PlanContext): PlannedNotification[] {
  const ticket = ctx.ticket;
  if (!ticket) return [];
  const label = `${ticket.ticket_number} "${ticket.title}"`;
  const base = { ticket_id: ticket.ticket_id, ticket_number: ticket.ticket_number };
  const out: PlannedNotification[] = [];
  const seen = new Set<string>();
  const nameOf = (userId: string) => ctx.users.get(userId)?.full_name ?? 'Someone';

  const notify = (actor: string | null, userIds: ReadonlyArray<string | null>, build: () => Omit<PlannedNotification, 'userId'>) => {
    for (const userId of userIds) {
      if (!userId || userId === actor || seen.has(userId)) continue;
      if (!ctx.users.get(userId)?.is_active) continue;
      seen.add(userId);
      out.push({ userId, ...build() });
    }
  };

  switch (event.type) {
    case 'TicketAssigned': {
      const d = event.data;
      const actor = d.assignedBy.userId;
      notify(actor, [d.technicianId], () => ({
        type: 'ticket_assigned',
        title: 'New ticket assigned',
        message: `${label} has been assigned to you${d.scheduledAt ? ` (scheduled ${d.scheduledAt})` : ''}.`,
        data: { ...base, assigned_by: actor, previous_technician_id: d.previousTechnicianId, scheduled_at: d.scheduledAt, notes: d.notes },
      }));
      if (d.previousTechnicianId && d.previousTechnicianId !== d.technicianId) {
        notify(actor, [d.previousTechnicianId], () => ({
          type: 'ticket_unassigned',
          title: 'Ticket reassigned',
          message: `${label} has been reassigned to ${nameOf(d.technicianId)}.`,
          data: { ...base, assigned_by: actor, technician_id: d.technicianId },
        }));
      }
      return out;
    }
    case 'TicketStatusChanged': {
      const d = event.data;
      const actor = d.changedBy.userId;
      notify(actor, [d.technicianId ?? ticket.technician_id, ...ctx.customerUserIds, ticket.created_by], () => ({
        type: 'ticket_status_changed',
        title: 'Ticket status changed',
        message: `${label} is now ${STATUS_WORDS[d.to] ?? d.to} (was ${STATUS_WORDS[d.from] ?? d.from}).`,
        data: { ...base, old_status: d.from, new_status: d.to, changed_by: actor, notes: d.notes },
      }));
      return out;
    }
    case 'TicketCommentAdded': {
      const d = event.data;
      const actor = d.author.userId;
      // An internal (staff-only) comment is never announced to the customer.
      notify(actor, [ticket.technician_id, ...(d.isInternal ? [] : ctx.customerUserIds), ticket.created_by], () => ({
        type: 'ticket_comment',
        title: `New comment on ${ticket.ticket_number}`,
        message: `${nameOf(actor)}: ${excerpt(d.comment)}`,
        data: { ...base, comment_id: d.commentId, author_id: actor },
      }));
      return out;
    }
    case 'TicketSlaWarningRaised': {
      const d = event.data;
      notify(null, [ticket.technician_id, ...ctx.slaWatcherIds], () => ({
        type: 'sla_warning',
        title: 'SLA deadline approaching',
        message: `${label} must be resolved by ${d.slaDeadline}.`,
        data: { ...base, sla_deadline: d.slaDeadline, technician_id: ticket.technician_id },
      }));
      return out;
    }
    case 'TicketSlaBreached': {
      const d = event.data;
      notify(null, [ticket.technician_id, ...ctx.slaWatcherIds], () => ({
        type: 'sla_breached',
        title: 'SLA breached',
        message: `${label} missed its SLA deadline (${d.slaDeadline}).`,
        data: { ...base, sla_deadline: d.slaDeadline, technician_id: ticket.technician_id },
      }));
      return out;
    }
    default:
      return out;
  }
}
