import type { TicketEvent } from '../../domain/ticket';
import { categoryOfType, dotmacTicketPriority, dotmacTicketStatus, type DotmacTicketPriority, type DotmacTicketStatus, type TicketCategory } from '../../domain/ticket/dotmac-vocabulary';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const DOTMAC_TICKETS = 'dotmac_tickets';

/**
 * The support module's list of tickets in document 004's words (`_id` the ticket's UUID): the
 * same tickets as document 000 and the portal, with 004's status, priority and category, who
 * it is assigned to, the SLA due date and whether the SLA was breached (a breach recorded by
 * the SLA job, or the ticket resolved after its deadline), and the resolution of a closed one.
 */
export interface DotmacTicketDoc extends Doc {
  number: number;
  ticket_number: string;
  subject: string;
  description: string;
  status: DotmacTicketStatus;
  priority: DotmacTicketPriority;
  category: TicketCategory;
  customer_id: string;
  service_id: number | null;
  /** The technician's user id, or the empty string when unassigned (an index key). */
  assigned_to: string;
  channel: string;
  sla_due_date: string;
  sla_breached: boolean;
  resolved_at: string | null;
  closed_at: string | null;
  resolution: string | null;
  resolution_category: string | null;
  customer_satisfaction: number | null;
  follow_up_required: boolean | null;
  created_at: string;
  updated_at: string;
}

const BY_CREATED = { created_at: -1, number: -1 } as const;

export const dotmacTicketsProjector: Projector = {
  name: 'dotmac_tickets',
  handles: ['TicketCreated', 'TicketUpdated', 'TicketAssigned', 'TicketStatusChanged', 'TicketSlaBreached', 'TicketCommentAdded'],
  collections: {
    // GET /api/v1/support/tickets: newest first after each filter and the status combinations;
    // created_from/to are ranges on created_at within each.
    [DOTMAC_TICKETS]: [
      { keys: BY_CREATED },
      { keys: { status: 1, ...BY_CREATED } },
      { keys: { priority: 1, ...BY_CREATED } },
      { keys: { category: 1, ...BY_CREATED } },
      { keys: { assigned_to: 1, ...BY_CREATED } },
      { keys: { sla_breached: 1, ...BY_CREATED } },
      { keys: { status: 1, priority: 1, ...BY_CREATED } },
      { keys: { status: 1, category: 1, ...BY_CREATED } },
      { keys: { status: 1, assigned_to: 1, ...BY_CREATED } },
      { keys: { status: 1, sla_breached: 1, ...BY_CREATED } },
      // Analytics: satisfaction of closed tickets.
      { keys: { status: 1, customer_satisfaction: 1 } },
    ],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & TicketEvent;
    const col = ctx.collection<DotmacTicketDoc>(DOTMAC_TICKETS);
    const id = event.data.ticketId;
    const at = event.metadata.timestamp;
    switch (event.type) {
      case 'TicketCreated': {
        const d = event.data;
        await applyOnce(
          col,
          id,
          event.position,
          {
            $set: {
              number: d.number,
              ticket_number: d.ticketNumber,
              subject: d.title,
              description: d.description,
              status: dotmacTicketStatus('new'),
              priority: dotmacTicketPriority(d.priority),
              category: d.category ?? categoryOfType(d.type),
              customer_id: d.customerId,
              service_id: d.serviceId ?? null,
              assigned_to: '',
              channel: d.channel,
              sla_due_date: d.slaDeadline,
              sla_breached: false,
              resolved_at: null,
              closed_at: null,
              resolution: null,
              resolution_category: null,
              customer_satisfaction: null,
              follow_up_required: null,
              created_at: d.createdAt,
              updated_at: d.createdAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'TicketUpdated': {
        const c = event.data.changes;
        const set: Record<string, unknown> = { updated_at: event.data.updatedAt };
        if (c.title !== undefined) set.subject = c.title;
        if (c.description !== undefined) set.description = c.description;
        if (c.priority !== undefined) set.priority = dotmacTicketPriority(c.priority);
        if (c.type !== undefined) {
          const doc = await col.findOne({ _id: id }, { projection: { category: 1 } });
          // A category kept on the ticket stays; one derived from the type follows it.
          if (doc && doc.category === categoryOfType(event.data.previous.type ?? c.type)) set.category = categoryOfType(c.type);
        }
        if (c.slaDeadline !== undefined) {
          set.sla_due_date = c.slaDeadline;
          // A new deadline is a new SLA: breached again only when the job records it.
          set.sla_breached = false;
        }
        await applyOnce(col, id, event.position, { $set: set });
        return;
      }
      case 'TicketAssigned':
        await applyOnce(col, id, event.position, { $set: { assigned_to: event.data.technicianId, status: dotmacTicketStatus(event.data.status), updated_at: event.data.assignedAt } });
        return;
      case 'TicketStatusChanged': {
        const d = event.data;
        const set: Record<string, unknown> = { status: dotmacTicketStatus(d.to), updated_at: d.changedAt };
        if (d.to === 'resolved') {
          set.resolved_at = d.changedAt;
          set.resolution = d.notes;
          const doc = await col.findOne({ _id: id }, { projection: { sla_due_date: 1 } });
          if (doc && d.changedAt > doc.sla_due_date) set.sla_breached = true;
        }
        if (d.to === 'in_progress') Object.assign(set, { resolved_at: null });
        if (d.to === 'closed') {
          Object.assign(set, { closed_at: d.changedAt, resolution: d.notes, customer_satisfaction: d.rating });
          if (d.resolutionCategory !== undefined) set.resolution_category = d.resolutionCategory;
          if (d.followUpRequired !== undefined) set.follow_up_required = d.followUpRequired;
        }
        await applyOnce(col, id, event.position, { $set: set });
        return;
      }
      case 'TicketSlaBreached':
        await applyOnce(col, id, event.position, { $set: { sla_breached: true, updated_at: event.data.breachedAt } });
        return;
      case 'TicketCommentAdded':
        await applyOnce(col, id, event.position, { $set: { updated_at: at } });
        return;
    }
  },
};
