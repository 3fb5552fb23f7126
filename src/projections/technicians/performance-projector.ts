import type { Doc } from '../../ports/read-store';
import { APPLIED_POSITION, applyOnce, type Projector } from '../engine/projector';
import {
  contributionOf,
  emptyFacts,
  incrementFor,
  nextFacts,
  NO_CONTRIBUTION,
  TICKET_EVENT_TYPES,
  ticketFactsOf,
  type Contribution,
  type TicketFacts,
} from './performance-facts';

/** Per-ticket facts the projection keeps for itself (one document per ticket, _id = ticket id). */
export const TECHNICIAN_TICKET_FACTS = 'technician_ticket_facts';
/** Per-technician running totals (one document per technician, _id = technician id). */
export const TECHNICIAN_PERFORMANCE = 'technician_performance';

export interface TicketFactsDoc extends Doc, TicketFacts {
  /** Who the ticket counted for, and how, before the last event applied to it: lets a
   * redelivered event whose facts were written, but whose totals maybe not, finish its work. */
  prev: { technician_id: string | null; contribution: Contribution };
}

export interface MonthlyTotals {
  completed: number;
  rating_sum: number;
  rating_count: number;
}

export interface TechnicianPerformanceDoc extends Doc {
  technician_id: string;
  total_tickets: number;
  completed_tickets: number;
  pending_tickets: number;
  completion_ms_sum: number;
  completion_count: number;
  rating_sum: number;
  rating_count: number;
  on_time_count: number;
  sla_count: number;
  first_call_count: number;
  /** Keyed by 'YYYY-MM' (UTC month of completion). */
  monthly: Record<string, MonthlyTotals>;
}

/**
 * Technician performance, computed from ticket events only. For each ticket event the
 * projector updates the ticket's facts, then moves the ticket's contribution between the
 * technicians' running totals with $inc (subtract what it counted before, add what it counts
 * now), so each event costs O(1) whatever the number of tickets, and a full rebuild equals the
 * live model.
 *
 * Idempotent: the facts document and each totals document remember the position of the last
 * event applied to them (applyOnce). A redelivered event finds its facts already written
 * (`_pos` equal to its position) and re-applies only the totals not yet moved, using the
 * contribution stored in `prev`; an event whose facts have moved past it is skipped (events are
 * applied one at a time, in log order, so all of its writes were done).
 */
export const technicianPerformanceProjector: Projector = {
  name: 'technician_performance',
  handles: TICKET_EVENT_TYPES,
  collections: {
    // Both are only read by _id (a ticket's facts; one or a page of technicians' totals by $in),
    // so neither needs a secondary index.
    [TECHNICIAN_TICKET_FACTS]: [],
    [TECHNICIAN_PERFORMANCE]: [],
  },
  async apply(event, ctx) {
    const ticketId = typeof event.data.ticketId === 'string' ? event.data.ticketId : event.streamName.replace(/^ticket-/, '');
    const factsCol = ctx.collection<TicketFactsDoc>(TECHNICIAN_TICKET_FACTS);
    const stored = await factsCol.findOne({ _id: ticketId });
    const storedPos = stored ? (stored[APPLIED_POSITION] as number | undefined) : undefined;
    if (storedPos !== undefined && storedPos > event.position) return;

    let before: TicketFactsDoc['prev'];
    let after: TicketFactsDoc['prev'];
    if (stored && storedPos === event.position) {
      before = stored.prev;
      after = { technician_id: stored.technician_id, contribution: contributionOf(stored) };
    } else {
      const current: TicketFacts = stored ? ticketFactsOf(stored) : emptyFacts(ticketId);
      const next = nextFacts(current, event);
      before = { technician_id: current.technician_id, contribution: stored ? contributionOf(current) : NO_CONTRIBUTION };
      after = { technician_id: next.technician_id, contribution: contributionOf(next) };
      await applyOnce(factsCol, ticketId, event.position, { $set: { ...next, prev: before } }, { upsert: true });
    }

    const totals = ctx.collection<TechnicianPerformanceDoc>(TECHNICIAN_PERFORMANCE);
    const technicians = new Set([before.technician_id, after.technician_id].filter((t): t is string => t !== null));
    for (const technicianId of technicians) {
      const inc = incrementFor(
        before.technician_id === technicianId ? before.contribution : NO_CONTRIBUTION,
        after.technician_id === technicianId ? after.contribution : NO_CONTRIBUTION,
      );
      if (Object.keys(inc).length === 0) continue;
      await applyOnce(totals, technicianId, event.position, { $set: { technician_id: technicianId }, $inc: inc }, { upsert: true });
    }
  },
};
