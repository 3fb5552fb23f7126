import type { Express } from 'express';
import type { ApiDeps } from '../deps';
import { portalRouter } from './portal/router';

/**
 * Mounts what the portal half of document 004 serves: the customer portal at /api/portal/v1.
 * Called once by src/api/http-app.ts, before document 000's /api router.
 */
export function mountDotmacPortal(app: Express, deps: ApiDeps): void {
  app.use('/api/portal/v1', portalRouter(deps));
}
