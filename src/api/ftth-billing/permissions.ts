import { definePermissions } from '../technician-management/permissions';

/**
 * Who may do what in document 002 (docs/api/002-billing.md, role matrix), with the roles of
 * the one user model (src/domain/user/events.ts). `customer` accounts have no access to the
 * billing staff API (the customer portal, document 004, is theirs). Every endpoint is run role by
 * role in permissions.api.test.ts.
 */
const ADMIN = ['super_admin', 'manager'] as const;
const BILLING = ['super_admin', 'manager', 'customer_service'] as const;
const OFFICE = ['super_admin', 'manager', 'supervisor', 'customer_service'] as const;
const STAFF = ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician'] as const;

export const BILLING_PERMISSIONS = definePermissions({
  /** GET /api/pelanggan/, /{id}. */
  viewPelanggan: STAFF,
  /** POST, PATCH /api/pelanggan/. */
  editPelanggan: BILLING,
  /** DELETE /api/pelanggan/{id} (a closure). */
  closePelanggan: ADMIN,
  /** GET /api/pelanggan/export/csv. */
  exportPelanggan: OFFICE,
  /** POST /api/pelanggan/import. */
  importPelanggan: ADMIN,
  /** GET brands, packages, subscriptions. */
  viewCatalog: STAFF,
  /** Create, PATCH, DELETE brands, packages, subscriptions ("admin only"). */
  editCatalog: ADMIN,
  /** GET data teknis. */
  viewDataTeknis: STAFF,
  /** POST, PATCH data teknis (installers too). */
  editDataTeknis: ['super_admin', 'manager', 'technician'],
  /** GET invoices. */
  viewInvoices: OFFICE,
  /** POST invoices, PATCH their status (payments included). */
  editInvoices: BILLING,
  /** GET /api/dashboard/*, /api/reports/revenue|customers. */
  reports: ['super_admin', 'manager', 'supervisor'],
  /** PATCH /api/notifications/{id}/read: one's own. */
  notifications: ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer'],
  /** GET /api/activity-logs/ and a customer's billing history. */
  activity: ADMIN,
});
