import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { usersRouter } from './users/router';
import { customersRouter } from './customers/router';
import { techniciansRouter } from './technicians/router';
import { ticketsRouter } from './tickets/router';
import { customerTicketsRouter, technicianTicketsRouter } from './tickets/related-routers';
import { notificationsRouter } from './notifications/router';
import { mobileRouter } from './mobile/router';
import { reportsRouter } from './reports/router';
import { inventoryRouter } from './inventory/router';
import { tmsErrorHandler } from './errors';
import { ticketTexts } from './tickets/access';

/**
 * Document 000, the ISP Technician Management API, mounted at /api. Each area is its own
 * router (with authentication, its permission table and the 000 error handler) mounted at its
 * path, so requests for other documents' /api/... paths pass through untouched.
 * (/api/auth/* is shared with document 001 and lives in src/api/auth.)
 */
export function technicianManagementRouter(deps: ApiDeps): Router {
  const router = Router();
  // The three ticket lists share the JSON texts of the items they have shown.
  const texts = ticketTexts();
  // Areas are mounted here, one line each, e.g.: router.use('/users', usersRouter(deps));
  router.use('/technicians', technicianTicketsRouter(deps, texts)); // only GET /:id/tickets; the rest falls through
  router.use('/customers', customerTicketsRouter(deps, texts)); // only GET /:id/tickets; the rest falls through
  router.use('/tickets', ticketsRouter(deps, texts));
  router.use('/technicians', techniciansRouter(deps));
  router.use('/users', usersRouter(deps));
  router.use('/customers', customersRouter(deps));
  router.use('/notifications', notificationsRouter(deps));
  router.use('/mobile', mobileRouter(deps));
  router.use('/reports', reportsRouter(deps));
  router.use('/inventory', inventoryRouter(deps));
  // Document 000's error boundary: an error raised inside this router that no area answered (a
  // path parameter that cannot be decoded fails as a route is matched, before any route-level
  // handler runs: GET /api/technicians/%E0%A4%A/tickets) is answered in 000's format here. A
  // request for another document passes through without an error and never reaches it.
  router.use(tmsErrorHandler(deps.logger));
  return router;
}
