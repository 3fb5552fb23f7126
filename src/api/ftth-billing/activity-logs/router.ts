import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../../domain/shared/errors';
import type { ActivityDoc } from '../../../projections/activity-logs/projector';
import { listActivity } from '../../../projections/activity-logs/queries';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import type { ApiDeps } from '../../deps';
import { billingDoc, calendarDate, intId, sendList, listOf, pageQuery, TAGS } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { BILLING_PERMISSIONS as P } from '../permissions';
import { billingComponents } from '../schemas';
import { billingHistory } from './history';

const base = { ...billingDoc, tag: TAGS.activity };

export function presentActivity(doc: ActivityDoc) {
  return {
    id: doc._id,
    user_id: doc.user_id,
    user_role: doc.user_role,
    action: doc.action,
    record_type: doc.record_type,
    record_id: doc.record_id,
    pelanggan_id: doc.pelanggan_id,
    timestamp: doc.timestamp,
  };
}

/**
 * Document 002 "Activity Logs Endpoints" at /api/activity-logs: who did what to which record,
 * when, derived from the event log (the activity_logs projection); and, for auditors, a
 * customer's billing history read from the log itself.
 */
export function activityLogsRouter(deps: ApiDeps, guard: Guard): Router {
  const activityTexts = new PresentedTexts(presentActivity);
  const router = Router();
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: pageQuery.extend({
          user_id: z.coerce.number().int().positive().optional().describe('The user’s number (its integer id).'),
          action: z.string().trim().max(100).optional().describe('An event type in snake case, e.g. invoice_paid, customer_closed.'),
          start_date: calendarDate.optional(),
          end_date: calendarDate.optional(),
          pelanggan_id: z.coerce.number().int().positive().optional().describe('Only what concerns this pelanggan.'),
        }),
        before: guard(P, 'activity'),
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'billingActivityLogs',
          summary: 'Activity log: who did what to which record, when',
          description: 'Newest first. Dates are UTC days. Derived from the event log (customers, billing, the RouterOS sync, staff logins).',
          success: [{ status: 200, description: 'A page.', schema: listOf(ref('BillingActivity')) }],
          statuses: [403],
          roles: P.activity,
        },
        handle: async (_req, res, { query }) => {
          if (query.start_date && query.end_date && query.start_date > query.end_date) {
            throw new ValidationError({ end_date: ['The end date must be on or after the start date.'] });
          }
          const { items, total } = await listActivity(deps.readStore, {
            userId: query.user_id,
            action: query.action,
            pelangganId: query.pelanggan_id,
            from: query.start_date ? `${query.start_date}T00:00:00.000Z` : undefined,
            to: query.end_date ? `${query.end_date}T23:59:59.999Z` : undefined,
            skip: query.skip,
            limit: query.limit,
          });
          sendList(res, activityTexts.page(items), total, query);
        },
      }),
      route({
        method: 'get',
        path: '/pelanggan/:pelanggan_id',
        params: z.object({ pelanggan_id: intId.describe('The pelanggan id (also of a closed pelanggan).') }),
        before: guard(P, 'activity'),
        doc: {
          ...base,
          operationId: 'billingHistory',
          summary: 'A pelanggan’s billing history, from the event log',
          description:
            'Every invoice, payment, gateway callback, suspension and reactivation of the customer (and its registration and closure), in log order, as recorded. Also for a closed customer: this is how an auditor sees that it existed.',
          success: [{ status: 200, description: 'The history.', schema: ref('BillingHistory') }],
          statuses: [403, 404],
          roles: P.activity,
        },
        handle: async (_req, res, { params }) => {
          const history = await billingHistory({ readStore: deps.readStore, eventStore: deps.commands.eventStore, registry: deps.commands.registry }, params.pelanggan_id);
          if (!history) throw new NotFoundError('Pelanggan', String(params.pelanggan_id));
          res.json({ pelanggan_id: params.pelanggan_id, closed: history.closed, data: history.entries });
        },
      }),
    ],
    billingComponents,
  );
  router.use(billingErrorHandler(deps.logger));
  return router;
}
