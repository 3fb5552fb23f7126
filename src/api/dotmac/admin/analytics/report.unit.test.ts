import type { DailyCounters } from '../../../../projections/dotmac-analytics/projector';
import { groupReport, lastTwelveMonths, periodOf, periodsBetween } from './report';

describe('analytics periods and grouping', () => {
  it('names days, ISO weeks, months and quarters', () => {
    expect(periodOf('2026-01-15', 'day')).toBe('2026-01-15');
    expect(periodOf('2026-01-15', 'month')).toBe('2026-01');
    expect(periodOf('2026-05-01', 'quarter')).toBe('2026-Q2');
    expect(periodOf('2026-01-01', 'week')).toBe('2026-W01'); // a Thursday
    expect(periodOf('2027-01-01', 'week')).toBe('2026-W53'); // a Friday: the last week of 2026
    expect(periodOf('2024-12-30', 'week')).toBe('2025-W01');
  });

  it('lists every period of a range, the empty ones too', () => {
    expect(periodsBetween('2026-01-30', '2026-03-02', 'month')).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(periodsBetween('2026-01-01', '2026-01-03', 'day')).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(lastTwelveMonths('2026-01-15')).toEqual(['2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01']);
  });

  it('adds the days of each period and the totals, with filters', () => {
    const days: DailyCounters[] = [
      { _id: '2026-01-02', date: '2026-01-02', revenue: { USD: { payments: 1000, refunds: 100, invoiced: 2000, by_method: { credit_card: 600, manual: 400 } } } },
      { _id: '2026-02-10', date: '2026-02-10', revenue: { USD: { payments: 500, by_method: { credit_card: 500 } }, IDR: { payments: 99 } } },
    ];
    const r = groupReport('revenue', days, '2026-01-01', '2026-03-31', 'month', {}, 'USD');
    expect(r.rows).toEqual([
      { period: '2026-01', payments: 1000, refunds: 100, net_revenue: 900, invoiced: 2000 },
      { period: '2026-02', payments: 500, refunds: 0, net_revenue: 500, invoiced: 0 },
      { period: '2026-03', payments: 0, refunds: 0, net_revenue: 0, invoiced: 0 },
    ]);
    expect(r.totals).toEqual({ payments: 1500, refunds: 100, net_revenue: 1400, invoiced: 2000 });
    expect(groupReport('revenue', days, '2026-01-01', '2026-02-28', 'quarter', { payment_method: 'credit_card' }, 'USD').rows).toEqual([{ period: '2026-Q1', payments: 1100, refunds: null, net_revenue: null, invoiced: null }]);
  });
});
