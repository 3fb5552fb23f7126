import { definePermissions, OFFICE_ROLES } from '../permissions';

/**
 * Who may read which report (document 000 "Reporting & Analytics"). Written down in
 * docs/api/000-reports.md and run role by role against every endpoint in router.api.test.ts.
 *
 * Office roles read every report. A technician reads only their own performance report
 * (`technician_id` is forced to themself; another technician's id is 403); `performanceAll`
 * lifts that restriction. Customers read no report.
 */
export const REPORT_PERMISSIONS = definePermissions({
  /** GET /api/reports/dashboard */
  dashboard: OFFICE_ROLES,
  /** GET /api/reports/tickets (json, csv, pdf) */
  tickets: OFFICE_ROLES,
  /** GET /api/reports/performance (a technician: their own only) */
  performance: [...OFFICE_ROLES, 'technician'],
  /** Read the performance of any technician and of everyone at once. */
  performanceAll: OFFICE_ROLES,
  /** GET /api/reports/inventory */
  inventory: OFFICE_ROLES,
});

export type ReportPermission = keyof typeof REPORT_PERMISSIONS;
