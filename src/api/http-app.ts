import express, { Router, type Express } from 'express';
import { authRouter } from './auth/router';
import { sharedAuthErrorBody } from './auth/errors';
import { filesRouter } from './files/router';
import { cors } from './http/cors';
import { documentErrorHandler } from './http/errors';
import { requestLog } from './http/request-log';
import { escapeUndecodablePaths } from './http/undecodable-path';
import { healthRouter, readinessGate } from './ops/health';
import { openapiRouter } from './openapi/router';
import { opsRouter } from './ops/router';
import { auditRouter } from './audit/router';
import { httpMetrics } from './metrics/http-metrics';
import { metricsRouter } from './metrics/router';
import { serviceRequestsRouter } from './service-requests/router';
import { technicianManagementRouter } from './technician-management/router';
import { inventoryAdminRouter } from './inventory-admin/router';
import { mikrotikServersRouter } from './ftth-billing/mikrotik-servers/router';
import { mountFtthBilling } from './ftth-billing/router';
import { mountDotmacPortal } from './dotmac/mount';
import { mountDotmacAdmin } from './dotmac/admin/mount';
import type { ApiDeps } from './deps';

/**
 * The Express application: one router per API document, each with its own envelope and error
 * format, mounted where its document says (see ARCHITECTURE.md for the map).
 */
export function createHttpApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLog(deps.logger, deps.commands.ids));
  app.use(httpMetrics(deps.metrics));
  // Before any router: a path segment that is not valid percent-encoding names nothing (404 from the route that owns it).
  app.use(escapeUndecodablePaths());
  app.use(cors(deps.settings.corsOrigins));
  app.use(healthRouter(deps));
  app.use(openapiRouter(deps)); // GET /openapi.json and /docs, readable while the service starts
  app.use(metricsRouter(deps.metrics, deps.settings.metricsToken)); // GET /metrics (METRICS_TOKEN), also while starting
  app.use(readinessGate(deps));

  const auth = authRouter(deps);
  const document000 = technicianManagementRouter(deps);
  app.use('/api/auth', auth); // documents 000 and 001
  app.use('/api/services', serviceRequestsRouter(deps)); // document 001
  app.use('/api/mikrotik_servers', mikrotikServersRouter(deps)); // document 002, Mikrotik
  app.use('/api/v1/admin', inventoryAdminRouter(deps)); // document 003
  // Issue 15: auditors (super_admin, auditor) and operators (super_admin), before /api (document 000).
  const ops = opsRouter(deps);
  app.use('/api/v1/audit', auditRouter(deps));
  app.use('/api/v1/ops', ops);
  mountDotmacPortal(app, deps); // document 004, the customer portal (/api/portal/v1)
  mountDotmacAdmin(app, deps); // document 004, the admin modules and webhooks (/api/v1/identity, /billing, /services, /support, /analytics, /auth, /webhooks)
  // Document 002 before 000: /api/users, /api/reports, /api/notifications are shared prefixes.
  mountFtthBilling(app, deps);
  app.use('/api', document000); // document 000
  // Document 000's base URL is https://api.isp-management.com/v1: its clients call /v1/api/...
  // The same router instances again, in one mount (an alias, not copies).
  app.use('/v1/api', Router().use('/auth', auth).use(document000));
  app.use(filesRouter(deps));
  app.use('/ops', ops); // the same router: /ops/* as before

  app.use((req, res) => {
    res.status(404).json({
      success: false,
      message: 'Not found',
      error: { code: 'RESOURCE_NOT_FOUND', message: `No route for ${req.method} ${req.path}`, details: {} },
    });
  });
  app.use(documentErrorHandler(deps.logger, (p) => sharedAuthErrorBody(p)));
  return app;
}
