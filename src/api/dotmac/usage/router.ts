import { Router, type RequestHandler } from 'express';
import { recordUsageBatch } from '../../../commands/service-usage';
import { businessDate, addDays } from '../../../commands/billing/dates';
import { ForbiddenError, ValidationError } from '../../../domain/shared/errors';
import type { Role } from '../../../domain/user';
import { authenticate } from '../../http/authenticate';
import { metaFor, requireAuth } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { integer, object } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { ok } from '../envelope';
import { dotmacErrorHandler } from '../errors';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess, PORTAL_TAGS } from '../openapi';
import { dotmacLimiter } from '../rate-limit';
import { usageBody } from './input';

/** Who may send usage: the admins (an accounting integration signs in as one of them). */
export const USAGE_INGESTION_ROLES: readonly Role[] = ['super_admin', 'manager'];

const permitted: RequestHandler = (req, _res, next) => {
  if (!USAGE_INGESTION_ROLES.includes(requireAuth(req).role)) throw new ForbiddenError();
  next();
};

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: PORTAL_TAGS.usage,
      description:
        "Document 004 admin API: per-service daily usage counters (e.g. from RADIUS accounting), what the portal's services and usage show. Daily aggregates: a repeated batch for the same service and day replaces the day, never adds (docs/api/004-portal.md, \"Usage\").",
    },
  ],
};

/**
 * POST /api/v1/services/usage (mounted by ../mount.ts before the admin services router):
 * `{ records: [{ service_id, date, download_gb, upload_gb }] }`, staff tokens, the admin limit.
 */
export function usageIngestionRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(dotmacLimiter(deps, 'admin'));
  declareRoutes(
    router,
    [
      route({
        method: 'post',
        path: '/',
        body: usageBody,
        bodyLimit: '2mb',
        before: [authenticate(deps, 'staff'), permitted],
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...dotmacDoc,
          tag: PORTAL_TAGS.usage,
          operationId: 'serviceUsageIngest',
          summary: 'Record daily usage counters of service instances',
          description:
            'Each record is one service instance (`service_id`, as the portal and the admin instances list show it) and one day: its total download and upload that day, in GB. A record for a day already recorded replaces it; the same values again record nothing (the answer counts them as `unchanged`), so a batch may be re-sent. Days may not be in the future (the billing time zone). An unknown service, a day twice in one batch, or an invalid amount is 422 and records nothing.',
          idempotencyKey: true,
          success: [dotmacSuccess(200, 'What was recorded.', object({ received: integer(), recorded: integer(), unchanged: integer() }))],
          statuses: [403, ...ALWAYS],
          roles: USAGE_INGESTION_ROLES,
        },
        handle: async (req, res, { body }) => {
          const tomorrow = addDays(businessDate(deps.commands.clock.now(), deps.commands.billing.timeZone), 1);
          const future: Record<string, string[]> = {};
          body.records.forEach((r, i) => {
            if (r.date > tomorrow) future[`records.${i}.date`] = ['The date may not be in the future.'];
          });
          if (Object.keys(future).length) throw new ValidationError(future);
          const result = await recordUsageBatch(
            deps.commands,
            {
              batchId: req.ctx.requestId,
              records: body.records.map((r, index) => ({
                index,
                subscriptionId: r.service_id,
                date: r.date,
                downloadMb: Math.round(r.download_gb * 1000),
                uploadMb: Math.round(r.upload_gb * 1000),
              })),
            },
            metaFor(req),
          );
          await settle(deps, req, result.position);
          ok(deps, req, res, { received: result.received, recorded: result.recorded, unchanged: result.unchanged }, { message: 'Usage recorded' });
        },
      }),
    ],
    components,
  );
  router.use(dotmacErrorHandler(deps));
  return router;
}
