import type { TicketPriority, TicketStatus, TicketType } from './events';

/**
 * Document 004's words for tickets (DESIGN.md §5), in one place for the portal, the admin
 * support module and the webhook payloads:
 *
 * | 004 status  | canonical            |   | 004 priority | canonical           |
 * | ----------- | -------------------- |---| ------------ | ------------------- |
 * | open        | new, assigned        |   | low          | low                 |
 * | in_progress | in_progress, pending |   | medium       | normal              |
 * | resolved    | resolved             |   | high         | high                |
 * | closed      | closed               |   | critical     | critical, emergency |
 *
 * Categories (technical, billing, sales, general) are kept on the ticket when it is created
 * through 004 (`category` of TicketCreated); a ticket created elsewhere takes the category of
 * its type: repair and maintenance are technical, new installations and upgrades sales,
 * disconnections general. A category given without a type decides the type the technicians
 * see: technical → repair, sales → upgrade, billing and general → maintenance.
 */
export const DOTMAC_TICKET_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export type DotmacTicketStatus = (typeof DOTMAC_TICKET_STATUSES)[number];
export const DOTMAC_TICKET_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type DotmacTicketPriority = (typeof DOTMAC_TICKET_PRIORITIES)[number];
export const TICKET_CATEGORIES = ['technical', 'billing', 'sales', 'general'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export function dotmacTicketStatus(status: TicketStatus): DotmacTicketStatus {
  switch (status) {
    case 'new':
    case 'assigned':
      return 'open';
    case 'in_progress':
    case 'pending':
      return 'in_progress';
    default:
      return status;
  }
}

/** The canonical statuses a 004 status filter names. */
export function canonicalTicketStatuses(status: DotmacTicketStatus): TicketStatus[] {
  switch (status) {
    case 'open':
      return ['new', 'assigned'];
    case 'in_progress':
      return ['in_progress', 'pending'];
    default:
      return [status];
  }
}

export function dotmacTicketPriority(priority: TicketPriority): DotmacTicketPriority {
  if (priority === 'normal') return 'medium';
  if (priority === 'emergency') return 'critical';
  return priority;
}

/** The canonical priority a 004 priority is written as (a filter also matches `emergency` for critical). */
export function canonicalTicketPriority(priority: DotmacTicketPriority): TicketPriority {
  return priority === 'medium' ? 'normal' : priority;
}

export function canonicalTicketPriorities(priority: DotmacTicketPriority): TicketPriority[] {
  return priority === 'critical' ? ['critical', 'emergency'] : [canonicalTicketPriority(priority)];
}

export function categoryOfType(type: TicketType): TicketCategory {
  switch (type) {
    case 'repair':
    case 'maintenance':
      return 'technical';
    case 'new_installation':
    case 'upgrade':
      return 'sales';
    case 'disconnection':
      return 'general';
  }
}

export function typeOfCategory(category: TicketCategory): TicketType {
  switch (category) {
    case 'technical':
      return 'repair';
    case 'sales':
      return 'upgrade';
    default:
      return 'maintenance';
  }
}
