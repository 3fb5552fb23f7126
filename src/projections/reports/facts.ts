/**
 * What the reports projection remembers about each ticket and what each ticket adds to the
 * report counters. Pure functions; the projector (projector.ts) reads and writes. The metric
 * definitions are in docs/api/000-reports.md; the per-technician ones are those of
 * docs/api/000-technicians.md, computed by the same functions (`nextFacts`, `contributionOf`).
 */
import {
  contributionOf,
  emptyFacts,
  isCompleted,
  nextFacts,
  TICKET_EVENT_TYPES,
  type TicketEventLike,
  type TicketFacts,
} from '../technicians/performance-facts';

export const REPORT_TICKET_EVENT_TYPES = TICKET_EVENT_TYPES;

/** Per-ticket facts: the technician-performance facts plus what the ticket-wide counters need. */
export interface ReportFacts extends TicketFacts {
  priority: string | null;
  type: string | null;
}

export function emptyReportFacts(ticketId: string): ReportFacts {
  return { ...emptyFacts(ticketId), priority: null, type: null };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The facts after one ticket event (events of one ticket arrive in stream order). */
export function nextReportFacts(facts: ReportFacts, event: TicketEventLike): ReportFacts {
  const base = nextFacts(facts, event);
  const next: ReportFacts = { ...base, priority: facts.priority, type: facts.type };
  const d = event.data;
  if (event.type === 'TicketCreated') {
    next.priority = str(d.priority);
    next.type = str(d.type);
  } else if (event.type === 'TicketUpdated') {
    const changes = (d.changes ?? {}) as Record<string, unknown>;
    if (str(changes.priority)) next.priority = str(changes.priority);
    if (str(changes.type)) next.type = str(changes.type);
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// Calendar keys (UTC)

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' (UTC) of an ISO timestamp. */
export const dayOf = (iso: string): string => new Date(Date.parse(iso)).toISOString().slice(0, 10);

/** ISO-8601 week of a 'YYYY-MM-DD' day: 'GGGG-Www' (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeekOf(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(ms + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The calendar keys stored on each per-day document, so every period groups by one field. */
export function calendarOf(day: string): { date: string; week: string; month: string; year: string } {
  return { date: day, week: isoWeekOf(day), month: day.slice(0, 7), year: day.slice(0, 4) };
}

// ---------------------------------------------------------------------------------------------
// Shares: what one ticket adds to each counter document

export const REPORT_TOTALS = 'report_ticket_totals';
export const REPORT_DAILY = 'report_daily';
export const REPORT_TECHNICIAN_DAILY = 'report_technician_daily';
export const REPORT_TECHNICIAN_MONTHLY = 'report_technician_monthly';

/** The one totals document's id. */
export const TOTALS_ID = 'tickets';

export interface Share {
  collection: string;
  id: string;
  /** Fields set on the counter document (identity and calendar keys), not counted. */
  fields: Record<string, unknown>;
  counters: Record<string, number>;
}

/**
 * What a ticket in the state `facts` adds to the counters (nothing for null: a ticket not yet
 * created). Three kinds of documents:
 *  - the totals (one document): tickets by current status and priority, completed tickets and their ratings;
 *  - per UTC day (`report_daily`): tickets created that day; tickets whose completion falls on that day, and their ratings;
 *  - per technician and UTC day of completion (`report_technician_daily`), and the same per UTC month
 *    (`report_technician_monthly`): the technician-performance contribution of each completed ticket
 *    (it counts for the technician it is assigned to now).
 */
export function sharesOf(facts: ReportFacts | null): Share[] {
  if (facts === null) return [];
  const completedAt = isCompleted(facts.status) ? facts.completed_at : null;
  const rated = completedAt !== null && facts.rating !== null;
  const totals: Record<string, number> = { total: 1, [`status.${facts.status}`]: 1 };
  if (facts.priority) totals[`priority.${facts.priority}`] = 1;
  if (completedAt !== null) totals.completed = 1;
  if (rated) {
    totals.rating_sum = facts.rating!;
    totals.rated = 1;
  }
  const shares: Share[] = [{ collection: REPORT_TOTALS, id: TOTALS_ID, fields: {}, counters: totals }];
  if (facts.created_at) {
    const day = dayOf(facts.created_at);
    shares.push({ collection: REPORT_DAILY, id: day, fields: calendarOf(day), counters: { created: 1 } });
  }
  if (completedAt !== null) {
    const day = dayOf(completedAt);
    const counters: Record<string, number> = { completed: 1 };
    if (rated) Object.assign(counters, { rating_sum: facts.rating!, rated: 1 });
    shares.push({ collection: REPORT_DAILY, id: day, fields: calendarOf(day), counters });
  }
  const c = contributionOf(facts);
  if (c.completed > 0 && facts.technician_id !== null && completedAt !== null) {
    const day = dayOf(completedAt);
    const { month, year } = calendarOf(day);
    const counters = {
      completed: c.completed,
      completion_ms: c.completion_ms,
      timed: c.timed,
      rating_sum: c.rating_sum,
      rated: c.rated,
      on_time: c.on_time,
      sla_tracked: c.sla_tracked,
      first_call: c.first_call,
    };
    const technician_id = facts.technician_id;
    shares.push(
      { collection: REPORT_TECHNICIAN_DAILY, id: `${technician_id}:${day}`, fields: { technician_id, ...calendarOf(day) }, counters },
      { collection: REPORT_TECHNICIAN_MONTHLY, id: `${technician_id}:${month}`, fields: { technician_id, month, year }, counters },
    );
  }
  return shares;
}

export interface CounterChange {
  collection: string;
  id: string;
  fields: Record<string, unknown>;
  inc: Record<string, number>;
}

/**
 * The `$inc` per counter document that moves the counters from counting `before` to counting
 * `after`: subtract each share of the old state, add each share of the new one. Documents whose
 * counters do not move are left out; one change per document.
 */
export function changesBetween(before: readonly Share[], after: readonly Share[]): CounterChange[] {
  const byDoc = new Map<string, CounterChange>();
  const add = (s: Share, sign: 1 | -1) => {
    const key = `${s.collection}\u0000${s.id}`;
    let change = byDoc.get(key);
    if (!change) {
      change = { collection: s.collection, id: s.id, fields: s.fields, inc: {} };
      byDoc.set(key, change);
    }
    for (const [field, n] of Object.entries(s.counters)) change.inc[field] = (change.inc[field] ?? 0) + sign * n;
  };
  for (const s of before) add(s, -1);
  for (const s of after) add(s, 1);
  const out: CounterChange[] = [];
  for (const change of byDoc.values()) {
    for (const [field, n] of Object.entries(change.inc)) if (n === 0) delete change.inc[field];
    if (Object.keys(change.inc).length > 0) out.push(change);
  }
  return out;
}

export type { TicketEventLike };
