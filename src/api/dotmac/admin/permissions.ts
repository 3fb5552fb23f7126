import type { RequestHandler } from 'express';
import { ForbiddenError, ValidationError } from '../../../domain/shared/errors';
import type { Role } from '../../../domain/user';
import { requireAuth } from '../../http/context';

/**
 * Document 004's admin roles and who may do what in the admin modules and webhooks (the role
 * matrix of docs/api/004-admin.md; every API test runs every role against its endpoint).
 *
 * 004 names roles differently; each is exactly one of the product's roles (src/domain/user),
 * so a user created through 004 is the same user every document sees:
 *
 * | 004 role     | role          |
 * | ------------ | ------------- |
 * | super_admin  | super_admin   |
 * | tenant_admin | manager       |
 * | supervisor   | supervisor    |
 * | support      | customer_service |
 * | technician   | technician    |
 * | auditor      | auditor       |
 * | customer     | customer      |
 */
export const DOTMAC_ROLES = ['super_admin', 'tenant_admin', 'supervisor', 'support', 'technician', 'auditor', 'customer'] as const;
export type DotmacRole = (typeof DOTMAC_ROLES)[number];

const TO_ROLE: Record<DotmacRole, Role> = {
  super_admin: 'super_admin',
  tenant_admin: 'manager',
  supervisor: 'supervisor',
  support: 'customer_service',
  technician: 'technician',
  auditor: 'auditor',
  customer: 'customer',
};
const FROM_ROLE = Object.fromEntries(Object.entries(TO_ROLE).map(([k, v]) => [v, k])) as Record<Role, DotmacRole>;

export const roleOf = (role: DotmacRole): Role => TO_ROLE[role];
export const dotmacRoleOf = (role: string): DotmacRole => FROM_ROLE[role as Role] ?? 'customer';

/** A user has one role: a `roles` list names exactly one (its 004 name). */
export function singleRole(roles: readonly DotmacRole[]): Role {
  const distinct = [...new Set(roles)];
  if (distinct.length !== 1) throw new ValidationError({ roles: ['Give exactly one role: a user has one role (tenant_admin, support, supervisor, technician, super_admin or auditor).'] });
  return roleOf(distinct[0]!);
}

const ADMINS: readonly Role[] = ['super_admin', 'manager'];
const MANAGEMENT: readonly Role[] = ['super_admin', 'manager', 'supervisor'];
const OFFICE: readonly Role[] = ['super_admin', 'manager', 'supervisor', 'customer_service'];
const STAFF: readonly Role[] = [...OFFICE, 'technician'];

/** The admin modules' role matrix (canonical roles). `auditor` and `customer` have no part in it. */
export const ADMIN_PERMISSIONS = {
  // Identity
  'users.list': MANAGEMENT,
  'users.create': ADMINS,
  'customers.list': OFFICE,
  'customers.create': OFFICE,
  // Billing
  'invoices.list': OFFICE,
  'invoices.create': ['super_admin', 'manager', 'customer_service'],
  'invoices.send': ['super_admin', 'manager', 'customer_service'],
  'invoices.void': ADMINS,
  'payments.list': OFFICE,
  'payments.refund': ADMINS,
  // Services
  'catalog.list': STAFF,
  'catalog.create': ADMINS,
  'instances.list': STAFF,
  'instances.provision': ['super_admin', 'manager', 'customer_service'],
  'instances.status': ['super_admin', 'manager', 'customer_service'],
  // Support
  'tickets.list': STAFF,
  'tickets.create': OFFICE,
  'tickets.assign': MANAGEMENT,
  'tickets.close': OFFICE,
  'kb.list': STAFF,
  'kb.write': MANAGEMENT,
  // Analytics
  'analytics.read': MANAGEMENT,
  // Webhooks
  'webhooks.manage': ADMINS,
} as const satisfies Record<string, readonly Role[]>;
export type AdminPermission = keyof typeof ADMIN_PERMISSIONS;

export function allows(permission: AdminPermission, role: Role): boolean {
  return (ADMIN_PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** 403 ACCESS_DENIED unless the caller's role has the permission. */
export function permit(permission: AdminPermission): RequestHandler {
  return (req, _res, next) => {
    if (!allows(permission, requireAuth(req).role)) throw new ForbiddenError('You do not have permission to perform this action');
    next();
  };
}

/** The 004 names of the roles allowed (for the OpenAPI `roles` of each route). */
export const rolesFor = (permission: AdminPermission): Role[] => [...ADMIN_PERMISSIONS[permission]];
