/**
 * What the performance projection remembers about each ticket, how a ticket event changes it,
 * and what each ticket contributes to its technician's figures. Pure functions; the projector
 * (performance-projector.ts) does the reading and writing. Metric definitions are in
 * docs/api/000-technicians.md.
 */

export type TicketStatus = 'new' | 'assigned' | 'in_progress' | 'pending' | 'resolved' | 'closed';

const COMPLETED: ReadonlySet<string> = new Set(['resolved', 'closed']);
export const isCompleted = (status: string | null | undefined): boolean => status != null && COMPLETED.has(status);

export interface TicketFacts {
  ticket_id: string;
  /** The technician the ticket is assigned to now; the ticket counts for them only. */
  technician_id: string | null;
  status: string;
  created_at: string | null;
  /** When the current technician got the ticket (unchanged by a re-assignment to the same technician). */
  assigned_at: string | null;
  /** When the ticket last went from an open status to resolved or closed; null while open. */
  completed_at: string | null;
  sla_deadline: string | null;
  went_pending: boolean;
  reopened: boolean;
  /** The rating (1–5) given when the ticket was resolved or closed; cleared by a reopen. */
  rating: number | null;
}

/** The facts out of a stored document (which also carries _id, _pos and other fields). */
export function ticketFactsOf(doc: TicketFacts): TicketFacts {
  return {
    ticket_id: doc.ticket_id,
    technician_id: doc.technician_id,
    status: doc.status,
    created_at: doc.created_at,
    assigned_at: doc.assigned_at,
    completed_at: doc.completed_at,
    sla_deadline: doc.sla_deadline,
    went_pending: doc.went_pending,
    reopened: doc.reopened,
    rating: doc.rating,
  };
}

/** One ticket's share of its technician's figures. Times are integer milliseconds so sums stay exact. */
export interface Contribution {
  total: number;
  completed: number;
  pending: number;
  completion_ms: number;
  timed: number;
  rating_sum: number;
  rated: number;
  on_time: number;
  sla_tracked: number;
  first_call: number;
  /** 'YYYY-MM' (UTC) of completion, when completed. */
  month: string | null;
}

export const NO_CONTRIBUTION: Contribution = {
  total: 0,
  completed: 0,
  pending: 0,
  completion_ms: 0,
  timed: 0,
  rating_sum: 0,
  rated: 0,
  on_time: 0,
  sla_tracked: 0,
  first_call: 0,
  month: null,
};

export function emptyFacts(ticketId: string): TicketFacts {
  return {
    ticket_id: ticketId,
    technician_id: null,
    status: 'new',
    created_at: null,
    assigned_at: null,
    completed_at: null,
    sla_deadline: null,
    went_pending: false,
    reopened: false,
    rating: null,
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const ms = (iso: string): number => Date.parse(iso);
const monthOf = (iso: string): string => new Date(ms(iso)).toISOString().slice(0, 7);

/** A ticket event as the projection reads it (field names from the ticket domain). */
export interface TicketEventLike {
  type: string;
  data: Record<string, unknown>;
}

export const TICKET_EVENT_TYPES = ['TicketCreated', 'TicketAssigned', 'TicketStatusChanged', 'TicketUpdated'] as const;

/** The facts after one ticket event. Events arrive in the ticket stream's order. */
export function nextFacts(facts: TicketFacts, event: TicketEventLike): TicketFacts {
  const d = event.data;
  switch (event.type) {
    case 'TicketCreated':
      return { ...facts, created_at: str(d.createdAt), sla_deadline: str(d.slaDeadline) ?? facts.sla_deadline };
    case 'TicketAssigned': {
      const technicianId = str(d.technicianId);
      const changed = technicianId !== facts.technician_id;
      return {
        ...facts,
        technician_id: technicianId,
        assigned_at: changed ? str(d.assignedAt) : facts.assigned_at,
        // The ticket's status after the assignment (new → assigned), as the event states it.
        status: str(d.status) ?? (facts.status === 'new' && technicianId !== null ? 'assigned' : facts.status),
      };
    }
    case 'TicketStatusChanged': {
      const to = str(d.to) ?? facts.status;
      const from = str(d.from) ?? facts.status;
      const at = str(d.changedAt);
      const rating = typeof d.rating === 'number' ? d.rating : null;
      const next: TicketFacts = { ...facts, status: to, went_pending: facts.went_pending || to === 'pending' };
      if (!isCompleted(from) && isCompleted(to)) {
        next.completed_at = at;
        next.rating = rating;
      } else if (isCompleted(from) && isCompleted(to)) {
        next.rating = rating ?? facts.rating;
      } else if (isCompleted(from) && !isCompleted(to)) {
        next.reopened = true;
        next.completed_at = null;
        next.rating = null;
      }
      return next;
    }
    case 'TicketUpdated': {
      const changes = (d.changes ?? {}) as Record<string, unknown>;
      if (!('slaDeadline' in changes)) return facts;
      return { ...facts, sla_deadline: str(changes.slaDeadline) };
    }
    default:
      return facts;
  }
}

export function contributionOf(facts: TicketFacts | null): Contribution {
  if (!facts || facts.technician_id === null) return NO_CONTRIBUTION;
  const completedAt = isCompleted(facts.status) ? facts.completed_at : null;
  if (completedAt === null) return { ...NO_CONTRIBUTION, total: 1, pending: 1 };
  const timed = facts.assigned_at !== null;
  const tracked = facts.sla_deadline !== null;
  return {
    total: 1,
    completed: 1,
    pending: 0,
    completion_ms: timed ? Math.max(0, ms(completedAt) - ms(facts.assigned_at!)) : 0,
    timed: timed ? 1 : 0,
    rating_sum: facts.rating ?? 0,
    rated: facts.rating === null ? 0 : 1,
    on_time: tracked && ms(completedAt) <= ms(facts.sla_deadline!) ? 1 : 0,
    sla_tracked: tracked ? 1 : 0,
    first_call: !facts.went_pending && !facts.reopened ? 1 : 0,
    month: monthOf(completedAt),
  };
}

const COUNTERS = [
  ['total', 'total_tickets'],
  ['completed', 'completed_tickets'],
  ['pending', 'pending_tickets'],
  ['completion_ms', 'completion_ms_sum'],
  ['timed', 'completion_count'],
  ['rating_sum', 'rating_sum'],
  ['rated', 'rating_count'],
  ['on_time', 'on_time_count'],
  ['sla_tracked', 'sla_count'],
  ['first_call', 'first_call_count'],
] as const satisfies ReadonlyArray<readonly [Exclude<keyof Contribution, 'month'>, string]>;

/**
 * The $inc that moves a technician's aggregate from counting `before` to counting `after`
 * (either may be NO_CONTRIBUTION). Empty when nothing changes.
 */
export function incrementFor(before: Contribution, after: Contribution): Record<string, number> {
  const inc: Record<string, number> = {};
  const add = (path: string, n: number) => {
    if (n !== 0) inc[path] = (inc[path] ?? 0) + n;
  };
  for (const [k, field] of COUNTERS) add(field, after[k] - before[k]);
  for (const [c, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (c.month === null) continue;
    add(`monthly.${c.month}.completed`, sign * c.completed);
    add(`monthly.${c.month}.rating_sum`, sign * c.rating_sum);
    add(`monthly.${c.month}.rating_count`, sign * c.rated);
  }
  for (const [path, n] of Object.entries(inc)) if (n === 0) delete inc[path];
  return inc;
}
