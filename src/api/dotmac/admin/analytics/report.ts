import type { DailyCounters } from '../../../../projections/dotmac-analytics/projector';

/**
 * Document 004's analytics figures from day counters (pure: the router reads the counters,
 * this shapes them). Periods are UTC: `day` YYYY-MM-DD, `week` ISO week YYYY-Www, `month`
 * YYYY-MM, `quarter` YYYY-Qn. Money is minor units here (the router converts).
 */
export const REPORT_TYPES = ['revenue', 'customers', 'services', 'support'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];
export const GROUPINGS = ['day', 'week', 'month', 'quarter'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** The filters each report type takes (the JSON object of `filters`). */
export const REPORT_FILTERS: Record<ReportType, readonly string[]> = {
  revenue: ['payment_method'],
  customers: ['customer_type'],
  services: ['service_id'],
  support: ['category'],
};

export function periodOf(date: string, by: Grouping): string {
  if (by === 'day') return date;
  if (by === 'month') return date.slice(0, 7);
  if (by === 'quarter') return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  // ISO 8601 week: the week with the year's first Thursday is week 1.
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7)); // the Thursday of its week
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Every period from `from` to `to` in order (so empty periods are shown as zeros). */
export function periodsBetween(from: string, to: string, by: Grouping): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00.000Z`); t <= Date.parse(`${to}T00:00:00.000Z`); t += 86_400_000) {
    const p = periodOf(new Date(t).toISOString().slice(0, 10), by);
    if (out[out.length - 1] !== p) out.push(p);
  }
  return out;
}

const sum = (r: Record<string, number> | undefined, only?: string) => (r ? (only !== undefined ? (r[only] ?? 0) : Object.values(r).reduce((a, b) => a + b, 0)) : 0);

export type Metrics = Record<string, number | null>;

/** One day's figures for a report type, filtered. */
export function metricsOf(type: ReportType, d: DailyCounters, filters: Record<string, string>, currency: string): Metrics {
  switch (type) {
    case 'customers': {
      const byType = filters.customer_type;
      return { new_customers: byType ? (d.customers?.by_type?.[byType] ?? 0) : (d.customers?.new ?? 0), closed_customers: byType ? null : (d.customers?.closed ?? 0) };
    }
    case 'services': {
      const plan = filters.service_id ? `plan_${filters.service_id}` : undefined;
      return { activated: sum(d.services?.activated, plan), suspended: sum(d.services?.suspended, plan), terminated: sum(d.services?.terminated, plan) };
    }
    case 'support': {
      const c = filters.category;
      return {
        created: sum(d.tickets?.created, c),
        resolved: sum(d.tickets?.resolved, c),
        closed: sum(d.tickets?.closed, c),
        rating_sum: c ? null : (d.tickets?.rating_sum ?? 0),
        rating_count: c ? null : (d.tickets?.rating_count ?? 0),
        sla_breaches: c ? null : (d.tickets?.sla_breaches ?? 0),
      };
    }
    case 'revenue': {
      const r = d.revenue?.[currency] ?? {};
      const method = filters.payment_method;
      if (method) return { payments: r.by_method?.[method] ?? 0, refunds: null, net_revenue: null, invoiced: null };
      return { payments: r.payments ?? 0, refunds: r.refunds ?? 0, net_revenue: (r.payments ?? 0) - (r.refunds ?? 0), invoiced: r.invoiced ?? 0 };
    }
  }
}

const add = (a: Metrics, b: Metrics): Metrics => Object.fromEntries(Object.keys(b).map((k) => [k, a[k] === null || b[k] === null ? null : ((a[k] as number | undefined) ?? 0) + (b[k] as number)]));

/** Rows per period (every period of the range, empty ones as zeros) and the totals. */
export function groupReport(type: ReportType, days: readonly DailyCounters[], from: string, to: string, by: Grouping, filters: Record<string, string>, currency: string) {
  const zero = metricsOf(type, { _id: '', date: from }, filters, currency);
  const rows = new Map(periodsBetween(from, to, by).map((p) => [p, { ...zero }]));
  let totals: Metrics = { ...zero };
  for (const d of days) {
    const m = metricsOf(type, d, filters, currency);
    const p = periodOf(d.date, by);
    rows.set(p, add(rows.get(p) ?? zero, m));
    totals = add(totals, m);
  }
  return { rows: [...rows.entries()].map(([period, metrics]) => ({ period, ...metrics })), totals };
}

/** The last 12 months ending with `today`'s, oldest first (YYYY-MM). */
export function lastTwelveMonths(today: string): string[] {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  return Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 12 + i, 1));
    return d.toISOString().slice(0, 7);
  });
}
