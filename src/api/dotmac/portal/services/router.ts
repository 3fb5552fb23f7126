import { Router } from 'express';
import { businessDate } from '../../../../commands/billing/dates';
import { NotFoundError, ValidationError } from '../../../../domain/shared/errors';
import { getPlans } from '../../../../projections/billing-catalog/queries';
import { pelangganOfCustomer, subscriptionOfCustomer, subscriptionsOfCustomer } from '../../../../projections/portal-services/queries';
import { usageDays, usageTotals } from '../../../../projections/service-usage/queries';
import { declareRoutes, route } from '../../../http/route';
import { array, constant, date, dateTime, integer, nullable, number, object, oneOfValues, string } from '../../../openapi/schema';
import type { ApiDeps } from '../../../deps';
import { ok, okWithTexts, publicId } from '../../envelope';
import { keptWhile } from '../../../http/kept-answers';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess, PORTAL_TAGS } from '../../openapi';
import { authenticatePortal, requirePortal } from '../../portal-auth';
import { SERVICE_STATUSES, serviceParams, servicesQuery, usageQuery } from './input';
import { presentService } from './presenter';
import { defaultRange, usageReport } from './usage-report';

const base = { ...dotmacDoc, tag: PORTAL_TAGS.services };

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: PORTAL_TAGS.services,
      description:
        "Document 004 portal services: the signed-in customer's own service instances (document 002's subscriptions) with bandwidth and this month's usage, and usage statistics from the daily aggregates. Another customer's service id is 404.",
    },
  ],
  schemas: {
    ...DOTMAC_COMPONENTS.schemas,
    DotmacPortalService: object({
      id: string('The service instance id (a document 002 langganan id).'),
      service_type: oneOfValues(['internet', 'phone', 'tv', 'bundle']),
      plan_name: nullable(string()),
      status: oneOfValues(SERVICE_STATUSES),
      monthly_price: nullable(number('In the currency\'s major unit.')),
      currency: nullable(string()),
      installation_date: nullable(dateTime()),
      next_billing_date: nullable(dateTime()),
      bandwidth: object({ download: nullable(integer()), upload: nullable(integer()), unit: constant('mbps') }),
      data_usage: object({ current_month: number(), limit: { type: 'null' }, unit: constant('gb') }),
    }),
  },
};

/** Document 004 "Portal Services", mounted at /api/portal/v1/services. */
export function portalServicesRouter(deps: ApiDeps): Router {
  const router = Router();
  const today = () => businessDate(deps.commands.clock.now(), deps.commands.billing.timeZone);

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: servicesQuery,
        before: [authenticatePortal(deps)],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'portalServiceList',
          summary: "The customer's services",
          description:
            'Without `status`: every service that is not terminated. `type`: every service here is `internet` (FTTH); the other types answer an empty list. `data_usage.current_month`: the usage recorded this month (the billing time zone), in GB.',
          success: [dotmacSuccess(200, 'The services.', object({ services: array({ $ref: '#/components/schemas/DotmacPortalService' }), total: integer() }))],
          statuses: [...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const portal = requirePortal(req);
          const subscriptions =
            query.type && query.type !== 'internet'
              ? []
              : await subscriptionsOfCustomer(deps.readStore, portal.customerId, query.status ? [query.status] : ['active', 'suspended', 'pending']);
          // This month's usage is counted to the business day: a kept answer holds until the day changes.
          const day = today();
          keptWhile(req, () => today() === day);
          const [plans, pelanggan, usage] = await Promise.all([
            getPlans(deps.readStore, subscriptions.map((s) => s.paket_layanan_id)),
            pelangganOfCustomer(deps.readStore, portal.customerId),
            usageTotals(deps.readStore, subscriptions.map((s) => s.id), `${day.slice(0, 7)}-01`, day),
          ]);
          const planOf = new Map(plans.map((p) => [p.id, p]));
          const services = subscriptions.map((s) => presentService(s, planOf.get(s.paket_layanan_id) ?? null, pelanggan, usage.get(s.id) ?? 0));
          okWithTexts(deps, req, res, { services, total: services.length });
        },
      }),
      route({
        method: 'get',
        path: '/:service_id/usage',
        params: serviceParams,
        query: usageQuery,
        before: [authenticatePortal(deps)],
        doc: {
          ...base,
          operationId: 'portalServiceUsage',
          summary: 'Usage statistics of one of the customer\'s services',
          description:
            '`period` (daily, weekly, monthly; default daily) is the size of the rows of `usage_data`: days, weeks from Monday (dated by the Monday) or months (dated by the 1st), every one in the range, zeros where nothing was recorded. `start_date`/`end_date` (YYYY-MM-DD or ISO date-time, at most three years apart) default to this month for daily, the last 12 weeks for weekly, the last 12 months for monthly. `summary.average_daily` is per day of the range up to today, `peak_usage` the largest day. GB are decimal (1000 MB).',
          success: [
            dotmacSuccess(
              200,
              'The usage.',
              object({
                service_id: string(),
                period: oneOfValues(['daily', 'weekly', 'monthly']),
                start_date: date(),
                end_date: date(),
                usage_data: array(object({ date: date(), download: number(), upload: number(), total: number(), unit: constant('gb') })),
                summary: object({
                  total_download: number(),
                  total_upload: number(),
                  total_usage: number(),
                  average_daily: number(),
                  peak_usage: number(),
                  unit: constant('gb'),
                }),
              }),
            ),
          ],
          statuses: [404, ...ALWAYS],
        },
        handle: async (req, res, { params, query }) => {
          const portal = requirePortal(req);
          const service = await subscriptionOfCustomer(deps.readStore, portal.customerId, params.service_id);
          if (!service) throw new NotFoundError('Service', String(params.service_id));
          const day = today();
          const fallback = defaultRange(query.period, day);
          const range = { start: query.start_date ?? fallback.start, end: query.end_date ?? (query.start_date && query.start_date > fallback.end ? query.start_date : fallback.end) };
          if (Date.parse(range.end) - Date.parse(range.start) > 3 * 366 * 86_400_000) {
            throw new ValidationError({ start_date: ['The range may span at most three years.'] });
          }
          const days = await usageDays(deps.readStore, service.id, range.start, range.end);
          ok(deps, req, res, {
            service_id: publicId(service.id),
            period: query.period,
            start_date: range.start,
            end_date: range.end,
            ...usageReport(days, query.period, range, day),
          });
        },
      }),
    ],
    components,
  );
  return router;
}
