import { definePermissions, OFFICE_ROLES } from '../technician-management/permissions';

/**
 * What each role receives over socket.io (document 000 "WebSocket Events"). Office roles see
 * every ticket and technician event; a technician the events of tickets assigned to them (and
 * of a ticket just taken from them) and their own technician events; a customer the events of
 * their own tickets; everyone their own `notification:new`. See routing.ts and
 * docs/api/000-notifications-realtime-mobile.md.
 */
export const REALTIME_PERMISSIONS = definePermissions({
  /** ticket:created, ticket:assigned, ticket:status_changed for every ticket. */
  allTicketEvents: OFFICE_ROLES,
  /** technician:location_updated, technician:availability_changed for every technician. */
  allTechnicianEvents: OFFICE_ROLES,
});
