import type { RequestHandler } from 'express';
import type { ApiDeps } from '../deps';
import { authenticate } from '../http/authenticate';
import { permit, type PermissionTable } from '../technician-management/permissions';
import type { BillingLimiters } from './rate-limit';

/**
 * What runs before every signed-in route of document 002: the bearer token (same users,
 * sessions and tokens as every staff API), the per-user rate limit, then the role check.
 * Declared per route (not on the router), so 000's routes under the same prefixes
 * (/api/users, /api/reports, /api/notifications) pass through untouched.
 */
export function guard(deps: ApiDeps, limits: BillingLimiters) {
  const signedIn = authenticate(deps, 'staff');
  return (table: PermissionTable, permission: string, ...extra: RequestHandler[]): RequestHandler[] => [signedIn, limits.general, ...extra, permit(table, permission)];
}

export type Guard = ReturnType<typeof guard>;
