/**
 * Business dates of billing: due dates, periods and "today" are calendar dates in the
 * configured time zone (BILLING_TIME_ZONE, default Asia/Jakarta), not in UTC.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** YYYY-MM-DD of an instant in `timeZone`. */
export function businessDate(instant: Date | string, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(typeof instant === 'string' ? new Date(instant) : instant)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** YYYY-MM of a business date. */
export const periodOf = (date: string): string => date.slice(0, 7);

/** The date `days` days after `date` (YYYY-MM-DD, calendar arithmetic in UTC). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Day `day` of the month `period` (YYYY-MM), clamped to the month's last day. */
export function dayOfPeriod(period: string, day: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${period}-${String(Math.min(Math.max(day, 1), last)).padStart(2, '0')}`;
}
