import type { Doc } from '../../ports/read-store';
import { APPLIED_POSITION, applyOnce, type Projector } from '../engine/projector';
import {
  changesBetween,
  emptyReportFacts,
  nextReportFacts,
  REPORT_DAILY,
  REPORT_TECHNICIAN_DAILY,
  REPORT_TECHNICIAN_MONTHLY,
  REPORT_TICKET_EVENT_TYPES,
  REPORT_TOTALS,
  sharesOf,
  type ReportFacts,
} from './facts';
import { ticketFactsOf } from '../technicians/performance-facts';

export { REPORT_DAILY, REPORT_TECHNICIAN_DAILY, REPORT_TECHNICIAN_MONTHLY, REPORT_TOTALS, TOTALS_ID } from './facts';

/** Per-ticket facts the reports projection keeps for itself (one document per ticket, _id = ticket id). */
export const REPORT_TICKET_FACTS = 'report_ticket_facts';

export interface ReportFactsDoc extends Doc, ReportFacts {}

/** The totals document: every ticket, by current status and priority; completions and their ratings. */
export interface ReportTotalsDoc extends Doc {
  total?: number;
  status?: Record<string, number>;
  priority?: Record<string, number>;
  completed?: number;
  rating_sum?: number;
  rated?: number;
}

/** One UTC day (`_id` = 'YYYY-MM-DD'). */
export interface ReportDailyDoc extends Doc {
  date: string;
  week: string;
  month: string;
  year: string;
  /** Tickets created that day. */
  created?: number;
  /** Tickets whose (current) completion falls on that day, and the ratings they carry. */
  completed?: number;
  rating_sum?: number;
  rated?: number;
}

/** One technician and UTC day of completion (`_id` = '<technician id>:YYYY-MM-DD'); the monthly
 * documents (`_id` = '<technician id>:YYYY-MM') carry the same counters, without date and week. */
export interface ReportTechnicianDailyDoc extends Doc {
  technician_id: string;
  date: string;
  week: string;
  month: string;
  year: string;
  completed?: number;
  /** Sum of the hours (in ms) from the current technician's assignment to completion, over `timed` tickets. */
  completion_ms?: number;
  timed?: number;
  rating_sum?: number;
  rated?: number;
  /** Completed at or before the SLA deadline, over `sla_tracked` tickets with a deadline. */
  on_time?: number;
  sla_tracked?: number;
  /** Never went pending, never reopened. */
  first_call?: number;
}

/**
 * The reports read models, from ticket events only. For each ticket event the projector
 * updates the ticket's facts, then moves the ticket's share of the counters (subtract what it
 * counted before, add what it counts now) with `$inc`, so an event costs O(1) whatever the
 * number of tickets, and a dashboard reads a handful of small documents instead of scanning
 * the tickets. Idempotent: each document remembers the position of the last event applied
 * (applyOnce), and the ticket's facts are written after its counters, so a redelivered event
 * either finds its facts written (everything done: skipped) or recomputes the same changes
 * from the same facts and applies those the counter documents do not have yet.
 */
export const reportsProjector: Projector = {
  name: 'reports',
  handles: REPORT_TICKET_EVENT_TYPES,
  collections: {
    // Read by _id only.
    [REPORT_TICKET_FACTS]: [],
    [REPORT_TOTALS]: [],
    // The days of a trend: a range on date (equal to _id).
    [REPORT_DAILY]: [{ keys: { date: 1 } }],
    // Performance report: a date range, optionally for one technician; whole months from the
    // monthly documents, the days of partial months from the daily ones.
    [REPORT_TECHNICIAN_DAILY]: [{ keys: { date: 1 } }, { keys: { technician_id: 1, date: 1 } }],
    [REPORT_TECHNICIAN_MONTHLY]: [{ keys: { month: 1 } }, { keys: { technician_id: 1, month: 1 } }],
  },
  async apply(event, ctx) {
    const ticketId = typeof event.data.ticketId === 'string' ? event.data.ticketId : event.streamName.replace(/^ticket-/, '');
    const factsCol = ctx.collection<ReportFactsDoc>(REPORT_TICKET_FACTS);
    const stored = await factsCol.findOne({ _id: ticketId });
    // The facts are written last: facts at this position mean every counter was moved already.
    const storedPos = stored ? (stored[APPLIED_POSITION] as number | undefined) : undefined;
    if (storedPos !== undefined && storedPos >= event.position) return;

    const before: ReportFacts | null = stored ? factsOf(stored) : null;
    const after = nextReportFacts(before ?? emptyReportFacts(ticketId), event);
    // A redelivery after a partial failure recomputes the same changes from the same stored
    // facts; applyOnce skips the counter documents that already have this event.
    for (const change of changesBetween(sharesOf(before), sharesOf(after))) {
      await applyOnce(ctx.collection(change.collection), change.id, event.position, { $set: change.fields, $inc: change.inc }, { upsert: true });
    }
    await applyOnce(factsCol, ticketId, event.position, { $set: { ...after } }, { upsert: true });
  },
};

function factsOf(doc: ReportFactsDoc): ReportFacts {
  return { ...ticketFactsOf(doc), priority: doc.priority, type: doc.type };
}
