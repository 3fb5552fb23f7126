import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../../../domain/ticket';
import { ValidationError } from '../../../domain/shared/errors';
import { bucketCount, PERIODS, type Period } from '../../../projections/reports/queries';
import { queryBoolean } from '../envelope';

/** Query parameters of GET /api/reports/* (document 000 names), parsed with zod. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DAY_MS = 86_400_000;

/** The most rows a tickets report holds (JSON, CSV and PDF alike). */
export const TICKET_REPORT_MAX_ROWS = 10_000;
/** The most items an inventory report lists. */
export const INVENTORY_REPORT_MAX_ROWS = 10_000;
/** The longest completion trend of the dashboard, in days. */
export const MAX_TREND_DAYS = 365;

const uuid = (name: string) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .regex(UUID, `The ${name} must be a valid UUID.`)
    .transform((s) => s.toLowerCase());

const oneOf = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { error: () => `The selected ${name} is invalid (one of: ${values.join(', ')}).` });

/** Dates outside these years are refused (a report has no use for them, and date arithmetic stays in range). */
const FIRST_DAY = '1900-01-01';
const LAST_DAY = '2999-12-31';

/** A real calendar day (2026-02-30 is refused) between 1900 and 2999. */
const isCalendarDay = (s: string): boolean =>
  DATE_ONLY.test(s) &&
  s >= FIRST_DAY &&
  s <= LAST_DAY &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(Date.parse(`${s}T00:00:00Z`)).toISOString().startsWith(s);

/** A date (YYYY-MM-DD, a whole UTC day) or a timestamp with a time zone; kept as given. */
const dateOrTimestamp = (name: string) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .refine((s) => isCalendarDay(s) || (TIMESTAMP.test(s) && isCalendarDay(s.slice(0, 10)) && !Number.isNaN(Date.parse(s))), {
      message: `The ${name} must be a date (YYYY-MM-DD) or an ISO-8601 timestamp with a time zone, between 1900 and 2999.`,
    });

/** A calendar day only (the performance report counts whole UTC days). */
const day = (name: string) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .refine(isCalendarDay, { message: `The ${name} must be a date (YYYY-MM-DD) between 1900-01-01 and 2999-12-31.` });

/** Inclusive lower bound (ISO-8601 UTC) of a date_from. */
export function lowerBound(s: string): string {
  return new Date(Date.parse(DATE_ONLY.test(s) ? `${s}T00:00:00Z` : s)).toISOString();
}

/** Exclusive upper bound (ISO-8601 UTC) of a date_to: the next day after a date, the next millisecond after a timestamp. */
export function upperBound(s: string): string {
  const ms = Date.parse(DATE_ONLY.test(s) ? `${s}T00:00:00Z` : s);
  return new Date(ms + (DATE_ONLY.test(s) ? DAY_MS : 1)).toISOString();
}

/** 422 on date_to when the range is empty. */
/** date_to may not be before date_from (422 on date_to). */
export function checkRange(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && lowerBound(from) >= upperBound(to)) {
    throw new ValidationError({ date_to: ['The date to must be on or after the date from.'] });
  }
}

/** GET /api/reports/dashboard */
export const dashboardQuery = z.object({
  days: z.coerce
    .number({ error: 'The days must be a number.' })
    .int('The days must be a whole number.')
    .min(1, 'The days must be at least 1.')
    .max(MAX_TREND_DAYS, `The days may not be greater than ${MAX_TREND_DAYS}.`)
    .default(30),
});

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** GET /api/reports/tickets */
export const ticketsReportQuery = z.object({
  date_from: dateOrTimestamp('date from').optional(),
  date_to: dateOrTimestamp('date to').optional(),
  technician_id: uuid('technician id').optional(),
  customer_id: uuid('customer id').optional(),
  status: oneOf('status', TICKET_STATUSES).optional(),
  type: oneOf('type', TICKET_TYPES).optional(),
  priority: oneOf('priority', TICKET_PRIORITIES).optional(),
  format: oneOf('format', REPORT_FORMATS).default('json'),
  limit: z.coerce
    .number({ error: 'The limit must be a number.' })
    .int('The limit must be a whole number.')
    .min(1, 'The limit must be at least 1.')
    .max(TICKET_REPORT_MAX_ROWS, `The limit may not be greater than ${TICKET_REPORT_MAX_ROWS}.`)
    .default(TICKET_REPORT_MAX_ROWS),
});


/** GET /api/reports/performance */
export const performanceQuery = z.object({
  period: oneOf('period', PERIODS).default('monthly'),
  technician_id: uuid('technician id').optional(),
  date_from: day('date from').optional(),
  date_to: day('date to').optional(),
});


/** GET /api/reports/inventory */
export const inventoryQuery = z.object({
  category: z
    .string({ error: 'The category must be a string.' })
    .trim()
    .min(1, 'The category may not be empty.')
    .max(100, 'The category may not be longer than 100 characters.')
    .optional(),
  low_stock_only: queryBoolean.optional(),
  date_from: dateOrTimestamp('date from').optional(),
  date_to: dateOrTimestamp('date to').optional(),
});


/** The most buckets a performance report may hold, per period. */
export const MAX_BUCKETS: Record<Period, number> = { daily: 366, weekly: 260, monthly: 120, yearly: 50 };

const addDays = (d: string, n: number): string => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/**
 * The first day of the default range ending on `to`: the last 30 days (daily), 12 ISO weeks
 * (weekly), 12 calendar months (monthly) or 5 calendar years (yearly), the current one included.
 */
export function defaultFrom(period: Period, to: string): string {
  switch (period) {
    case 'daily':
      return addDays(to, -29);
    case 'weekly': {
      const weekday = (new Date(Date.parse(`${to}T00:00:00Z`)).getUTCDay() + 6) % 7;
      return addDays(to, -weekday - 7 * 11);
    }
    case 'monthly': {
      const y = Number(to.slice(0, 4));
      const m = Number(to.slice(5, 7)) - 1 - 11;
      return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    }
    case 'yearly':
      return `${String(Number(to.slice(0, 4)) - 4).padStart(4, '0')}-01-01`;
  }
}

/**
 * The days a performance report covers: date_from and date_to as given, else the default
 * range of the period ending today (UTC) or on date_to. 422 when the range holds more buckets
 * than the period allows.
 */
export function performanceRange(q: { period: Period; date_from?: string; date_to?: string }, today: string): { from: string; to: string } {
  const to = q.date_to ?? (q.date_from !== undefined && q.date_from > today ? q.date_from : today);
  const from = q.date_from ?? defaultFrom(q.period, to);
  const buckets = bucketCount(q.period, from, to);
  if (buckets > MAX_BUCKETS[q.period]) {
    throw new ValidationError({
      date_from: [`The range holds ${buckets} ${q.period} periods; at most ${MAX_BUCKETS[q.period]} are allowed.`],
    });
  }
  return { from, to };
}
