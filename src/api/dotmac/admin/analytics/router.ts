import type { Router } from 'express';
import { BILLING_LANGGANAN, type LanggananDoc } from '../../../../projections/billing-customers/projector';
import { countDotmacCustomers } from '../../../../projections/dotmac-customers/queries';
import { countOpenTickets } from '../../../../projections/dotmac-tickets/queries';
import { dailyCounters } from '../../../../projections/dotmac-analytics/queries';
import type { ApiDeps } from '../../../deps';
import { declareRoutes, route } from '../../../http/route';
import { array, integer, nullable, number, object, oneOfValues, record, string } from '../../../openapi/schema';
import { ok } from '../../envelope';
import { fromMinor } from '../../money';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess, money } from '../../openapi';
import { dotmacLimiter } from '../../rate-limit';
import { ValidationError } from '../../../../domain/shared/errors';
import { permit } from '../permissions';
import { ADMIN_TAGS, adminRouter, closeAdminRouter, rolesDoc } from '../shared';
import { customReportQuery } from './input';
import { GROUPINGS, groupReport, lastTwelveMonths, REPORT_TYPES, type Metrics } from './report';

const MONEY_METRICS = new Set(['payments', 'refunds', 'net_revenue', 'invoiced']);
const MAX_DAYS = 1100;

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Document 004 "Analytics Module APIs", mounted at /api/v1/analytics: from the day counters of
 * the dotmac_analytics read model and counts on indexed read models (docs/api/004-admin.md, "Analytics").
 */
export function analyticsRouter(deps: ApiDeps): Router {
  const router = adminRouter(deps);
  const currency = () => deps.commands.billing.currency;
  const today = () => deps.commands.clock.now().toISOString().slice(0, 10);
  const toMoney = (m: Metrics) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v !== null && MONEY_METRICS.has(k) ? fromMinor(v, currency()) : v]));

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/dashboards/overview',
        before: [permit('analytics.read')],
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.analytics,
          ...rolesDoc('analytics.read'),
          operationId: 'dotmacAnalyticsOverview',
          summary: 'Business overview dashboard',
          description:
            'KPIs: customers (all not closed), active services, this month\'s revenue (payments less refunds, in the billing currency, UTC month), customer satisfaction (the average closing rating of tickets over the last 12 months; null without ratings), open tickets; `network_uptime` is null: the product has no network monitoring to measure it. Trends over the last 12 months (oldest first, the current month last): customers at each month\'s end, and revenue.',
          success: [
            dotmacSuccess(
              200,
              'The dashboard.',
              object({
                kpis: object({
                  total_customers: integer(),
                  active_services: integer(),
                  monthly_revenue: money(),
                  customer_satisfaction: nullable(number()),
                  network_uptime: nullable(number('No source of uptime data: always null.')),
                  open_tickets: integer(),
                  currency: string(),
                }),
                trends: object({
                  customer_growth: object({ period: oneOfValues(['12_months']), data: array(object({ month: string(), customers: integer() })) }),
                  revenue_trend: object({ period: oneOfValues(['12_months']), data: array(object({ month: string(), revenue: money() })) }),
                }),
              }),
            ),
          ],
          statuses: [403, ...ALWAYS],
        },
        handle: async (req, res) => {
          const now = today();
          const months = lastTwelveMonths(now);
          const from = `${months[0]}-01`;
          const [days, totalCustomers, activeServices] = await Promise.all([
            dailyCounters(deps.readStore, from, now),
            countDotmacCustomers(deps.readStore),
            deps.readStore.collection<LanggananDoc>(BILLING_LANGGANAN).countDocuments({ status: 'active' }),
          ]);
          const cur = currency();
          const byMonth = new Map(months.map((m) => [m, { revenue: 0, net: 0, ratingSum: 0, ratingCount: 0 }]));
          for (const d of days) {
            const m = byMonth.get(d.date.slice(0, 7));
            if (!m) continue;
            const r = d.revenue?.[cur];
            m.revenue += (r?.payments ?? 0) - (r?.refunds ?? 0);
            m.net += (d.customers?.new ?? 0) - (d.customers?.closed ?? 0);
            m.ratingSum += d.tickets?.rating_sum ?? 0;
            m.ratingCount += d.tickets?.rating_count ?? 0;
          }
          // Customers at the end of each month: today's total less what came (net) after that month.
          let after = 0;
          const growth: Array<{ month: string; customers: number }> = [];
          for (const month of [...months].reverse()) {
            growth.unshift({ month, customers: totalCustomers - after });
            after += byMonth.get(month)!.net;
          }
          const ratings = [...byMonth.values()].reduce((a, m) => ({ sum: a.sum + m.ratingSum, count: a.count + m.ratingCount }), { sum: 0, count: 0 });
          const open = await countOpenTickets(deps.readStore);
          ok(deps, req, res, {
            kpis: {
              total_customers: totalCustomers,
              active_services: activeServices,
              monthly_revenue: fromMinor(byMonth.get(months[11]!)!.revenue, cur),
              customer_satisfaction: ratings.count ? round2(ratings.sum / ratings.count) : null,
              network_uptime: null,
              open_tickets: open,
              currency: cur,
            },
            trends: {
              customer_growth: { period: '12_months', data: growth },
              revenue_trend: { period: '12_months', data: months.map((month) => ({ month, revenue: fromMinor(byMonth.get(month)!.revenue, cur) })) },
            },
          });
        },
      }),
      route({
        method: 'get',
        path: '/reports/custom',
        query: customReportQuery,
        before: [dotmacLimiter(deps, 'report'), permit('analytics.read')],
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.analytics,
          ...rolesDoc('analytics.read'),
          operationId: 'dotmacAnalyticsCustomReport',
          summary: 'Generate a custom report',
          description:
            '`report_type`: revenue (payments, refunds, net_revenue, invoiced; in the billing currency), customers (new_customers, closed_customers), services (activated, suspended, terminated), support (created, resolved, closed, rating_sum, rating_count, average_satisfaction, sla_breaches). `date_from`/`date_to` (UTC days, default the last 12 months, at most 1100 days), `group_by` day, week (ISO), month (default), quarter. `filters`: a JSON object: revenue `payment_method`, customers `customer_type`, services `service_id`, support `category` (a figure the filter cannot split is null). Report generation is limited to 5 requests a minute per user.',
          success: [
            dotmacSuccess(
              200,
              'The report: a row per period (every period of the range) and the totals.',
              object({
                report_type: oneOfValues(REPORT_TYPES),
                date_from: string(),
                date_to: string(),
                group_by: oneOfValues(GROUPINGS),
                filters: record(string()),
                currency: string(),
                rows: array({ type: 'object', required: ['period'], properties: { period: string() }, additionalProperties: { type: ['number', 'null'] } }),
                totals: record({ type: ['number', 'null'] }),
              }),
            ),
          ],
          statuses: [403, 422, ...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const to = query.date_to ?? today();
          const from = query.date_from ?? `${lastTwelveMonths(to)[0]}-01`;
          if (Date.parse(to) - Date.parse(from) > MAX_DAYS * 86_400_000) throw new ValidationError({ date_from: [`A report covers at most ${MAX_DAYS} days.`] });
          const days = await dailyCounters(deps.readStore, from, to);
          const report = groupReport(query.report_type, days, from, to, query.group_by, query.filters, currency());
          const withAverage = (m: Metrics) => (query.report_type === 'support' ? { ...m, average_satisfaction: m.rating_count ? round2((m.rating_sum as number) / (m.rating_count as number)) : null } : m);
          ok(deps, req, res, {
            report_type: query.report_type,
            date_from: from,
            date_to: to,
            group_by: query.group_by,
            filters: query.filters,
            currency: currency(),
            rows: report.rows.map(({ period, ...m }) => ({ period, ...toMoney(withAverage(m)) })),
            totals: toMoney(withAverage(report.totals)),
          });
        },
      }),
    ],
    {
      ...DOTMAC_COMPONENTS,
      tags: [{ name: ADMIN_TAGS.analytics, description: 'Document 004 "Analytics Module APIs": the overview dashboard and custom reports, from maintained day counters (never a scan of the records).' }],
    },
  );
  return closeAdminRouter(router, deps);
}
