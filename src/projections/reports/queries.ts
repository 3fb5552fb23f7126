import { OPEN_STATUSES, TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../../domain/ticket';
import type { Filter, ReadStore } from '../../ports/read-store';
import { TECHNICIAN_PERFORMANCE, type TechnicianPerformanceDoc } from '../technicians/performance-projector';
import { TECHNICIANS, type TechnicianDoc } from '../technicians/profile-projector';
import { performanceFigures } from '../technicians/queries';
import { TICKETS, type TicketDoc } from '../tickets/projector';
import { lookupParties, ticketFilter, type TicketFilter } from '../tickets/queries';
import { calendarOf, dayOf, isoWeekOf } from './facts';
import {
  REPORT_DAILY,
  REPORT_TECHNICIAN_DAILY,
  REPORT_TECHNICIAN_MONTHLY,
  REPORT_TOTALS,
  TOTALS_ID,
  type ReportDailyDoc,
  type ReportTotalsDoc,
} from './projector';

/**
 * Queries behind GET /api/reports/*. Everything is read from read models: the reports
 * projection's counters (report_ticket_totals, report_daily, report_technician_daily), the
 * tickets read model through its indexes, the technicians and technician_performance read
 * models. Definitions: docs/api/000-reports.md.
 */

const DAY_MS = 86_400_000;
const round2 = (n: number): number => Math.round(n * 100) / 100;
const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
const percent = (part: number, whole: number): number => round2(ratio(part, whole) * 100);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Dashboard

export interface DashboardOptions {
  now: Date;
  /** Days of completion_trend, ending today (UTC). */
  days: number;
  /** Entries of the technician_performance chart. */
  topTechnicians: number;
}

/** Open and past its deadline at `now`: breached per the SLA job, or past the deadline and not yet swept. */
function overdueFilters(nowIso: string): Filter[] {
  // Two filters, each exactly the bounds of the tickets index { open, overdue, sla_deadline }:
  // both counts are answered from the index. (`overdue: true` implies the current deadline has
  // passed: a deadline change clears the flag.)
  return [
    { open: true, overdue: true },
    { open: true, overdue: false, sla_deadline: { $lt: nowIso } },
  ];
}

export async function countOverdue(readStore: ReadStore, now: Date): Promise<number> {
  const col = readStore.collection<TicketDoc>(TICKETS);
  const counts = await Promise.all(overdueFilters(now.toISOString()).map((f) => col.countDocuments(f)));
  return counts.reduce((a, b) => a + b, 0);
}

export async function dashboard(readStore: ReadStore, o: DashboardOptions) {
  const today = dayOf(o.now.toISOString());
  const firstDay = addDays(today, -(o.days - 1));
  const technicians = readStore.collection<TechnicianDoc>(TECHNICIANS);
  const [totals, days, overdue, activeTechnicians, availableTechnicians, top] = await Promise.all([
    readStore.collection<ReportTotalsDoc>(REPORT_TOTALS).findOne({ _id: TOTALS_ID }),
    readStore.collection<ReportDailyDoc>(REPORT_DAILY).find({ date: { $gte: firstDay, $lte: today } }),
    countOverdue(readStore, o.now),
    technicians.countDocuments({ is_technician: true, is_active: true }),
    technicians.countDocuments({ is_technician: true, is_active: true, is_available: true }),
    topTechnicians(readStore, o.topTechnicians),
  ]);
  const byStatus = totals?.status ?? {};
  const byPriority = totals?.priority ?? {};
  const pending = OPEN_STATUSES.reduce((sum, s) => sum + num(byStatus[s]), 0);
  const byDay = new Map(days.map((d) => [d.date, d]));
  const completion_trend = [];
  for (let day = firstDay; day <= today; day = addDays(day, 1)) {
    const d = byDay.get(day);
    completion_trend.push({ date: day, completed: num(d?.completed), created: num(d?.created) });
  }
  return {
    summary: {
      total_tickets: num(totals?.total),
      pending_tickets: pending,
      completed_today: num(byDay.get(today)?.completed),
      overdue_tickets: overdue,
      active_technicians: activeTechnicians,
      customer_satisfaction: round2(ratio(num(totals?.rating_sum), num(totals?.rated))),
      // Additive
      available_technicians: availableTechnicians,
      completed_tickets: num(totals?.completed),
      rated_tickets: num(totals?.rated),
    },
    charts: {
      tickets_by_status: TICKET_STATUSES.map((status) => ({ status, label: labelOf(status), count: num(byStatus[status]) })),
      tickets_by_priority: TICKET_PRIORITIES.map((priority) => ({ priority, label: labelOf(priority), count: num(byPriority[priority]) })),
      completion_trend,
      technician_performance: top,
    },
    generated_at: o.now.toISOString(),
    timezone: 'UTC',
  };
}

const labelOf = (key: string): string => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/**
 * Active technicians with at least one completed ticket, most completed first (then the higher
 * average rating, then the name), with their all-time figures from technician_performance —
 * the same numbers GET /api/technicians/:id/performance gives.
 */
export async function topTechnicians(readStore: ReadStore, limit: number) {
  const people = await readStore
    .collection<TechnicianDoc>(TECHNICIANS)
    .find({ is_technician: true, is_active: true }, { projection: { full_name: 1, employee_id: 1 } });
  if (people.length === 0) return [];
  const docs = await readStore
    .collection<TechnicianPerformanceDoc>(TECHNICIAN_PERFORMANCE)
    .find({ _id: { $in: people.map((p) => p._id) }, completed_tickets: { $gt: 0 } });
  const byId = new Map(people.map((p) => [p._id, p]));
  return docs
    .map((doc) => {
      const f = performanceFigures(doc);
      const person = byId.get(doc._id)!;
      return {
        technician_id: doc._id,
        full_name: person.full_name,
        employee_id: person.employee_id,
        completed_tickets: f.completed_tickets,
        total_tickets: f.total_tickets,
        completion_rate: f.completion_rate,
        average_rating: f.average_rating,
        average_completion_time: f.average_completion_time,
        on_time_rate: f.on_time_rate,
      };
    })
    .sort(
      (a, b) =>
        b.completed_tickets - a.completed_tickets ||
        b.average_rating - a.average_rating ||
        a.full_name.localeCompare(b.full_name) ||
        (a.technician_id < b.technician_id ? -1 : 1),
    )
    .slice(0, limit);
}

// ---------------------------------------------------------------------------------------------
// Tickets report

export const TICKET_REPORT_COLUMNS = [
  'id',
  'ticket_number',
  'status',
  'priority',
  'type',
  'title',
  'customer_id',
  'customer',
  'technician_id',
  'technician',
  'created_at',
  'scheduled_at',
  'completed_at',
  'closed_at',
  'sla_deadline',
  'overdue',
  'rating',
] as const;

export type TicketReportColumn = (typeof TICKET_REPORT_COLUMNS)[number];

export interface TicketReportRow {
  id: string;
  ticket_number: string;
  status: string;
  priority: string;
  type: string;
  title: string;
  customer_id: string;
  /** The customer's full name. */
  customer: string | null;
  technician_id: string | null;
  /** The technician's full name. */
  technician: string | null;
  created_at: string;
  scheduled_at: string | null;
  completed_at: string | null;
  closed_at: string | null;
  sla_deadline: string;
  /** Open and past its deadline at report time. */
  overdue: boolean;
  rating: number | null;
}

const ROW_PROJECTION = {
  id: 1,
  ticket_number: 1,
  number: 1,
  status: 1,
  priority: 1,
  type: 1,
  title: 1,
  customer_id: 1,
  technician_id: 1,
  created_at: 1,
  scheduled_at: 1,
  completed_at: 1,
  closed_at: 1,
  sla_deadline: 1,
  overdue: 1,
  open: 1,
  rating: 1,
} as const;

/** Oldest first; the ticket number breaks ties. The tickets indexes serve it (walked backwards). */
export const TICKET_REPORT_SORT = { created_at: 1, number: 1 } as const;

export interface TicketReportSummary {
  /** Tickets matching the filters. */
  total: number;
  /** Rows in this report (at most row_limit). */
  returned: number;
  truncated: boolean;
  row_limit: number;
  by_status: Record<string, number>;
  by_priority: Record<string, number>;
  by_type: Record<string, number>;
  /** new, assigned, in_progress, pending */
  open: number;
  /** resolved, closed */
  completed: number;
  /** Open and past the deadline at report time. */
  overdue: number;
}

export interface TicketReport {
  rows: TicketReportRow[];
  summary: TicketReportSummary;
}

/**
 * Counts per value of `field` among the tickets matching `filter`: one count per value, each
 * served by the tickets index that starts with the field (with the filter's created_at range in
 * the same index, or the filter's other fields checked on the index's candidates). When the
 * filter already fixes the field, only that value can have tickets.
 */
async function countsBy(readStore: ReadStore, filter: Filter, field: string, values: readonly string[], total: number) {
  const fixed = filter[field];
  if (typeof fixed === 'string') return Object.fromEntries(values.map((v) => [v, v === fixed ? total : 0]));
  const col = readStore.collection<TicketDoc>(TICKETS);
  const counts = await Promise.all(values.map((v) => col.countDocuments({ ...filter, [field]: v })));
  return Object.fromEntries(values.map((v, i) => [v, counts[i]!]));
}

/**
 * The summary of every ticket matching the filter, from index-served counts (no scan of the
 * matching tickets: an aggregation over them costs in proportion to their number).
 */
async function ticketSummary(readStore: ReadStore, filter: Filter, now: Date) {
  const col = readStore.collection<TicketDoc>(TICKETS);
  const nowIso = now.toISOString();
  const [total, overdueFlagged, overdueUnswept] = await Promise.all([
    col.countDocuments(filter),
    col.countDocuments({ ...filter, open: true, overdue: true }),
    col.countDocuments({ ...filter, open: true, overdue: false, sla_deadline: { $lt: nowIso } }),
  ]);
  const [by_status, by_priority, by_type] = await Promise.all([
    countsBy(readStore, filter, 'status', TICKET_STATUSES, total),
    countsBy(readStore, filter, 'priority', TICKET_PRIORITIES, total),
    countsBy(readStore, filter, 'type', TICKET_TYPES, total),
  ]);
  const open = OPEN_STATUSES.reduce((sum, st) => sum + by_status[st]!, 0);
  return { total, by_status, by_priority, by_type, open, completed: total - open, overdue: overdueFlagged + overdueUnswept };
}

/**
 * The tickets report: up to `rowLimit` rows (oldest first) and the summary of all matching
 * tickets. One indexed find for the rows (list fields only), one `$in` lookup each for the
 * customers' and technicians' names, index-served counts for the summary.
 */
export async function ticketReport(readStore: ReadStore, f: TicketFilter, now: Date, rowLimit: number): Promise<TicketReport> {
  const filter = ticketFilter(f);
  if (filter === null) throw new Error('unscoped ticket filter cannot rule everything out');
  const nowIso = now.toISOString();
  const [docs, s] = await Promise.all([
    readStore.collection<TicketDoc>(TICKETS).find(filter, { sort: TICKET_REPORT_SORT, limit: rowLimit, projection: ROW_PROJECTION }),
    ticketSummary(readStore, filter, now),
  ]);
  const parties = await lookupParties(
    readStore,
    docs.map((d) => d.customer_id),
    docs.flatMap((d) => (d.technician_id ? [d.technician_id] : [])),
  );
  const rows = docs.map(
    (d): TicketReportRow => ({
      id: d.id,
      ticket_number: d.ticket_number,
      status: d.status,
      priority: d.priority,
      type: d.type,
      title: d.title,
      customer_id: d.customer_id,
      customer: typeof parties.customers.get(d.customer_id)?.full_name === 'string' ? parties.customers.get(d.customer_id)!.full_name! : null,
      technician_id: d.technician_id,
      technician: d.technician_id ? (parties.users.get(d.technician_id)?.profile.full_name ?? null) : null,
      created_at: d.created_at,
      scheduled_at: d.scheduled_at,
      completed_at: d.completed_at,
      closed_at: d.closed_at ?? null,
      sla_deadline: d.sla_deadline,
      overdue: d.open === true && (d.overdue === true || d.sla_deadline < nowIso),
      rating: d.rating ?? null,
    }),
  );
  return { rows, summary: { ...s, returned: rows.length, truncated: s.total > rows.length, row_limit: rowLimit } };
}

// ---------------------------------------------------------------------------------------------
// Performance report

export const PERIODS = ['daily', 'weekly', 'monthly', 'yearly'] as const;
export type Period = (typeof PERIODS)[number];

/** The per-day document field each period groups by. */
const PERIOD_FIELD: Record<Period, 'date' | 'week' | 'month' | 'year'> = { daily: 'date', weekly: 'week', monthly: 'month', yearly: 'year' };

export interface PeriodBucket {
  /** 2026-01-15 (daily), 2026-W03 (weekly, ISO week), 2026-01 (monthly), 2026 (yearly). */
  period: string;
  /** First and last day of the bucket inside the report's range (inclusive, UTC). */
  start: string;
  end: string;
}

/** The buckets of a period covering [from, to] (days, inclusive), clipped to the range, oldest first. */
export function bucketsOf(period: Period, from: string, to: string): PeriodBucket[] {
  const out: PeriodBucket[] = [];
  let day = from;
  while (day <= to) {
    const key = keyOf(period, day);
    let end = day;
    while (end < to && keyOf(period, addDays(end, 1)) === key) end = addDays(end, 1);
    out.push({ period: key, start: day, end });
    day = addDays(end, 1);
  }
  return out;
}

function keyOf(period: Period, day: string): string {
  if (period === 'daily') return day;
  if (period === 'weekly') return isoWeekOf(day);
  return calendarOf(day)[PERIOD_FIELD[period] as 'month' | 'year'];
}

/** Number of buckets of a period in [from, to], without building them. */
export function bucketCount(period: Period, from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  if (period === 'daily') return Math.round((b - a) / DAY_MS) + 1;
  if (period === 'weekly') {
    const monday = (ms: number) => ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY_MS;
    return Math.round((monday(b) - monday(a)) / (7 * DAY_MS)) + 1;
  }
  const ya = Number(from.slice(0, 4));
  const yb = Number(to.slice(0, 4));
  if (period === 'yearly') return yb - ya + 1;
  return (yb - ya) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
}

interface Counters {
  completed: number;
  completion_ms: number;
  timed: number;
  rating_sum: number;
  rated: number;
  on_time: number;
  sla_tracked: number;
  first_call: number;
}

const COUNTER_FIELDS = ['completed', 'completion_ms', 'timed', 'rating_sum', 'rated', 'on_time', 'sla_tracked', 'first_call'] as const;

const emptyCounters = (): Counters => ({
  completed: 0,
  completion_ms: 0,
  timed: 0,
  rating_sum: 0,
  rated: 0,
  on_time: 0,
  sla_tracked: 0,
  first_call: 0,
});

function addInto(target: Counters, c: Counters): void {
  for (const k of COUNTER_FIELDS) target[k] += c[k];
}

/** The documented figures of a set of completed tickets (same definitions as docs/api/000-technicians.md). */
export function figuresOf(c: Counters) {
  return {
    tickets_completed: c.completed,
    average_completion_time: round2(ratio(c.completion_ms, c.timed) / 3_600_000),
    on_time_rate: percent(c.on_time, c.sla_tracked),
    average_rating: round2(ratio(c.rating_sum, c.rated)),
    first_call_resolution: percent(c.first_call, c.completed),
    rated_tickets: c.rated,
  };
}

export interface PerformanceQuery {
  period: Period;
  /** Days, inclusive (UTC). */
  from: string;
  to: string;
  technicianId?: string;
}

type PeriodGroup = { _id: { period: string; technician_id: string } } & Counters;

/** The per-technician counters of the days [from, to] grouped by period (from the daily documents). */
function groupDays(readStore: ReadStore, period: Period, from: string, to: string, technicianId?: string): Promise<PeriodGroup[]> {
  return groupCounters(readStore, REPORT_TECHNICIAN_DAILY, PERIOD_FIELD[period], { date: { $gte: from, $lte: to } }, technicianId);
}

async function groupCounters(
  readStore: ReadStore,
  collection: string,
  field: string,
  range: Filter,
  technicianId?: string,
): Promise<PeriodGroup[]> {
  const match: Filter = { ...range };
  if (technicianId !== undefined) match.technician_id = technicianId;
  const sums = Object.fromEntries(COUNTER_FIELDS.map((k) => [k, { $sum: `$${k}` }]));
  return readStore.collection(collection).aggregate<PeriodGroup>([
    { $match: match },
    { $group: { _id: { period: `$${field}`, technician_id: '$technician_id' }, ...sums } },
  ]);
}

const lastDayOfMonth = (month: string): string => addDays(`${nextMonth(month)}-01`, -1);
const nextMonth = (month: string): string => {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`;
};

/**
 * Monthly and yearly reports read whole months from the monthly documents (one per technician
 * and month) and only the days of a partial first or last month from the daily ones; daily and
 * weekly reports read the daily documents.
 */
async function periodGroups(readStore: ReadStore, q: PerformanceQuery): Promise<PeriodGroup[]> {
  if (q.period === 'daily' || q.period === 'weekly') return groupDays(readStore, q.period, q.from, q.to, q.technicianId);
  const firstFull = q.from.endsWith('-01') ? q.from.slice(0, 7) : nextMonth(q.from.slice(0, 7));
  const lastFull = lastDayOfMonth(q.to.slice(0, 7)) === q.to ? q.to.slice(0, 7) : previousMonth(q.to.slice(0, 7));
  if (firstFull > lastFull) return groupDays(readStore, q.period, q.from, q.to, q.technicianId);
  const parts: Promise<PeriodGroup[]>[] = [
    groupCounters(readStore, REPORT_TECHNICIAN_MONTHLY, PERIOD_FIELD[q.period], { month: { $gte: firstFull, $lte: lastFull } }, q.technicianId),
  ];
  const firstFullDay = `${firstFull}-01`;
  const lastFullDay = lastDayOfMonth(lastFull);
  if (q.from < firstFullDay) parts.push(groupDays(readStore, q.period, q.from, addDays(firstFullDay, -1), q.technicianId));
  if (q.to > lastFullDay) parts.push(groupDays(readStore, q.period, addDays(lastFullDay, 1), q.to, q.technicianId));
  const merged = new Map<string, PeriodGroup>();
  for (const g of (await Promise.all(parts)).flat()) {
    const key = `${g._id.period}\u0000${g._id.technician_id}`;
    const m = merged.get(key);
    if (!m) merged.set(key, { ...g });
    else for (const k of COUNTER_FIELDS) m[k] = num(m[k]) + num(g[k]);
  }
  return [...merged.values()];
}

const previousMonth = (month: string): string => {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${String(y - 1).padStart(4, '0')}-12` : `${month.slice(0, 4)}-${String(m - 1).padStart(2, '0')}`;
};

export async function performanceReport(readStore: ReadStore, q: PerformanceQuery) {
  const groups = await periodGroups(readStore, q);

  const technicianIds = [...new Set(groups.map((g) => g._id.technician_id))];
  if (q.technicianId !== undefined && !technicianIds.includes(q.technicianId)) technicianIds.push(q.technicianId);
  const people = technicianIds.length
    ? await readStore
        .collection<TechnicianDoc>(TECHNICIANS)
        .find({ _id: { $in: technicianIds } }, { projection: { full_name: 1, employee_id: 1 } })
    : [];
  const personOf = new Map(people.map((p) => [p._id, p]));
  const technician = (id: string) => ({
    id,
    full_name: personOf.get(id)?.full_name ?? null,
    employee_id: personOf.get(id)?.employee_id ?? null,
  });

  const byBucket = new Map<string, Map<string, Counters>>();
  const byTechnician = new Map<string, Counters>();
  const overall = emptyCounters();
  for (const g of groups) {
    const c = emptyCounters();
    for (const k of COUNTER_FIELDS) c[k] = num(g[k]);
    if (c.completed === 0) continue; // a ticket that moved away from a day leaves zeros behind
    const bucket = byBucket.get(g._id.period) ?? new Map<string, Counters>();
    byBucket.set(g._id.period, bucket);
    bucket.set(g._id.technician_id, c);
    const t = byTechnician.get(g._id.technician_id) ?? emptyCounters();
    addInto(t, c);
    byTechnician.set(g._id.technician_id, t);
    addInto(overall, c);
  }

  const order = (a: [string, Counters], b: [string, Counters]) => {
    const na = personOf.get(a[0])?.full_name ?? '';
    const nb = personOf.get(b[0])?.full_name ?? '';
    return b[1].completed - a[1].completed || na.localeCompare(nb) || (a[0] < b[0] ? -1 : 1);
  };
  const periods = bucketsOf(q.period, q.from, q.to).map((b) => {
    const techs = [...(byBucket.get(b.period) ?? new Map<string, Counters>()).entries()].sort(order);
    const total = emptyCounters();
    for (const [, c] of techs) addInto(total, c);
    return {
      ...b,
      totals: figuresOf(total),
      technicians: techs.map(([id, c]) => ({ technician: technician(id), ...figuresOf(c) })),
    };
  });
  if (q.technicianId !== undefined && !byTechnician.has(q.technicianId)) byTechnician.set(q.technicianId, emptyCounters());
  return {
    periods,
    technicians: [...byTechnician.entries()].sort(order).map(([id, c]) => ({ technician: technician(id), ...figuresOf(c) })),
    summary: figuresOf(overall),
  };
}

// The inventory report (GET /api/reports/inventory) is src/projections/inventory/report.ts.
