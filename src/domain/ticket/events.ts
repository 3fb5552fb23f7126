import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';
import { TICKET_CATEGORIES } from './dotmac-vocabulary';

/**
 * Tickets (document 000: field and support tickets with comments, attachments and an SLA).
 * Stream `ticket-<uuid>`. Other areas (technician performance, reports, notifications, mobile
 * sync) read these events: names and fields are a contract; add fields, never rename.
 */

export const TICKET_STATUSES = ['new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'critical', 'emergency'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export const TICKET_TYPES = ['new_installation', 'repair', 'maintenance', 'upgrade', 'disconnection'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const TICKET_CHANNELS = ['staff', 'portal'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

/** Who did it: the user id and the role they acted in. */
export const ticketActorSchema = z.object({ userId: z.string(), role: z.string() });
export type TicketActor = z.infer<typeof ticketActorSchema>;

export const locationSchema = z.object({ lat: z.number(), lng: z.number() });
export type GeoLocation = z.infer<typeof locationSchema>;

export const TicketCreated = defineEvent(
  'TicketCreated',
  z.object({
    ticketId: z.string(),
    number: z.number().int().positive(),
    ticketNumber: z.string(),
    customerId: z.string(),
    type: z.enum(TICKET_TYPES),
    priority: z.enum(TICKET_PRIORITIES),
    title: z.string(),
    description: z.string(),
    location: locationSchema,
    scheduledAt: z.string().nullable(),
    /** File URLs given with the ticket. */
    attachments: z.array(z.string()),
    /** createdAt + the SLA hours of the priority (ISO-8601). */
    slaDeadline: z.string(),
    createdBy: ticketActorSchema,
    channel: z.enum(TICKET_CHANNELS),
    createdAt: z.string(),
    /** 004: the support category given (technical, billing, sales, general); absent: the type's (dotmac-vocabulary.ts). */
    category: z.enum(TICKET_CATEGORIES).optional(),
    /** 004: the service instance (subscription id) the ticket is about, when one was named. */
    serviceId: z.number().int().positive().nullable().optional(),
  }),
);

/** The editable fields of a ticket; `slaDeadline` changes with the priority. */
export const ticketFieldsSchema = z
  .object({
    title: z.string(),
    description: z.string(),
    priority: z.enum(TICKET_PRIORITIES),
    type: z.enum(TICKET_TYPES),
    location: locationSchema,
    scheduledAt: z.string().nullable(),
    slaDeadline: z.string(),
  })
  .partial();
export type TicketFieldChanges = z.infer<typeof ticketFieldsSchema>;

export const TicketUpdated = defineEvent(
  'TicketUpdated',
  z.object({
    ticketId: z.string(),
    /** Only the fields that changed, with their new values. */
    changes: ticketFieldsSchema,
    /** The same fields with their values before the change. */
    previous: ticketFieldsSchema,
    updatedBy: ticketActorSchema,
    updatedAt: z.string(),
  }),
);

export const TicketAssigned = defineEvent(
  'TicketAssigned',
  z.object({
    ticketId: z.string(),
    /** The technician's user id. */
    technicianId: z.string(),
    /** The technician the ticket was taken from (a reassignment), or null. */
    previousTechnicianId: z.string().nullable(),
    /** When given, also the ticket's new scheduled time. */
    scheduledAt: z.string().nullable(),
    notes: z.string().nullable(),
    assignedBy: ticketActorSchema,
    assignedAt: z.string(),
    /** The ticket's status after the assignment (`assigned` from `new`, else unchanged). */
    status: z.enum(TICKET_STATUSES),
  }),
);

export const TicketStatusChanged = defineEvent(
  'TicketStatusChanged',
  z.object({
    ticketId: z.string(),
    from: z.enum(TICKET_STATUSES),
    to: z.enum(TICKET_STATUSES),
    notes: z.string().nullable(),
    attachments: z.array(z.string()),
    /** 1–5, only when resolving or closing. */
    rating: z.number().int().min(1).max(5).nullable(),
    changedBy: ticketActorSchema,
    changedAt: z.string(),
    /** The technician assigned at the time of the change (for performance figures). */
    technicianId: z.string().nullable(),
    /** 004's close: how it was resolved (e.g. hardware_replacement) and whether to follow up. */
    resolutionCategory: z.string().nullable().optional(),
    followUpRequired: z.boolean().optional(),
  }),
);

export const TicketCommentAdded = defineEvent(
  'TicketCommentAdded',
  z.object({
    ticketId: z.string(),
    commentId: z.string(),
    comment: z.string(),
    attachments: z.array(z.string()),
    author: ticketActorSchema,
    createdAt: z.string(),
    /** 004: a staff note the customer never sees (absent: false). */
    isInternal: z.boolean().optional(),
  }),
);

/**
 * Version 2 (issue 15, the example of a schema change): the kind of file is `fileType`, as the
 * command names it; version 1 called it `type`, which read like the event's own type. Events
 * stored as version 1 are upcast when read (the upcaster below), so an old log replays into the
 * same read models (src/projections/tickets/upcasting.int.test.ts).
 */
export const TicketAttachmentAdded = defineEvent(
  'TicketAttachmentAdded',
  z.object({
    ticketId: z.string(),
    attachmentId: z.string(),
    /** The file in the file store, when the file was uploaded to this backend. */
    fileId: z.string().nullable(),
    filename: z.string(),
    url: z.string(),
    /** photo, document, signature, ... */
    fileType: z.string(),
    uploadedBy: ticketActorSchema,
    uploadedAt: z.string(),
  }),
  {
    version: 2,
    upcasters: {
      1: ({ type, ...rest }) => ({ ...rest, fileType: type }),
    },
  },
);

export const TicketSlaWarningRaised = defineEvent(
  'TicketSlaWarningRaised',
  z.object({ ticketId: z.string(), slaDeadline: z.string(), raisedAt: z.string() }),
);

export const TicketSlaBreached = defineEvent(
  'TicketSlaBreached',
  z.object({ ticketId: z.string(), slaDeadline: z.string(), breachedAt: z.string() }),
);

export const ticketEvents = [
  TicketCreated,
  TicketUpdated,
  TicketAssigned,
  TicketStatusChanged,
  TicketCommentAdded,
  TicketAttachmentAdded,
  TicketSlaWarningRaised,
  TicketSlaBreached,
];

export type TicketCreatedEvent = EventOf<typeof TicketCreated>;
export type TicketUpdatedEvent = EventOf<typeof TicketUpdated>;
export type TicketAssignedEvent = EventOf<typeof TicketAssigned>;
export type TicketStatusChangedEvent = EventOf<typeof TicketStatusChanged>;
export type TicketCommentAddedEvent = EventOf<typeof TicketCommentAdded>;
export type TicketAttachmentAddedEvent = EventOf<typeof TicketAttachmentAdded>;
export type TicketSlaWarningRaisedEvent = EventOf<typeof TicketSlaWarningRaised>;
export type TicketSlaBreachedEvent = EventOf<typeof TicketSlaBreached>;

export type TicketEvent =
  | TicketCreatedEvent
  | TicketUpdatedEvent
  | TicketAssignedEvent
  | TicketStatusChangedEvent
  | TicketCommentAddedEvent
  | TicketAttachmentAddedEvent
  | TicketSlaWarningRaisedEvent
  | TicketSlaBreachedEvent;

export const TICKET_EVENT_TYPES: readonly TicketEvent['type'][] = ticketEvents.map((d) => d.type);

export const ticketStream = (ticketId: string): string => `ticket-${ticketId}`;
