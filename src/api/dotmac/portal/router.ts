import { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { dotmacErrorHandler, dotmacNotFound } from '../errors';
import { dotmacLimiter } from '../rate-limit';
import { portalAccountRouter } from './account/router';
import { portalAuthRouter } from './auth/router';
import { portalServicesRouter } from './services/router';
import { portalBillingRouter } from './billing/router';
import { portalSupportRouter } from './support/router';

/**
 * Document 004's customer portal, mounted at /api/portal/v1 (docs/api/004-portal.md). The
 * whole prefix is this document's: an unknown path is 404 in its format. `/auth` counts its own
 * limit (per IP); everything else 100 requests a minute per Portal ID, counted first so every
 * answer carries the rate-limit headers. Each area authenticates with a portal token and reads
 * and writes only the caller's own customer's data: another customer's id answers 404.
 */
export function portalRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/auth', portalAuthRouter(deps));
  router.use(dotmacLimiter(deps, 'portal'));
  router.use('/account', portalAccountRouter(deps));
  router.use('/services', portalServicesRouter(deps));
  router.use('/billing', portalBillingRouter(deps));
  router.use('/support', portalSupportRouter(deps));
  router.use(dotmacNotFound(deps));
  router.use(dotmacErrorHandler(deps));
  return router;
}
