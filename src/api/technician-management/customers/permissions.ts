import { ForbiddenError } from '../../../domain/shared/errors';
import type { Role } from '../../../domain/user';
import type { AuthContext } from '../../http/context';
import { allows, definePermissions, OFFICE_ROLES, STAFF_ROLES } from '../permissions';

/**
 * Who may do what with /api/customers (docs/api/000-users-customers.md). Besides the table:
 * a `customer` may GET their own customer record (the one their login account belongs to).
 */
export const CUSTOMER_PERMISSIONS = definePermissions({
  list: STAFF_ROLES,
  view: STAFF_ROLES,
  create: OFFICE_ROLES,
  update: OFFICE_ROLES,
});

export type CustomerPermission = keyof typeof CUSTOMER_PERMISSIONS;

export const may = (role: Role, permission: CustomerPermission): boolean => allows(CUSTOMER_PERMISSIONS, permission, role);

export function assertMayViewCustomer(actor: AuthContext, customerId: string): void {
  if (may(actor.role, 'view')) return;
  if (actor.role === 'customer' && actor.user.customer_id === customerId) return;
  throw new ForbiddenError('You do not have permission to view this customer');
}
