import type { Express } from 'express';
import type { ApiDeps } from '../../deps';
import { adminAuthRouter } from './auth/router';
import { analyticsRouter } from './analytics/router';
import { billingRouter } from './billing/router';
import { identityRouter } from './identity/router';
import { servicesRouter } from './services/router';
import { supportRouter } from './support/router';
import { webhooksRouter } from './webhooks/router';

/**
 * Mounts the admin modules and webhooks of document 004 (docs/api/004-admin.md,
 * docs/api/004-webhooks.md), each at its own prefix under /api/v1 (document 003 has
 * /api/v1/admin, issue 15 /api/v1/audit and /api/v1/ops). Called once by src/api/http-app.ts,
 * after the portal half's mount (it serves /api/v1/services/usage before /api/v1/services) and
 * before document 000's /api.
 */
export function mountDotmacAdmin(app: Express, deps: ApiDeps): void {
  app.use('/api/v1/auth', adminAuthRouter(deps));
  app.use('/api/v1/identity', identityRouter(deps));
  app.use('/api/v1/billing', billingRouter(deps));
  app.use('/api/v1/services', servicesRouter(deps));
  app.use('/api/v1/support', supportRouter(deps));
  app.use('/api/v1/analytics', analyticsRouter(deps));
  app.use('/api/v1/webhooks', webhooksRouter(deps));
}
