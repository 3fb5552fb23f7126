import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import type {
  GeoLocation,
  TicketActor,
  TicketChannel,
  TicketEvent,
  TicketFieldChanges,
  TicketPriority,
  TicketStatus,
  TicketType,
} from './events';
import { slaDeadline, slaWarningAt, type SlaHours } from './sla';
import type { TicketCategory } from './dotmac-vocabulary';

/**
 * The ticket workflow. Status changes (PUT /status) follow this table; assignment is its own
 * command and moves `new` to `assigned`. `resolved → in_progress` reopens a resolved ticket;
 * `closed` is final (a recurring problem is a new ticket, so SLA and performance figures stay honest).
 */
export const ALLOWED_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: [],
  assigned: ['in_progress'],
  in_progress: ['pending', 'resolved'],
  pending: ['in_progress', 'resolved'],
  resolved: ['closed', 'in_progress'],
  closed: [],
};

/** Statuses in which the ticket is still being worked (the SLA clock runs). */
export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'pending'];
/** Statuses a rating may be given with. */
export const RATABLE_STATUSES: readonly TicketStatus[] = ['resolved', 'closed'];

export const isOpen = (status: TicketStatus): boolean => OPEN_STATUSES.includes(status);

export interface TicketState {
  exists: boolean;
  ticketId: string;
  customerId: string;
  status: TicketStatus;
  priority: TicketPriority;
  type: TicketType;
  title: string;
  description: string;
  location: GeoLocation;
  scheduledAt: string | null;
  technicianId: string | null;
  createdAt: string;
  slaDeadline: string;
  /** The deadline a warning was raised for (a priority change moves the deadline). */
  slaWarnedFor: string | null;
  /** The deadline a breach was recorded for. */
  slaBreachedFor: string | null;
}

/** What the command layer found when it loaded the technician's user stream. */
export interface TechnicianCandidate {
  userId: string;
  exists: boolean;
  role: string;
  isActive: boolean;
}

export interface TicketEdit {
  title?: string;
  description?: string;
  priority?: TicketPriority;
  type?: TicketType;
  location?: GeoLocation;
  scheduledAt?: string | null;
  /** 004's `sla_hours`: the deadline becomes the creation time plus these hours, whatever the priority's. */
  slaHours?: number;
}

export type TicketCommand =
  | {
      type: 'CreateTicket';
      ticketId: string;
      number: number;
      ticketNumber: string;
      customerId: string;
      /** Whether the customer exists (the command layer loaded its stream). */
      customerExists: boolean;
      ticketType: TicketType;
      priority: TicketPriority;
      title: string;
      description: string;
      location: GeoLocation;
      scheduledAt: string | null;
      attachments: string[];
      createdBy: TicketActor;
      channel: TicketChannel;
      slaHours: SlaHours;
      /** 004: the support category and the service instance the ticket is about. */
      category?: TicketCategory;
      serviceId?: number | null;
      now: string;
    }
  | { type: 'UpdateTicket'; changes: TicketEdit; slaHours: SlaHours; by: TicketActor; now: string }
  | {
      type: 'AssignTicket';
      technician: TechnicianCandidate;
      scheduledAt: string | null;
      notes: string | null;
      by: TicketActor;
      now: string;
    }
  | {
      type: 'ChangeTicketStatus';
      to: TicketStatus;
      notes: string | null;
      attachments: string[];
      rating: number | null;
      by: TicketActor;
      now: string;
    }
  | { type: 'AddTicketComment'; commentId: string; comment: string; attachments: string[]; by: TicketActor; now: string; /** 004: a staff-only note. */ isInternal?: boolean }
  | {
      type: 'AddTicketAttachment';
      attachmentId: string;
      fileId: string | null;
      filename: string;
      url: string;
      fileType: string;
      by: TicketActor;
      now: string;
    }
  /**
   * 004's close with resolution: from any open status the ticket is resolved (if it is not yet)
   * and closed, both recorded with the resolution; the satisfaction is the closing rating.
   */
  | {
      type: 'CloseTicket';
      resolution: string;
      resolutionCategory: string | null;
      satisfaction: number | null;
      followUpRequired: boolean;
      by: TicketActor;
      now: string;
    }
  | { type: 'RaiseSlaWarning'; warningPercent: number; now: string }
  | { type: 'RecordSlaBreach'; now: string };

export const initialTicketState = (): TicketState => ({
  exists: false,
  ticketId: '',
  customerId: '',
  status: 'new',
  priority: 'normal',
  type: 'repair',
  title: '',
  description: '',
  location: { lat: 0, lng: 0 },
  scheduledAt: null,
  technicianId: null,
  createdAt: '',
  slaDeadline: '',
  slaWarnedFor: null,
  slaBreachedFor: null,
});

export function evolveTicket(state: TicketState, event: TicketEvent): TicketState {
  switch (event.type) {
    case 'TicketCreated': {
      const d = event.data;
      return {
        ...state,
        exists: true,
        ticketId: d.ticketId,
        customerId: d.customerId,
        status: 'new',
        priority: d.priority,
        type: d.type,
        title: d.title,
        description: d.description,
        location: d.location,
        scheduledAt: d.scheduledAt,
        createdAt: d.createdAt,
        slaDeadline: d.slaDeadline,
      };
    }
    case 'TicketUpdated': {
      const c = event.data.changes;
      return {
        ...state,
        ...(c.title !== undefined ? { title: c.title } : {}),
        ...(c.description !== undefined ? { description: c.description } : {}),
        ...(c.priority !== undefined ? { priority: c.priority } : {}),
        ...(c.type !== undefined ? { type: c.type } : {}),
        ...(c.location !== undefined ? { location: c.location } : {}),
        ...(c.scheduledAt !== undefined ? { scheduledAt: c.scheduledAt } : {}),
        ...(c.slaDeadline !== undefined ? { slaDeadline: c.slaDeadline } : {}),
      };
    }
    case 'TicketAssigned':
      return {
        ...state,
        technicianId: event.data.technicianId,
        status: event.data.status,
        scheduledAt: event.data.scheduledAt ?? state.scheduledAt,
      };
    case 'TicketStatusChanged':
      return { ...state, status: event.data.to };
    case 'TicketSlaWarningRaised':
      return { ...state, slaWarnedFor: event.data.slaDeadline };
    case 'TicketSlaBreached':
      return { ...state, slaBreachedFor: event.data.slaDeadline };
    case 'TicketCommentAdded':
    case 'TicketAttachmentAdded':
      return state;
  }
}

export const unknownCustomerError = (): ValidationError =>
  new ValidationError({ customer_id: ['The selected customer_id does not exist.'] });

function sameLocation(a: GeoLocation, b: GeoLocation): boolean {
  return a.lat === b.lat && a.lng === b.lng;
}

function decideUpdate(command: Extract<TicketCommand, { type: 'UpdateTicket' }>, state: TicketState): TicketEvent[] {
  if (state.status === 'closed') {
    throw new IllegalStateError('A closed ticket cannot be changed', state.status, []);
  }
  const changes: TicketFieldChanges = {};
  const previous: TicketFieldChanges = {};
  const c = command.changes;
  if (c.title !== undefined && c.title !== state.title) [changes.title, previous.title] = [c.title, state.title];
  if (c.description !== undefined && c.description !== state.description) {
    [changes.description, previous.description] = [c.description, state.description];
  }
  if (c.type !== undefined && c.type !== state.type) [changes.type, previous.type] = [c.type, state.type];
  if (c.location !== undefined && !sameLocation(c.location, state.location)) {
    [changes.location, previous.location] = [c.location, state.location];
  }
  if (c.scheduledAt !== undefined && c.scheduledAt !== state.scheduledAt) {
    [changes.scheduledAt, previous.scheduledAt] = [c.scheduledAt, state.scheduledAt];
  }
  if (c.priority !== undefined && c.priority !== state.priority) {
    [changes.priority, previous.priority] = [c.priority, state.priority];
    // The deadline always counts from the creation time, with the hours of the new priority.
    const deadline = slaDeadline(state.createdAt, c.priority, command.slaHours);
    if (deadline !== state.slaDeadline) [changes.slaDeadline, previous.slaDeadline] = [deadline, state.slaDeadline];
  }
  if (c.slaHours !== undefined) {
    if (!Number.isFinite(c.slaHours) || c.slaHours <= 0 || c.slaHours > 24 * 365) throw new ValidationError({ sla_hours: ['The SLA hours must be above 0 and at most a year.'] });
    const deadline = new Date(Date.parse(state.createdAt) + Math.round(c.slaHours * 3_600_000)).toISOString();
    if (deadline !== state.slaDeadline) [changes.slaDeadline, previous.slaDeadline] = [deadline, state.slaDeadline];
    else delete changes.slaDeadline;
  }
  if (Object.keys(changes).length === 0) return [];
  return [
    {
      type: 'TicketUpdated',
      data: { ticketId: state.ticketId, changes, previous, updatedBy: command.by, updatedAt: command.now },
    },
  ];
}

function decideAssign(command: Extract<TicketCommand, { type: 'AssignTicket' }>, state: TicketState): TicketEvent[] {
  if (!isOpen(state.status)) {
    throw new IllegalStateError(`A ${state.status} ticket cannot be assigned`, state.status);
  }
  const t = command.technician;
  if (!t.exists || t.role !== 'technician' || !t.isActive) {
    throw new ValidationError({ technician_id: ['The selected technician_id is not an active technician.'] });
  }
  if (t.userId === state.technicianId) {
    throw new ValidationError({ technician_id: ['The ticket is already assigned to this technician.'] });
  }
  return [
    {
      type: 'TicketAssigned',
      data: {
        ticketId: state.ticketId,
        technicianId: t.userId,
        previousTechnicianId: state.technicianId,
        scheduledAt: command.scheduledAt,
        notes: command.notes,
        assignedBy: command.by,
        assignedAt: command.now,
        status: state.status === 'new' ? 'assigned' : state.status,
      },
    },
  ];
}

function decideStatus(command: Extract<TicketCommand, { type: 'ChangeTicketStatus' }>, state: TicketState): TicketEvent[] {
  const allowed = ALLOWED_TRANSITIONS[state.status];
  if (!allowed.includes(command.to)) {
    const options = allowed.length ? `allowed: ${allowed.join(', ')}` : 'no status change is allowed';
    const hint = state.status === 'new' ? ' (assign the ticket to a technician first)' : '';
    throw new IllegalStateError(
      `Cannot change the status from ${state.status} to ${command.to}; ${options}${hint}`,
      state.status,
      allowed,
    );
  }
  if (command.rating !== null) {
    if (!RATABLE_STATUSES.includes(command.to)) {
      throw new ValidationError({ rating: ['A rating can only be given when resolving or closing a ticket.'] });
    }
    if (!Number.isInteger(command.rating) || command.rating < 1 || command.rating > 5) {
      throw new ValidationError({ rating: ['The rating must be a whole number from 1 to 5.'] });
    }
  }
  return [
    {
      type: 'TicketStatusChanged',
      data: {
        ticketId: state.ticketId,
        from: state.status,
        to: command.to,
        notes: command.notes,
        attachments: command.attachments,
        rating: command.rating,
        changedBy: command.by,
        changedAt: command.now,
        technicianId: state.technicianId,
      },
    },
  ];
}

function decideClose(command: Extract<TicketCommand, { type: 'CloseTicket' }>, state: TicketState): TicketEvent[] {
  if (state.status === 'closed') throw new IllegalStateError('The ticket is already closed', state.status, []);
  if (command.satisfaction !== null && (!Number.isInteger(command.satisfaction) || command.satisfaction < 1 || command.satisfaction > 5)) {
    throw new ValidationError({ customer_satisfaction: ['The customer satisfaction must be a whole number from 1 to 5.'] });
  }
  const step = (from: TicketStatus, to: TicketStatus, rating: number | null): TicketEvent => ({
    type: 'TicketStatusChanged',
    data: {
      ticketId: state.ticketId,
      from,
      to,
      notes: command.resolution,
      attachments: [],
      rating,
      changedBy: command.by,
      changedAt: command.now,
      technicianId: state.technicianId,
      resolutionCategory: command.resolutionCategory,
      followUpRequired: command.followUpRequired,
    },
  });
  return state.status === 'resolved' ? [step('resolved', 'closed', command.satisfaction)] : [step(state.status, 'resolved', null), step('resolved', 'closed', command.satisfaction)];
}

function decideSlaWarning(command: Extract<TicketCommand, { type: 'RaiseSlaWarning' }>, state: TicketState): TicketEvent[] {
  if (!isOpen(state.status)) {
    throw new IllegalStateError(`The SLA of a ${state.status} ticket is no longer tracked`, state.status);
  }
  if (state.slaBreachedFor === state.slaDeadline) throw new IllegalStateError('The SLA is already breached');
  if (state.slaWarnedFor === state.slaDeadline) throw new IllegalStateError('The SLA warning was already raised');
  const now = Date.parse(command.now);
  if (now >= Date.parse(state.slaDeadline)) {
    throw new IllegalStateError('The SLA deadline has passed: record the breach instead');
  }
  if (now < Date.parse(slaWarningAt(state.createdAt, state.slaDeadline, command.warningPercent))) {
    throw new IllegalStateError('The SLA warning is not due yet');
  }
  return [
    { type: 'TicketSlaWarningRaised', data: { ticketId: state.ticketId, slaDeadline: state.slaDeadline, raisedAt: command.now } },
  ];
}

function decideSlaBreach(command: Extract<TicketCommand, { type: 'RecordSlaBreach' }>, state: TicketState): TicketEvent[] {
  if (!isOpen(state.status)) {
    throw new IllegalStateError(`The SLA of a ${state.status} ticket is no longer tracked`, state.status);
  }
  if (state.slaBreachedFor === state.slaDeadline) throw new IllegalStateError('The SLA breach was already recorded');
  if (Date.parse(command.now) < Date.parse(state.slaDeadline)) {
    throw new IllegalStateError('The SLA deadline has not passed yet');
  }
  return [
    { type: 'TicketSlaBreached', data: { ticketId: state.ticketId, slaDeadline: state.slaDeadline, breachedAt: command.now } },
  ];
}

export function decideTicket(command: TicketCommand, state: TicketState): TicketEvent[] {
  if (command.type === 'CreateTicket') {
    if (state.exists) throw new IllegalStateError('Ticket already exists');
    if (!command.customerExists) throw unknownCustomerError();
    return [
      {
        type: 'TicketCreated',
        data: {
          ticketId: command.ticketId,
          number: command.number,
          ticketNumber: command.ticketNumber,
          customerId: command.customerId,
          type: command.ticketType,
          priority: command.priority,
          title: command.title,
          description: command.description,
          location: command.location,
          scheduledAt: command.scheduledAt,
          attachments: command.attachments,
          slaDeadline: slaDeadline(command.now, command.priority, command.slaHours),
          createdBy: command.createdBy,
          channel: command.channel,
          createdAt: command.now,
          ...(command.category !== undefined ? { category: command.category } : {}),
          ...(command.serviceId !== undefined ? { serviceId: command.serviceId } : {}),
        },
      },
    ];
  }
  if (!state.exists) throw new NotFoundError('Ticket', state.ticketId);
  const ticketId = state.ticketId;
  switch (command.type) {
    case 'UpdateTicket':
      return decideUpdate(command, state);
    case 'AssignTicket':
      return decideAssign(command, state);
    case 'ChangeTicketStatus':
      return decideStatus(command, state);
    case 'AddTicketComment':
      if (state.status === 'closed') throw new IllegalStateError('A closed ticket cannot be commented on', state.status, []);
      return [
        {
          type: 'TicketCommentAdded',
          data: {
            ticketId,
            commentId: command.commentId,
            comment: command.comment,
            attachments: command.attachments,
            author: command.by,
            createdAt: command.now,
            ...(command.isInternal ? { isInternal: true } : {}),
          },
        },
      ];
    case 'AddTicketAttachment':
      if (state.status === 'closed') throw new IllegalStateError('A closed ticket cannot get attachments', state.status, []);
      return [
        {
          type: 'TicketAttachmentAdded',
          data: {
            ticketId,
            attachmentId: command.attachmentId,
            fileId: command.fileId,
            filename: command.filename,
            url: command.url,
            fileType: command.fileType,
            uploadedBy: command.by,
            uploadedAt: command.now,
          },
        },
      ];
    case 'CloseTicket':
      return decideClose(command, state);
    case 'RaiseSlaWarning':
      return decideSlaWarning(command, state);
    case 'RecordSlaBreach':
      return decideSlaBreach(command, state);
  }
}

export const ticketDecider: Decider<TicketState, TicketCommand, TicketEvent> = {
  initialState: initialTicketState,
  evolve: evolveTicket,
  decide: decideTicket,
};
