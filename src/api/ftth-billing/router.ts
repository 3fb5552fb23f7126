import type { Express } from 'express';
import type { ApiDeps } from '../deps';
import { activityLogsRouter } from './activity-logs/router';
import { billingAuthRouter } from './auth/router';
import { brandsRouter } from './brands/router';
import { dashboardRouter } from './dashboard/router';
import { dataTeknisRouter } from './data-teknis/router';
import { guard } from './guard';
import { invoicesRouter } from './invoices/router';
import { langgananRouter } from './langganan/router';
import { billingNotificationsRouter } from './notifications/router';
import { paketLayananRouter } from './paket-layanan/router';
import { pelangganRouter } from './pelanggan/router';
import { billingRateLimits } from './rate-limit';
import { billingReportsRouter } from './reports/router';

/**
 * Document 002, the Artacom FTTH Billing API, at the paths it gives. Mounted before document
 * 000's routers: /api/users, /api/reports and /api/notifications are shared prefixes, and the 002
 * routers there declare only their own routes (token, refresh, logout; revenue, customers;
 * PATCH …/read), with their middleware per route, so every other request passes through to 000.
 */
export function mountFtthBilling(app: Express, deps: ApiDeps): void {
  const limits = billingRateLimits(deps);
  const g = guard(deps, limits);
  app.use('/api/users', billingAuthRouter(deps, limits));
  app.use('/api/reports', billingReportsRouter(deps, g));
  app.use('/api/notifications', billingNotificationsRouter(deps, g));
  app.use('/api/dashboard', dashboardRouter(deps, g));
  app.use('/api/pelanggan', pelangganRouter(deps, limits, g));
  app.use('/api/brands', brandsRouter(deps, g));
  app.use('/api/paket_layanan', paketLayananRouter(deps, g));
  app.use('/api/langganan', langgananRouter(deps, g));
  app.use('/api/data_teknis', dataTeknisRouter(deps, g));
  app.use('/api/invoices', invoicesRouter(deps, g));
  app.use('/api/activity-logs', activityLogsRouter(deps, g));
}
