import { OPERATIONAL_ROLES, definePermissions, MANAGEMENT_ROLES, OFFICE_ROLES, STAFF_ROLES } from '../permissions';

/**
 * Who may do what with tickets (document 000 "Ticket Management"). Written down in
 * docs/api/000-tickets.md and run role by role against every endpoint in router.api.test.ts.
 *
 * What a caller sees is scoped besides: office roles (`viewAll`) see every ticket, a technician
 * only the tickets assigned to them, a customer only the tickets of their own customer record.
 * A ticket outside the caller's scope answers 404, as if it did not exist.
 */
export const TICKET_PERMISSIONS = definePermissions({
  /** GET /api/tickets, GET /api/tickets/:id, GET /api/customers/:id/tickets (scoped). */
  view: OPERATIONAL_ROLES,
  /** See every ticket, not only one's own. */
  viewAll: OFFICE_ROLES,
  /** POST /api/tickets (a customer only for their own customer record). */
  create: [...OFFICE_ROLES, 'customer'],
  /** PUT /api/tickets/:id */
  update: OFFICE_ROLES,
  /** POST /api/tickets/:id/assign */
  assign: MANAGEMENT_ROLES,
  /** PUT /api/tickets/:id/status (a technician on their own tickets). */
  changeStatus: [...OFFICE_ROLES, 'technician'],
  /** Give a rating with PUT /api/tickets/:id/status (the technician does not rate their own work). */
  rate: OFFICE_ROLES,
  /** POST /api/tickets/:id/comments (on tickets the caller can see). */
  comment: OPERATIONAL_ROLES,
  /** GET /api/technicians/:id/tickets (a technician only their own). */
  viewTechnicianTickets: STAFF_ROLES,
});

export type TicketPermission = keyof typeof TICKET_PERMISSIONS;
