import { customerDecider, customerStream } from '../domain/customer';
import type { TicketCategory } from '../domain/ticket/dotmac-vocabulary';
import { NotFoundError } from '../domain/shared/errors';
import {
  ticketDecider,
  ticketStream,
  type GeoLocation,
  type SlaPolicy,
  type TicketActor,
  type TicketChannel,
  type TicketCommand,
  type TicketEdit,
  type TicketPriority,
  type TicketState,
  type TicketStatus,
  type TicketType,
  unknownCustomerError,
} from '../domain/ticket';
import { userDecider, userStream } from '../domain/user';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult, type HandleOptions } from './handle-command';
import { humanNumber, nextSequenceNumber } from './sequences';

/** Ticket commands need the SLA policy (SLA_HOURS, SLA_WARNING_PERCENT) besides the usual. */
export interface TicketCommandDeps extends CommandDeps {
  sla: SlaPolicy;
}

/** TKT-000001. */
export const ticketNumber = (n: number): string => humanNumber('TKT', n, 6);

export interface CreateTicketInput {
  customerId: string;
  type: TicketType;
  priority: TicketPriority;
  title: string;
  description: string;
  location: GeoLocation;
  scheduledAt: string | null;
  attachments: string[];
  channel: TicketChannel;
  /** Document 004: the support category and the service instance (subscription id) the ticket is about. */
  category?: TicketCategory;
  serviceId?: number | null;
}

export interface CreatedTicket {
  ticketId: string;
  number: number;
  ticketNumber: string;
  result: CommandResult<TicketState>;
}

/** Whether the customer's stream holds a registered customer. */
export async function customerExists(deps: CommandDeps, customerId: string): Promise<boolean> {
  const { state } = await loadAggregate(deps, customerDecider, customerStream(customerId));
  return state.exists;
}

/**
 * Creates a ticket: the customer must exist (its stream is loaded; 422 on customer_id
 * otherwise), then the next TKT- number is taken and the deadline set from the SLA table.
 */
export async function createTicket(
  deps: TicketCommandDeps,
  input: CreateTicketInput,
  createdBy: TicketActor,
  meta: RequestMeta,
): Promise<CreatedTicket> {
  const exists = await customerExists(deps, input.customerId);
  const ticketId = deps.ids.uuid();
  const base = {
    type: 'CreateTicket' as const,
    ticketId,
    customerId: input.customerId,
    ticketType: input.type,
    priority: input.priority,
    title: input.title,
    description: input.description,
    location: input.location,
    scheduledAt: input.scheduledAt,
    attachments: input.attachments,
    createdBy,
    channel: input.channel,
    slaHours: deps.sla.hours,
    ...(input.category !== undefined ? { category: input.category } : {}),
    ...(input.serviceId !== undefined ? { serviceId: input.serviceId } : {}),
  };
  // Refused before a ticket number is spent (the decider holds the same rule).
  if (!exists) throw unknownCustomerError();
  const number = await nextSequenceNumber(deps, 'ticket', meta);
  const result = await handleCommand(
    deps,
    ticketDecider,
    ticketStream(ticketId),
    { ...base, number, ticketNumber: ticketNumber(number), customerExists: true, now: deps.clock.now().toISOString() },
    meta,
    { newStream: true },
  );
  return { ticketId, number, ticketNumber: ticketNumber(number), result };
}

/** Runs one command against an existing ticket (404 when there is none). */
async function onTicket(
  deps: TicketCommandDeps,
  ticketId: string,
  command: TicketCommand,
  meta: RequestMeta,
  options: HandleOptions,
): Promise<CommandResult<TicketState>> {
  const result = await handleCommand(deps, ticketDecider, ticketStream(ticketId), command, meta, options);
  if (!result.state.exists) throw new NotFoundError('Ticket', ticketId);
  return result;
}

const nowOf = (deps: CommandDeps) => deps.clock.now().toISOString();

export function updateTicket(
  deps: TicketCommandDeps,
  ticketId: string,
  changes: TicketEdit,
  by: TicketActor,
  meta: RequestMeta,
  options: HandleOptions = {},
): Promise<CommandResult<TicketState>> {
  return onTicket(deps, ticketId, { type: 'UpdateTicket', changes, slaHours: deps.sla.hours, by, now: nowOf(deps) }, meta, options);
}

export interface AssignTicketInput {
  technicianId: string;
  scheduledAt: string | null;
  notes: string | null;
}

/**
 * Assigns (or reassigns) a ticket. The technician's user stream is loaded so the decider can
 * require an existing, active user with role technician (422 on technician_id otherwise).
 */
export async function assignTicket(
  deps: TicketCommandDeps,
  ticketId: string,
  input: AssignTicketInput,
  by: TicketActor,
  meta: RequestMeta,
  options: HandleOptions = {},
): Promise<CommandResult<TicketState>> {
  const { state: user } = await loadAggregate(deps, userDecider, userStream(input.technicianId));
  return onTicket(
    deps,
    ticketId,
    {
      type: 'AssignTicket',
      technician: { userId: input.technicianId, exists: user.exists, role: user.role, isActive: user.isActive },
      scheduledAt: input.scheduledAt,
      notes: input.notes,
      by,
      now: nowOf(deps),
    },
    meta,
    options,
  );
}

export interface ChangeTicketStatusInput {
  status: TicketStatus;
  notes: string | null;
  attachments: string[];
  rating: number | null;
}

export function changeTicketStatus(
  deps: TicketCommandDeps,
  ticketId: string,
  input: ChangeTicketStatusInput,
  by: TicketActor,
  meta: RequestMeta,
  options: HandleOptions = {},
): Promise<CommandResult<TicketState>> {
  return onTicket(
    deps,
    ticketId,
    {
      type: 'ChangeTicketStatus',
      to: input.status,
      notes: input.notes,
      attachments: input.attachments,
      rating: input.rating,
      by,
      now: nowOf(deps),
    },
    meta,
    options,
  );
}

export async function addTicketComment(
  deps: TicketCommandDeps,
  ticketId: string,
  input: { comment: string; attachments: string[]; /** Document 004: a staff-only note. */ isInternal?: boolean },
  by: TicketActor,
  meta: RequestMeta,
  options: HandleOptions = {},
): Promise<{ commentId: string; result: CommandResult<TicketState> }> {
  const commentId = deps.ids.uuid();
  const result = await onTicket(
    deps,
    ticketId,
    { type: 'AddTicketComment', commentId, comment: input.comment, attachments: input.attachments, by, now: nowOf(deps), ...(input.isInternal ? { isInternal: true } : {}) },
    meta,
    options,
  );
  return { commentId, result };
}

export interface AddTicketAttachmentInput {
  /** The file in this backend's file store, if it was uploaded here. */
  fileId: string | null;
  filename: string;
  url: string;
  /** photo, document, signature, ... */
  type: string;
}

/** Attaches a file to a ticket (used by the mobile upload endpoint). */
export async function addTicketAttachment(
  deps: CommandDeps,
  ticketId: string,
  input: AddTicketAttachmentInput,
  by: TicketActor,
  meta: RequestMeta,
  options: HandleOptions = {},
): Promise<{ attachmentId: string; result: CommandResult<TicketState> }> {
  const attachmentId = deps.ids.uuid();
  const result = await handleCommand(
    deps,
    ticketDecider,
    ticketStream(ticketId),
    {
      type: 'AddTicketAttachment',
      attachmentId,
      fileId: input.fileId,
      filename: input.filename,
      url: input.url,
      fileType: input.type,
      by,
      now: nowOf(deps),
    },
    meta,
    options,
  );
  if (!result.state.exists) throw new NotFoundError('Ticket', ticketId);
  return { attachmentId, result };
}

/** SLA job: raise the warning on one ticket (the decider refuses one not due or already raised). */
export function raiseSlaWarning(
  deps: TicketCommandDeps,
  ticketId: string,
  now: Date,
  meta: RequestMeta,
): Promise<CommandResult<TicketState>> {
  return onTicket(deps, ticketId, { type: 'RaiseSlaWarning', warningPercent: deps.sla.warningPercent, now: now.toISOString() }, meta, {});
}

/** SLA job: record the breach on one ticket (the decider refuses one not due or already recorded). */
export function recordSlaBreach(
  deps: TicketCommandDeps,
  ticketId: string,
  now: Date,
  meta: RequestMeta,
): Promise<CommandResult<TicketState>> {
  return onTicket(deps, ticketId, { type: 'RecordSlaBreach', now: now.toISOString() }, meta, {});
}
