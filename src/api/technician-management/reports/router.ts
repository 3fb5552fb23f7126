import { Router, type Response } from 'express';
import { ForbiddenError } from '../../../domain/shared/errors';
import { dashboard, performanceReport, ticketReport, type TicketReport } from '../../../projections/reports/queries';
import { inventoryReport } from '../../../projections/inventory/report';
import { authenticate } from '../../http/authenticate';
import { requireAuth } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import { TAGS, tms } from '../openapi';
import type { ApiDeps } from '../../deps';
import { ok } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { allows, permit } from '../permissions';
import { writeTicketsCsv } from './csv';
import {
  checkRange,
  dashboardQuery,
  INVENTORY_REPORT_MAX_ROWS,
  inventoryQuery,
  lowerBound,
  performanceQuery,
  performanceRange,
  ticketsReportQuery,
  upperBound,
} from './input';
import { writeTicketsPdf } from './pdf';
import { REPORT_PERMISSIONS as P } from './permissions';
import { REPORT_FILE_HEADERS, REPORT_SCHEMAS } from './schemas';

const base = { ...tms, tag: TAGS.reports };
const dateOrTimestamp =
  'A date (YYYY-MM-DD, the whole UTC day) or an ISO-8601 timestamp with a time zone, 1900–2999; bounds created_at (the inventory report: the movements).';

/** Entries of the dashboard's technician_performance chart. */
export const TOP_TECHNICIANS = 10;

/** Headers telling a CSV or PDF client what a JSON client reads in `summary`. */
function reportHeaders(res: Response, report: TicketReport): void {
  res.setHeader('X-Report-Total', String(report.summary.total));
  res.setHeader('X-Report-Rows', String(report.summary.returned));
  res.setHeader('X-Report-Row-Limit', String(report.summary.row_limit));
  res.setHeader('X-Report-Truncated', String(report.summary.truncated));
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * Document 000 "Reporting & Analytics", mounted at /api/reports: the dashboard, the tickets
 * report (json, csv, pdf), the performance report by period and the inventory report. Every
 * figure comes from read models (see src/projections/reports/); "today" and "now" are the
 * injected clock's, in UTC. Only these four routes are defined here; any other /api/reports/...
 * request (document 002's revenue and customer reports) passes through.
 */
export function reportsRouter(deps: ApiDeps): Router {
  const router = Router();
  const now = () => deps.commands.clock.now();
  // Authentication on each route, not on the router: document 002 has other /api/reports/...
  // paths (revenue, customers), which must fall through untouched.
  const signedIn = authenticate(deps, 'staff');

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/dashboard',
        query: dashboardQuery,
        before: [signedIn, permit(P, 'dashboard')],
        doc: {
          ...base,
          operationId: 'reportDashboard',
          summary: 'Dashboard summary and charts',
          queryDescriptions: { days: 'Days of completion_trend, ending today (UTC).' },
          success: [{ status: 200, description: 'The dashboard.', schema: ref('TmsDashboard') }],
          statuses: [403],
          roles: P.dashboard,
        },
        handle: async (_req, res, { query: q }) => {
          ok(res, await dashboard(deps.readStore, { now: now(), days: q.days, topTechnicians: TOP_TECHNICIANS }));
        },
      }),
      route({
        method: 'get',
        path: '/tickets',
        query: ticketsReportQuery,
        before: [signedIn, permit(P, 'tickets')],
        doc: {
          ...base,
          operationId: 'reportTickets',
          summary: 'Tickets report as JSON, CSV or PDF',
          description: 'format=json (default) answers in the envelope; csv and pdf are downloads with the summary in X-Report-* headers.',
          queryDescriptions: { date_from: dateOrTimestamp, date_to: dateOrTimestamp, limit: 'Rows at most.' },
          success: [
            {
              status: 200,
              description: 'The report.',
              schema: ref('TmsTicketReport'),
              otherContent: {
                'text/csv': { schema: { type: 'string', description: 'One row per ticket, with a header row.' } },
                'application/pdf': { schema: { type: 'string', format: 'binary' } },
              },
              extraHeaders: REPORT_FILE_HEADERS,
            },
          ],
          statuses: [403],
          roles: P.tickets,
        },
        handle: async (_req, res, { query: q }) => {
          checkRange(q.date_from, q.date_to);
          const at = now();
          const report = await ticketReport(
            deps.readStore,
            {
              status: q.status,
              priority: q.priority,
              type: q.type,
              technicianId: q.technician_id,
              customerId: q.customer_id,
              createdFrom: q.date_from === undefined ? undefined : lowerBound(q.date_from),
              createdTo: q.date_to === undefined ? undefined : upperBound(q.date_to),
            },
            at,
            q.limit,
          );
          const filters = {
            date_from: q.date_from ?? null,
            date_to: q.date_to ?? null,
            technician_id: q.technician_id ?? null,
            customer_id: q.customer_id ?? null,
            status: q.status ?? null,
            type: q.type ?? null,
            priority: q.priority ?? null,
          };
          const generatedAt = at.toISOString();
          const fileName = `tickets-report-${generatedAt.slice(0, 10)}`;
          if (q.format === 'json') {
            ok(res, { tickets: report.rows, summary: report.summary, filters: { ...filters, format: q.format, limit: q.limit }, generated_at: generatedAt });
            return;
          }
          reportHeaders(res, report);
          if (q.format === 'csv') {
            res.status(200).setHeader('Content-Type', 'text/csv; charset=utf-8');
            res.setHeader('Content-Disposition', `attachment; filename="${fileName}.csv"`);
            await writeTicketsCsv(report.rows, res);
            return;
          }
          res.status(200).setHeader('Content-Type', 'application/pdf');
          res.setHeader('Content-Disposition', `attachment; filename="${fileName}.pdf"`);
          await writeTicketsPdf(report.rows, { title: 'Tickets report', generatedAt, filters, summary: report.summary }, res);
        },
      }),
      route({
        method: 'get',
        path: '/performance',
        query: performanceQuery,
        before: [signedIn, permit(P, 'performance')],
        doc: {
          ...base,
          operationId: 'reportPerformance',
          summary: 'Technician performance per period',
          description: 'Without dates: the default range of the period ending today. Too many periods in the range is 422.',
          queryDescriptions: { technician_id: 'A technician: only their own (another id is 403).' },
          success: [{ status: 200, description: 'The report.', schema: ref('TmsPerformanceReport') }],
          statuses: [403],
          roles: P.performance,
          rolesNote: 'a technician: their own',
        },
        handle: async (req, res, { query: q }) => {
          const auth = requireAuth(req);
          checkRange(q.date_from, q.date_to);
          let technicianId = q.technician_id;
          if (!allows(P, 'performanceAll', auth.role)) {
            if (technicianId !== undefined && technicianId !== auth.userId) {
              throw new ForbiddenError('You may only view your own performance report');
            }
            technicianId = auth.userId;
          }
          const { from, to } = performanceRange(q, now().toISOString().slice(0, 10));
          const report = await performanceReport(deps.readStore, { period: q.period, from, to, technicianId });
          ok(res, {
            period: q.period,
            filters: { technician_id: technicianId ?? null, date_from: from, date_to: to },
            ...report,
            generated_at: now().toISOString(),
            timezone: 'UTC',
          });
        },
      }),
      route({
        method: 'get',
        path: '/inventory',
        query: inventoryQuery,
        before: [signedIn, permit(P, 'inventory')],
        doc: {
          ...base,
          operationId: 'reportInventory',
          summary: 'Inventory report',
          description:
            'Stock levels, the items at or below their minimum level, and the stock movements of the date range (date_from, date_to bound the movements; category and low_stock_only the items).',
          queryDescriptions: { date_from: dateOrTimestamp, date_to: dateOrTimestamp },
          success: [{ status: 200, description: 'The report.', schema: ref('TmsInventoryReport') }],
          statuses: [403],
          roles: P.inventory,
        },
        handle: async (_req, res, { query: q }) => {
          checkRange(q.date_from, q.date_to);
          const report = await inventoryReport(deps.readStore, {
            category: q.category,
            lowStockOnly: q.low_stock_only,
            from: q.date_from === undefined ? undefined : lowerBound(q.date_from),
            to: q.date_to === undefined ? undefined : upperBound(q.date_to),
            rowLimit: INVENTORY_REPORT_MAX_ROWS,
          });
          ok(res, {
            ...report,
            filters: {
              category: q.category ?? null,
              low_stock_only: q.low_stock_only ?? false,
              date_from: q.date_from ?? null,
              date_to: q.date_to ?? null,
            },
            generated_at: now().toISOString(),
          });
        },
      }),
    ],
    {
      tags: [{ name: TAGS.reports, description: 'Document 000, reporting and analytics from read models; every day is a UTC day (docs/api/000-reports.md).' }],
      schemas: REPORT_SCHEMAS,
    },
  );

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
