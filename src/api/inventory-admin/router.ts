import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { authenticate } from '../http/authenticate';
import { rateLimit } from '../http/rate-limit';
import { branchesRouter } from './branches/router';
import { categoriesRouter } from './categories/router';
import { dashboardRouter } from './dashboard/router';
import { deviceAssignmentsRouter } from './device-assignments/router';
import { devicesRouter } from './devices/router';
import { inventoryAdminErrorHandler, tooManyRequests } from './errors';
import { namedRecordsRouter } from './reference/router';
import { inventoryUsersRouter } from './users/router';

/**
 * Document 003, the Mobile Inventory App's admin endpoints, mounted at /api/v1/admin: a bearer
 * token (the same staff tokens as every API), then 100 requests per minute per user
 * (INVENTORY_RATE_LIMIT_PER_MINUTE; 429 ERR_TOO_MANY_REQUESTS with Retry-After), then the areas.
 * Everything under /api/v1/admin is this document's: an unknown path is 404 in its format.
 */
export function inventoryAdminRouter(deps: ApiDeps): Router {
  const router = Router();
  const limit = deps.settings.inventoryAdminRateLimit;
  router.use(authenticate(deps, 'staff'));
  router.use(
    rateLimit({
      limiter: deps.rateLimiter,
      clock: deps.commands.clock,
      policies: [{ name: 'inventory-admin:user', rule: { limit: limit.limit, windowMs: limit.windowMs }, key: (req) => req.auth?.userId ?? null }],
      refuse: (res) => void res.json(tooManyRequests()),
    }),
  );
  router.use('/dashboard', dashboardRouter(deps));
  router.use('/devices', devicesRouter(deps));
  router.use('/device-assignments', deviceAssignmentsRouter(deps));
  router.use('/users', inventoryUsersRouter(deps));
  router.use('/branches', branchesRouter(deps));
  router.use('/categories', categoriesRouter(deps));
  router.use('/main-branches', namedRecordsRouter(deps, 'main_branch'));
  router.use('/departments', namedRecordsRouter(deps, 'department'));
  router.use('/parent-categories', namedRecordsRouter(deps, 'parent_category'));
  router.use((_req, res) => {
    res.status(404).json({ message: 'Resource not found.', errorCode: 'ERR_RESOURCE_NOT_FOUND' });
  });
  router.use(inventoryAdminErrorHandler(deps.logger));
  return router;
}
