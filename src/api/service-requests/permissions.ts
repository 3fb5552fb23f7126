import type { Role } from '../../domain/user';

/**
 * Who may do what with service requests (document 001). Written down in
 * docs/api/001-service-requests.md and tested role by role in router.api.test.ts.
 */
export const SERVICE_REQUEST_PERMISSIONS = {
  /** Submit a request, and see and cancel one's own. */
  create: ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician'],
  /** See every request, not only one's own. */
  viewAll: ['super_admin', 'manager', 'supervisor', 'technician'],
  approve: ['super_admin', 'manager', 'supervisor'],
  reject: ['super_admin', 'manager', 'supervisor'],
  start: ['super_admin', 'supervisor', 'technician'],
  complete: ['super_admin', 'supervisor', 'technician'],
  /** Cancel someone else's request (anyone may cancel their own). */
  cancelAny: ['super_admin'],
} as const satisfies Record<string, readonly Role[]>;

export type ServiceRequestPermission = keyof typeof SERVICE_REQUEST_PERMISSIONS;

export function may(role: Role, permission: ServiceRequestPermission): boolean {
  return (SERVICE_REQUEST_PERMISSIONS[permission] as readonly Role[]).includes(role);
}
