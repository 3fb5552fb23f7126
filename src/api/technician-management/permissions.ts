import type { RequestHandler } from 'express';
import { ForbiddenError } from '../../domain/shared/errors';
import type { Role } from '../../domain/user';
import { requireAuth } from '../http/context';

/**
 * Role checks for document 000. Each area (users, customers, tickets, ...) declares its own
 * permission table next to its router (e.g. tickets/permissions.ts) with `definePermissions`,
 * the docs (docs/api/000-technician-management.md) list them all, and each area's API test
 * runs every role against every endpoint.
 */
export type PermissionTable = Record<string, readonly Role[]>;

export function definePermissions<T extends PermissionTable>(table: T): T {
  return table;
}

export function allows(table: PermissionTable, permission: string, role: Role): boolean {
  return table[permission]?.includes(role) ?? false;
}

/** Middleware: 403 INSUFFICIENT_PERMISSIONS unless the caller's role has `permission` in `table`. */
export function permit(table: PermissionTable, permission: string): RequestHandler {
  return (req, _res, next) => {
    if (!allows(table, permission, requireAuth(req).role)) {
      throw new ForbiddenError('You do not have permission to perform this action');
    }
    next();
  };
}

/** Every role there is (the role-matrix tests run each of them against every endpoint). */
export const ALL_ROLES: readonly Role[] = ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'];
/** Everyone who works with tickets and has an inbox: every role but the read-only `auditor`,
 * who uses the audit API (/api/v1/audit) and nothing else. */
export const OPERATIONAL_ROLES: readonly Role[] = ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer'];
export const STAFF_ROLES: readonly Role[] = ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician'];
export const OFFICE_ROLES: readonly Role[] = ['super_admin', 'manager', 'supervisor', 'customer_service'];
export const MANAGEMENT_ROLES: readonly Role[] = ['super_admin', 'manager', 'supervisor'];
