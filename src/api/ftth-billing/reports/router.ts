import { Router } from 'express';
import { z } from 'zod';
import { listBrands } from '../../../projections/billing-catalog/queries';
import { countPelanggan } from '../../../projections/billing-customers/queries';
import { PELANGGAN_STATUSES, SEGMENTS } from '../../../projections/billing-customers/vocabulary';
import { groupRevenue, revenueCounters } from '../../../projections/billing-invoices/queries';
import type { Filter } from '../../../ports/read-store';
import { ValidationError } from '../../../domain/shared/errors';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import type { ApiDeps } from '../../deps';
import { billingDoc, calendarDate, TAGS } from '../envelope';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { INVOICE_LABELS } from '../invoices/vocabulary';
import { BILLING_PERMISSIONS as P } from '../permissions';
import { billingComponents } from '../schemas';

const base = { ...billingDoc, tag: TAGS.reports };

/**
 * Document 002 "Reports Endpoints": GET /api/reports/revenue and /api/reports/customers,
 * mounted at /api/reports before document 000's reports router (which keeps /dashboard,
 * /tickets, /performance, /inventory): the routes are declared one by one, so 000's paths pass
 * through untouched. From projections: the revenue counters and the customers read model.
 */
export function billingReportsRouter(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/revenue',
        query: z.object({
          start_date: calendarDate.optional(),
          end_date: calendarDate.optional(),
          group_by: z.enum(['month', 'brand', 'status'], { error: () => 'The group by must be month, brand or status.' }).default('month'),
        }),
        before: guard(P, 'reports'),
        doc: {
          ...base,
          operationId: 'billingRevenueReport',
          summary: 'Revenue: invoices dated in the range, grouped by month, brand or status',
          description: 'Totals in integer rupiah: what was invoiced, what was paid, what is still owed (issued and overdue invoices). Cancelled invoices count in `status` only.',
          success: [{ status: 200, description: 'The report.', schema: ref('BillingRevenueReport') }],
          statuses: [403],
          roles: P.reports,
        },
        handle: async (_req, res, { query }) => {
          if (query.start_date && query.end_date && query.start_date > query.end_date) {
            throw new ValidationError({ end_date: ['The end date must be on or after the start date.'] });
          }
          const counters = await revenueCounters(deps.readStore, query.start_date ?? null, query.end_date ?? null);
          const kept = query.group_by === 'status' ? counters : counters.filter((c) => c.status !== 'void');
          const groups = groupRevenue(kept, query.group_by);
          res.json({
            start_date: query.start_date ?? null,
            end_date: query.end_date ?? null,
            group_by: query.group_by,
            total: groups.reduce((n, g) => n + (g.key === 'void' ? 0 : g.total), 0),
            dibayar: groups.reduce((n, g) => n + g.paid, 0),
            belum_dibayar: groups.reduce((n, g) => n + g.outstanding, 0),
            data: groups.map((g) => ({
              key: query.group_by === 'status' ? (INVOICE_LABELS as Record<string, string>)[g.key] ?? g.key : g.key,
              jumlah_invoice: g.count,
              total: g.total,
              dibayar: g.paid,
              belum_dibayar: g.outstanding,
            })),
          });
        },
      }),
      route({
        method: 'get',
        path: '/customers',
        query: z.object({
          segment: z.enum(SEGMENTS, { error: () => `The segment must be one of: ${SEGMENTS.join(', ')}.` }).optional(),
          status: z.enum(PELANGGAN_STATUSES, { error: () => `The status must be one of: ${PELANGGAN_STATUSES.join(', ')}.` }).optional(),
          brand: z.string().trim().max(32).optional(),
        }),
        before: guard(P, 'reports'),
        doc: {
          ...base,
          operationId: 'billingCustomerReport',
          summary: 'Customers: how many, by segment, status and brand, within the filters',
          success: [{ status: 200, description: 'The report.', schema: ref('BillingCustomerReport') }],
          statuses: [403],
          roles: P.reports,
        },
        handle: async (_req, res, { query }) => {
          const filter: Filter = {};
          if (query.segment) filter.segmen = query.segment;
          if (query.status) filter.status = query.status;
          if (query.brand) filter.id_brand = query.brand.toUpperCase();
          const brands = query.brand ? [query.brand.toUpperCase()] : (await listBrands(deps.readStore, { skip: 0, limit: 1000 })).items.map((b) => b.id_brand);
          const count = (extra: Filter) => countPelanggan(deps.readStore, { ...filter, ...extra });
          const segments = query.segment ? [query.segment] : [...SEGMENTS];
          const statuses = query.status ? [query.status] : [...PELANGGAN_STATUSES];
          const [total, bySegment, byStatus, byBrand] = await Promise.all([
            count({}),
            Promise.all(segments.map((s) => count({ segmen: s }))),
            Promise.all(statuses.map((s) => count({ status: s }))),
            Promise.all(brands.map((b) => count({ id_brand: b }))),
          ]);
          res.json({
            filters: { segment: query.segment ?? null, status: query.status ?? null, brand: query.brand?.toUpperCase() ?? null },
            total_pelanggan: total,
            by_segment: Object.fromEntries(segments.map((s, i) => [s, bySegment[i]])),
            by_status: Object.fromEntries(statuses.map((s, i) => [s, byStatus[i]])),
            by_brand: Object.fromEntries(brands.map((b, i) => [b, byBrand[i]])),
          });
        },
      }),
    ],
    billingComponents,
  );
  router.use(billingErrorHandler(deps.logger));
  return router;
}
