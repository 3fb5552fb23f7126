import type { Express } from 'express';
import type { ApiDeps } from '../deps';
import { portalRouter } from './portal/router';
import { usageIngestionRouter } from './usage/router';

/**
 * Mounts what the portal half of document 004 serves: the customer portal at /api/portal/v1,
 * and the usage ingestion of the admin API at /api/v1/services/usage (before the admin
 * /api/v1/services router, which must leave that path alone). Called once by
 * src/api/http-app.ts, before document 000's /api router and before the admin routers.
 */
export function mountDotmacPortal(app: Express, deps: ApiDeps): void {
  app.use('/api/portal/v1', portalRouter(deps));
  app.use('/api/v1/services/usage', usageIngestionRouter(deps));
}
