import { bucketOf, defaultRange, usageReport } from './usage-report';

describe('usage report (document 004 /services/{id}/usage)', () => {
  const days = [
    { date: '2026-01-01', download_mb: 25_600, upload_mb: 5_200 },
    { date: '2026-01-02', download_mb: 40_000, upload_mb: 5_800 },
    { date: '2026-01-05', download_mb: 1_000, upload_mb: 500 },
  ];

  it('buckets by day, by week (from Monday) and by month', () => {
    expect(bucketOf('2026-01-07', 'daily')).toBe('2026-01-07');
    expect(bucketOf('2026-01-07', 'weekly')).toBe('2026-01-05'); // a Wednesday → its Monday
    expect(bucketOf('2026-01-05', 'weekly')).toBe('2026-01-05');
    expect(bucketOf('2026-01-04', 'weekly')).toBe('2025-12-29'); // a Sunday
    expect(bucketOf('2026-01-31', 'monthly')).toBe('2026-01-01');
  });

  it('defaults to this month by day, 12 weeks by week, 12 months by month', () => {
    expect(defaultRange('daily', '2026-01-15')).toEqual({ start: '2026-01-01', end: '2026-01-15' });
    expect(defaultRange('weekly', '2026-01-15')).toEqual({ start: '2025-10-27', end: '2026-01-15' });
    expect(defaultRange('monthly', '2026-01-15')).toEqual({ start: '2025-02-01', end: '2026-01-15' });
  });

  it('gives a row per day of the range, zeros included, and the summary', () => {
    const r = usageReport(days, 'daily', { start: '2026-01-01', end: '2026-01-05' }, '2026-01-15');
    expect(r.usage_data).toHaveLength(5);
    expect(r.usage_data[0]).toEqual({ date: '2026-01-01', download: 25.6, upload: 5.2, total: 30.8, unit: 'gb' });
    expect(r.usage_data[2]).toEqual({ date: '2026-01-03', download: 0, upload: 0, total: 0, unit: 'gb' });
    expect(r.summary).toEqual({ total_download: 66.6, total_upload: 11.5, total_usage: 78.1, average_daily: 15.62, peak_usage: 45.8, unit: 'gb' });
  });

  it('sums weeks and months, and averages over the days up to today', () => {
    const weekly = usageReport(days, 'weekly', { start: '2026-01-01', end: '2026-01-11' }, '2026-01-06');
    expect(weekly.usage_data.map((w) => [w.date, w.total])).toEqual([
      ['2025-12-29', 76.6],
      ['2026-01-05', 1.5],
    ]);
    expect(weekly.summary.average_daily).toBe(Number((78.1 / 6).toFixed(2)));
    const monthly = usageReport(days, 'monthly', { start: '2025-12-01', end: '2026-01-31' }, '2026-02-10');
    expect(monthly.usage_data.map((m) => [m.date, m.total])).toEqual([
      ['2025-12-01', 0],
      ['2026-01-01', 78.1],
    ]);
  });
});
