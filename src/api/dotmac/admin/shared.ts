import { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { authenticate } from '../../http/authenticate';
import { dotmacErrorHandler, dotmacNotFound } from '../errors';
import { dotmacLimiter } from '../rate-limit';
import { dotmacRoleOf, rolesFor, type AdminPermission } from './permissions';

/** OpenAPI tags of the admin modules. */
export const ADMIN_TAGS = {
  auth: '004 · Admin authentication',
  users: '004 · Identity: users',
  customers: '004 · Identity: customers',
  invoices: '004 · Billing: invoices',
  payments: '004 · Billing: payments',
  catalog: '004 · Services: catalog',
  instances: '004 · Services: instances',
  tickets: '004 · Support: tickets',
  kb: '004 · Support: knowledge base',
  analytics: '004 · Analytics',
  webhooks: '004 · Webhooks',
} as const;

/**
 * An admin module's router: the admin rate limit first (so every answer, a 401 or a 404 too,
 * carries X-RateLimit-*), then a staff token (portal tokens are refused).
 */
export function adminRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(dotmacLimiter(deps, 'admin'));
  router.use(authenticate(deps, 'staff'));
  return router;
}

/** The end of every admin router: 404 for a path it does not serve, then THE 004 error handler. */
export function closeAdminRouter(router: Router, deps: ApiDeps): Router {
  router.use(dotmacNotFound(deps));
  router.use(dotmacErrorHandler(deps));
  return router;
}

/** `roles` of a route's documentation, in 004's names. */
export const rolesDoc = (permission: AdminPermission) => ({ roles: rolesFor(permission).map(dotmacRoleOf) });

/** The larger of two log positions (read-your-writes after several commands). */
export const latest = (...positions: Array<number | null | undefined>): number | null =>
  positions.reduce<number | null>((max, p) => (p === null || p === undefined ? max : max === null ? p : Math.max(max, p)), null);
