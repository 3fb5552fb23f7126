import { Router } from 'express';
import { z } from 'zod';
import { businessDate, periodOf } from '../../../commands/billing/dates';
import { countPelanggan, listBySegment } from '../../../projections/billing-customers/queries';
import { SEGMENTS } from '../../../projections/billing-customers/vocabulary';
import { countInvoices, groupRevenue, revenueCounters } from '../../../projections/billing-invoices/queries';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import type { ApiDeps } from '../../deps';
import { billingDoc, pageQuery, TAGS } from '../envelope';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { INVOICE_LABELS } from '../invoices/vocabulary';
import { BILLING_PERMISSIONS as P } from '../permissions';
import { billingComponents } from '../schemas';

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
export const monthLabel = (period: string): string => `${MONTHS[Number(period.slice(5, 7)) - 1]} ${period.slice(0, 4)}`;

/** The `months` periods up to and including `period` (YYYY-MM), oldest first. */
export function lastPeriods(period: string, months: number): string[] {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return Array.from({ length: months }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - (months - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

const base = { ...billingDoc, tag: TAGS.dashboard };

/**
 * Document 002 "Dashboard Endpoints" at /api/dashboard, from projections only: counts on the
 * customers and invoices read models' indexes, revenue from the daily revenue counters, the
 * loyalty segments kept per customer by the billing_customers projector.
 */
export function dashboardRouter(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        before: guard(P, 'reports'),
        doc: {
          ...base,
          operationId: 'billingDashboard',
          summary: 'Stat cards, the revenue of the current period and charts',
          success: [{ status: 200, description: 'The dashboard.', schema: ref('BillingDashboard') }],
          statuses: [403],
          roles: P.reports,
        },
        handle: async (_req, res) => {
          const period = periodOf(businessDate(deps.commands.clock.now(), deps.commands.billing.timeZone));
          const periods = lastPeriods(period, 6);
          const [total, aktif, suspended, issued, overdue, counters] = await Promise.all([
            countPelanggan(deps.readStore),
            countPelanggan(deps.readStore, { status: 'Aktif' }),
            countPelanggan(deps.readStore, { status: 'Suspended' }),
            countInvoices(deps.readStore, { status: 'issued' }),
            countInvoices(deps.readStore, { status: 'overdue' }),
            revenueCounters(deps.readStore, `${periods[0]}-01`, `${period}-31`),
          ]);
          const current = counters.filter((c) => c.month === period && c.status !== 'void');
          const byMonth = new Map(groupRevenue(counters.filter((c) => c.status !== 'void'), 'month').map((g) => [g.key, g]));
          const byStatus = new Map(groupRevenue(counters.filter((c) => c.month === period), 'status').map((g) => [g.key, g]));
          res.json({
            stat_cards: [
              { title: 'Total Pelanggan', value: total, icon: 'users', color: 'primary' },
              { title: 'Pelanggan Aktif', value: aktif, icon: 'user-check', color: 'success' },
              { title: 'Pelanggan Suspended', value: suspended, icon: 'user-x', color: 'warning' },
              { title: 'Invoice Belum Lunas', value: issued + overdue, icon: 'file-text', color: 'info' },
              { title: 'Invoice Jatuh Tempo', value: overdue, icon: 'alert-circle', color: 'danger' },
            ],
            revenue_summary: {
              total: current.reduce((n, c) => n + c.total, 0),
              dibayar: current.reduce((n, c) => n + c.paid, 0),
              periode: monthLabel(period),
              breakdown: groupRevenue(current, 'brand').map((g) => ({ id_brand: g.key, total: g.total, dibayar: g.paid, jumlah_invoice: g.count })),
            },
            charts: [
              {
                id: 'revenue_6_months',
                title: 'Pendapatan 6 bulan terakhir',
                labels: periods.map(monthLabel),
                series: [
                  { name: 'Total tagihan', data: periods.map((p) => byMonth.get(p)?.total ?? 0) },
                  { name: 'Dibayar', data: periods.map((p) => byMonth.get(p)?.paid ?? 0) },
                ],
              },
              {
                id: 'invoice_status',
                title: `Status invoice ${monthLabel(period)}`,
                labels: Object.values(INVOICE_LABELS),
                series: [{ name: 'Jumlah invoice', data: Object.keys(INVOICE_LABELS).map((s) => byStatus.get(s)?.count ?? 0) }],
              },
            ],
          });
        },
      }),
      route({
        method: 'get',
        path: '/loyalitas-users-by-segment',
        query: pageQuery.extend({ segmen: z.enum(SEGMENTS, { error: () => `The segmen must be one of: ${SEGMENTS.join(', ')}.` }).optional() }),
        before: guard(P, 'reports'),
        doc: {
          ...base,
          operationId: 'billingLoyaltySegments',
          summary: 'Pelanggan by loyalty segment (from payment history)',
          description:
            '`menunggak`: has an invoice overdue now (unpaid past its due date); `lunas-telat`: owes nothing overdue but paid some invoice after its due date; `setia`: everyone else. Kept per customer by a projection; the counts of all three come with every page.',
          success: [{ status: 200, description: 'The segment’s customers and the counts.', schema: ref('BillingSegmentList') }],
          statuses: [403],
          roles: P.reports,
        },
        handle: async (_req, res, { query }) => {
          const [{ items, total }, ...counts] = await Promise.all([
            listBySegment(deps.readStore, { segmen: query.segmen, skip: query.skip, limit: query.limit }),
            ...SEGMENTS.map((s) => countPelanggan(deps.readStore, { segmen: s })),
          ]);
          res.json({
            segmen: query.segmen ?? null,
            counts: Object.fromEntries(SEGMENTS.map((s, i) => [s, counts[i]])),
            data: items.map((d) => ({
              id: d.id,
              nama: d.nama,
              email: d.email,
              no_telp: d.no_telp,
              id_brand: d.id_brand,
              status: d.status,
              segmen: d.segmen,
              invoice_jatuh_tempo: d.overdue_invoices,
              pembayaran_telat: d.late_payments,
            })),
            total_count: total,
            skip: query.skip,
            limit: query.limit,
          });
        },
      }),
    ],
    billingComponents,
  );
  router.use(billingErrorHandler(deps.logger));
  return router;
}
