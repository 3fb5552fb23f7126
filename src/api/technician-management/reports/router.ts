import { Router, type Response } from 'express';
import { ForbiddenError } from '../../../domain/shared/errors';
import { dashboard, performanceReport, ticketReport, type TicketReport } from '../../../projections/reports/queries';
import { inventoryReport } from '../../../projections/inventory/report';
import { authenticate } from '../../http/authenticate';
import { requireAuth } from '../../http/context';
import { validate } from '../../http/validation';
import type { ApiDeps } from '../../deps';
import { ok } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { allows, permit } from '../permissions';
import { writeTicketsCsv } from './csv';
import {
  dashboardQuery,
  INVENTORY_REPORT_MAX_ROWS,
  lowerBound,
  parseInventoryQuery,
  parsePerformanceQuery,
  parseTicketsReportQuery,
  performanceRange,
  upperBound,
} from './input';
import { writeTicketsPdf } from './pdf';
import { REPORT_PERMISSIONS as P } from './permissions';

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

  router.get('/dashboard', signedIn, permit(P, 'dashboard'), async (req, res) => {
    const q = validate(dashboardQuery, req.query);
    ok(res, await dashboard(deps.readStore, { now: now(), days: q.days, topTechnicians: TOP_TECHNICIANS }));
  });

  router.get('/tickets', signedIn, permit(P, 'tickets'), async (req, res) => {
    const q = parseTicketsReportQuery(req);
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
  });

  router.get('/performance', signedIn, permit(P, 'performance'), async (req, res) => {
    const auth = requireAuth(req);
    const q = parsePerformanceQuery(req);
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
  });

  router.get('/inventory', signedIn, permit(P, 'inventory'), async (req, res) => {
    const q = parseInventoryQuery(req);
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
  });

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
