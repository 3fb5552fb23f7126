import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../../../domain/ticket';
import { ValidationError } from '../../../domain/shared/errors';
import { pageQuery } from '../envelope';

/** Request shapes of the tickets area (document 000 field names), parsed with zod. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const uuid = (name: string) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .regex(UUID, `The ${name} must be a valid UUID.`)
    .transform((s) => s.toLowerCase());

const oneOf = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, {
    error: (issue) =>
      issue.input === undefined ? `The ${name} field is required.` : `The selected ${name} is invalid (one of: ${values.join(', ')}).`,
  });

/** A point in time with a time zone, normalised to UTC ISO-8601 as the read model stores it. */
const timestamp = (name: string) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)), {
      message: `The ${name} must be an ISO-8601 timestamp with a time zone (e.g. 2026-01-15T09:00:00Z).`,
    })
    .transform((s) => new Date(Date.parse(s)).toISOString());

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date filter bound: YYYY-MM-DD (a whole UTC day) or a timestamp. Lower bounds are inclusive;
 * upper bounds include the whole day named (or the instant named).
 */
const dateBound = (name: string, edge: 'from' | 'to') =>
  z
    .string()
    .refine((s) => (DATE_ONLY.test(s) || /T/.test(s)) && !Number.isNaN(Date.parse(DATE_ONLY.test(s) ? `${s}T00:00:00Z` : s)), {
      message: `The ${name} must be a date (YYYY-MM-DD) or an ISO-8601 timestamp.`,
    })
    .transform((s) => {
      const ms = Date.parse(DATE_ONLY.test(s) ? `${s}T00:00:00Z` : s);
      if (edge === 'from') return new Date(ms).toISOString();
      // Exclusive upper bound: the next day, or the next millisecond.
      return new Date(ms + (DATE_ONLY.test(s) ? 86_400_000 : 1)).toISOString();
    });

const text = (name: string, max: number) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .min(1, `The ${name} field is required.`)
    .max(max, `The ${name} may not be longer than ${max} characters.`);

const optionalText = (name: string, max: number) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .max(max, `The ${name} may not be longer than ${max} characters.`)
    .nullable()
    .optional()
    .transform((v) => (v ? v : null));

const coordinate = (name: string, min: number, max: number) =>
  z
    .number({ error: `The ${name} must be a number.` })
    .min(min, `The ${name} must be between ${min} and ${max}.`)
    .max(max, `The ${name} must be between ${min} and ${max}.`);

const location = z.object(
  { lat: coordinate('location lat', -90, 90), lng: coordinate('location lng', -180, 180) },
  { error: 'The location must be an object with lat and lng.' },
);

const attachments = z
  .array(z.url({ error: 'Each attachment must be a file URL.' }), { error: 'The attachments must be an array of file URLs.' })
  .max(20, 'No more than 20 attachments at a time.')
  .optional()
  .transform((v) => v ?? []);

export const MAX_TEXT = 5000;

/** POST /api/tickets */
export const createTicketBody = z.object({
  customer_id: uuid('customer id'),
  type: oneOf('type', TICKET_TYPES),
  priority: oneOf('priority', TICKET_PRIORITIES),
  title: text('title', 200),
  description: text('description', MAX_TEXT),
  location,
  scheduled_at: timestamp('scheduled at').nullable().optional().transform((v) => v ?? null),
  attachments,
});

/** Fields PUT /api/tickets/:id does not change, and where to change them instead. */
const ELSEWHERE: Record<string, string> = {
  status: 'The status is changed with PUT /api/tickets/:id/status.',
  technician_id: 'The technician is changed with POST /api/tickets/:id/assign.',
  customer_id: 'The customer of a ticket cannot be changed.',
  ticket_number: 'The ticket number cannot be changed.',
  sla_deadline: 'The SLA deadline follows the priority.',
};

/** PUT /api/tickets/:id: any of title, description, priority, type, location, scheduled_at (null clears it). */
export const updateTicketBody = z
  .object({
    title: text('title', 200).optional(),
    description: text('description', MAX_TEXT).optional(),
    priority: oneOf('priority', TICKET_PRIORITIES).optional(),
    type: oneOf('type', TICKET_TYPES).optional(),
    location: location.optional(),
    scheduled_at: timestamp('scheduled at').nullable().optional(),
  })
  .superRefine((b, ctx) => {
    if (Object.values(b).every((v) => v === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['body'],
        message: 'Give at least one of title, description, priority, type, location, scheduled_at.',
      });
    }
  });

/** Fields of a ticket that change elsewhere, refused by name before the body is validated (422). */
export function refuseFieldsChangedElsewhere(body: unknown): void {
  if (body && typeof body === 'object') {
    const fields: Record<string, string[]> = {};
    for (const key of Object.keys(body)) if (ELSEWHERE[key]) fields[key] = [ELSEWHERE[key]];
    if (Object.keys(fields).length > 0) throw new ValidationError(fields);
  }
}

/** POST /api/tickets/:id/assign */
export const assignBody = z.object({
  technician_id: uuid('technician id'),
  scheduled_at: timestamp('scheduled at').nullable().optional().transform((v) => v ?? null),
  notes: optionalText('notes', MAX_TEXT),
});

/** PUT /api/tickets/:id/status */
export const statusBody = z.object({
  status: oneOf('status', TICKET_STATUSES),
  notes: optionalText('notes', MAX_TEXT),
  attachments,
  rating: z
    .number({ error: 'The rating must be a number.' })
    .int('The rating must be a whole number from 1 to 5.')
    .min(1, 'The rating must be a whole number from 1 to 5.')
    .max(5, 'The rating must be a whole number from 1 to 5.')
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});

/** POST /api/tickets/:id/comments */
export const commentBody = z.object({
  comment: text('comment', MAX_TEXT),
  attachments,
  /** Document 004: a staff-only note, never shown to the customer (not for customers to set). */
  is_internal: z.boolean({ error: 'is_internal must be true or false' }).optional().default(false),
});

/** `to` must be after `from` when both are given (422 on `to`). */
export function checkRange(q: { [k: string]: unknown }, from: string, to: string): void {
  const a = q[from];
  const b = q[to];
  if (typeof a === 'string' && typeof b === 'string' && a >= b) {
    throw new ValidationError({ [to]: [`The ${to.replace(/_/g, ' ')} must be after the ${from.replace(/_/g, ' ')}.`] });
  }
}

/** GET /api/tickets */
export const listQuery = pageQuery.extend({
  status: oneOf('status', TICKET_STATUSES).optional(),
  priority: oneOf('priority', TICKET_PRIORITIES).optional(),
  type: oneOf('type', TICKET_TYPES).optional(),
  technician_id: uuid('technician id').optional(),
  customer_id: uuid('customer id').optional(),
  created_from: dateBound('created from', 'from').optional(),
  created_to: dateBound('created to', 'to').optional(),
  scheduled_from: dateBound('scheduled from', 'from').optional(),
  scheduled_to: dateBound('scheduled to', 'to').optional(),
});


/** GET /api/customers/:id/tickets */
export const customerTicketsQuery = pageQuery.extend({ status: oneOf('status', TICKET_STATUSES).optional() });

/** GET /api/technicians/:id/tickets: date_from/date_to bound created_at. */
export const technicianTicketsQuery = pageQuery.extend({
  status: oneOf('status', TICKET_STATUSES).optional(),
  date_from: dateBound('date from', 'from').optional(),
  date_to: dateBound('date to', 'to').optional(),
});

