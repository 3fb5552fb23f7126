import { definePermissions } from '../../technician-management/permissions';

/**
 * Who may do what with Mikrotik servers (document 002). Only administrators register, change
 * and remove routers (their logins are powerful); office staff and technicians see them, test
 * them, check their health and sync a pelanggan (installation and support work). The
 * credentials are never returned to anyone. Written down in docs/api/002-mikrotik.md and run
 * role by role in the API tests.
 */
export const MIKROTIK_PERMISSIONS = definePermissions({
  /** GET /api/mikrotik_servers/, GET /api/mikrotik_servers/{id}, GET /api/mikrotik_servers/health */
  view: ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician'],
  /** POST /api/mikrotik_servers/, PATCH and DELETE /api/mikrotik_servers/{id} */
  manage: ['super_admin', 'manager'],
  /** POST /api/mikrotik_servers/{id}/test */
  test: ['super_admin', 'manager', 'supervisor', 'technician'],
  /** POST /api/mikrotik_servers/{id}/sync/{pelanggan_id} */
  sync: ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician'],
});
