import { addDays } from '../../../../commands/billing/dates';

/**
 * The usage report of document 004 GET /services/{id}/usage, from the daily aggregates (pure).
 * `period` is the size of the rows of `usage_data`: one per day, per week (starting Monday,
 * dated by its Monday) or per month (dated by its first day), every one in the range, zeros
 * where nothing was recorded. The summary covers the whole range: totals, the average per day
 * (over the days of the range up to today) and the peak (the largest single day).
 * Gigabytes are decimal (1000 MB), to the megabyte.
 */
export const USAGE_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

export interface UsageDay {
  date: string;
  download_mb: number;
  upload_mb: number;
}

export const gb = (mb: number): number => Number((mb / 1000).toFixed(3));

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00.000Z`) / 86_400_000;

export function bucketOf(date: string, period: UsagePeriod): string {
  if (period === 'daily') return date;
  if (period === 'monthly') return `${date.slice(0, 7)}-01`;
  const weekday = (new Date(`${date}T00:00:00.000Z`).getUTCDay() + 6) % 7; // Monday 0
  return addDays(date, -weekday);
}

/** The range a period shows when none is given: this month by day, 12 weeks by week, 12 months by month. */
export function defaultRange(period: UsagePeriod, today: string): { start: string; end: string } {
  if (period === 'daily') return { start: `${today.slice(0, 7)}-01`, end: today };
  if (period === 'weekly') return { start: bucketOf(addDays(today, -7 * 11), 'weekly'), end: today };
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 10);
  return { start: first, end: today };
}

export function usageReport(days: readonly UsageDay[], period: UsagePeriod, range: { start: string; end: string }, today: string) {
  const rows = new Map<string, { download: number; upload: number }>();
  for (let d = bucketOf(range.start, period); d <= range.end; ) {
    rows.set(d, { download: 0, upload: 0 });
    d = period === 'daily' ? addDays(d, 1) : period === 'weekly' ? addDays(d, 7) : bucketOf(addDays(d, 32), 'monthly');
  }
  let download = 0;
  let upload = 0;
  let peak = 0;
  for (const day of days) {
    if (day.date < range.start || day.date > range.end) continue;
    const row = rows.get(bucketOf(day.date, period))!;
    row.download += day.download_mb;
    row.upload += day.upload_mb;
    download += day.download_mb;
    upload += day.upload_mb;
    peak = Math.max(peak, day.download_mb + day.upload_mb);
  }
  const lastCounted = range.end < today ? range.end : today;
  const dayCount = Math.max(1, dayNumber(lastCounted) - dayNumber(range.start) + 1);
  return {
    usage_data: [...rows].map(([date, r]) => ({ date, download: gb(r.download), upload: gb(r.upload), total: gb(r.download + r.upload), unit: 'gb' as const })),
    summary: {
      total_download: gb(download),
      total_upload: gb(upload),
      total_usage: gb(download + upload),
      average_daily: Number(((download + upload) / 1000 / dayCount).toFixed(2)),
      peak_usage: gb(peak),
      unit: 'gb' as const,
    },
  };
}
