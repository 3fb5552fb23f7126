import { NotFoundError, ValidationError } from '../domain/shared/errors';
import { ticketDecider, ticketStream, type TicketActor, type TicketPriority, type TicketState } from '../domain/ticket';
import { userDecider, userStream } from '../domain/user';
import type { RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult } from './handle-command';
import { assignTicket, updateTicket, type TicketCommandDeps } from './tickets';

/**
 * Document 004's support steps on the same Ticket aggregate as document 000 (src/commands/tickets.ts).
 */

export interface AssignWithSlaInput {
  technicianId: string;
  priority?: TicketPriority;
  /** The deadline becomes the creation time plus these hours. */
  slaHours?: number;
  notes: string | null;
}

/**
 * `PUT /api/v1/support/tickets/{id}/assign`: the technician is checked first (an active user
 * with role technician: 422 on assigned_to otherwise) so nothing changes for a wrong one; then
 * the priority and SLA change (one TicketUpdated), then the assignment (TicketAssigned), unless
 * the ticket is theirs already. Returns the last result.
 */
export async function assignWithSla(deps: TicketCommandDeps, ticketId: string, input: AssignWithSlaInput, by: TicketActor, meta: RequestMeta): Promise<CommandResult<TicketState>> {
  const { state: user } = await loadAggregate(deps, userDecider, userStream(input.technicianId));
  if (!user.exists || user.role !== 'technician' || !user.isActive) throw new ValidationError({ assigned_to: ['The assigned_to user is not an active technician.'] });
  const { state: ticket } = await loadAggregate(deps, ticketDecider, ticketStream(ticketId));
  if (!ticket.exists) throw new NotFoundError('Ticket', ticketId);
  let result: CommandResult<TicketState> | null = null;
  if (input.priority !== undefined || input.slaHours !== undefined) {
    result = await updateTicket(deps, ticketId, { ...(input.priority !== undefined ? { priority: input.priority } : {}), ...(input.slaHours !== undefined ? { slaHours: input.slaHours } : {}) }, by, meta);
  }
  if (ticket.technicianId !== input.technicianId) {
    const assigned = await assignTicket(deps, ticketId, { technicianId: input.technicianId, scheduledAt: null, notes: input.notes }, by, meta);
    result = assigned.position !== null || !result ? assigned : result;
  }
  return result ?? { state: ticket, newEvents: [], revision: -1, position: null };
}

export interface CloseInput {
  resolution: string;
  resolutionCategory: string | null;
  satisfaction: number | null;
  followUpRequired: boolean;
}

/** `POST /api/v1/support/tickets/{id}/close`: resolved (if not yet) and closed, with the resolution. */
export async function closeTicketWithResolution(deps: TicketCommandDeps, ticketId: string, input: CloseInput, by: TicketActor, meta: RequestMeta): Promise<CommandResult<TicketState>> {
  const result = await handleCommand(deps, ticketDecider, ticketStream(ticketId), { type: 'CloseTicket', ...input, by, now: deps.clock.now().toISOString() }, meta);
  if (!result.state.exists) throw new NotFoundError('Ticket', ticketId);
  return result;
}
