import { definePermissions } from '../technician-management/permissions';

/**
 * Who may read the audit API (/api/v1/audit): the super admin (document 000's admin) and the
 * `auditor`, whose only access this is. Everything here reads; nothing changes the log.
 * Run role by role in auditor-role.api.test.ts.
 */
export const AUDIT_PERMISSIONS = definePermissions({
  read: ['super_admin', 'auditor'],
});
