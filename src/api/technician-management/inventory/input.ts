import { z } from 'zod';
import { RETURN_CONDITIONS } from '../../../domain/device';
import { pageQuery, queryBoolean } from '../envelope';

/** Request shapes of document 000's inventory (snake_case). */

const text = (name: string, max: number) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .min(1, `The ${name} field is required.`)
    .max(max, `The ${name} may not be greater than ${max} characters.`);

const count = (name: string, min = 0) =>
  z
    .number({ error: `The ${name} must be a number.` })
    .int(`The ${name} must be a whole number.`)
    .min(min, `The ${name} must be at least ${min}.`)
    .max(1_000_000_000, `The ${name} may not be greater than 1000000000.`);

/** A price in the configured currency, at most two decimals; kept as integer hundredths. */
const price = z
  .number({ error: 'The unit price must be a number.' })
  .min(0, 'The unit price must be at least 0.')
  .max(1e13, 'The unit price is too large.')
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'The unit price may have at most two decimals.')
  .transform((v) => Math.round(v * 100));

const uuid = (name: string) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `The ${name} must be a valid UUID.`)
    .transform((s) => s.toLowerCase());

const optionalText = (name: string, max: number) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .max(max, `The ${name} may not be greater than ${max} characters.`)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

export const createItemBody = z.object({
  name: text('name', 200),
  category: text('category', 100),
  sku: text('sku', 64),
  description: optionalText('description', 2000),
  unit_price: price,
  stock_quantity: count('stock quantity'),
  min_stock_level: count('min stock level'),
});

export const updateItemBody = z.object({
  name: text('name', 200).optional(),
  category: text('category', 100).optional(),
  sku: text('sku', 64).optional(),
  description: optionalText('description', 2000),
  unit_price: price.optional(),
  /** A counted quantity: recorded as an adjustment (with adjustment_reason). */
  stock_quantity: count('stock quantity').optional(),
  min_stock_level: count('min stock level').optional(),
  adjustment_reason: optionalText('adjustment reason', 500),
});

export const MOVEMENTS = ['received', 'adjusted', 'written_off'] as const;
export const movementBody = z.object({
  type: z.enum(MOVEMENTS, { error: `The selected type is invalid (one of: ${MOVEMENTS.join(', ')}).` }),
  quantity: z.number({ error: 'The quantity must be a number.' }).int('The quantity must be a whole number.'),
  reason: text('reason', 500),
});

export const listItemsQuery = pageQuery.extend({
  category: text('category', 100).optional(),
  search: z.string({ error: 'The search must be a string.' }).trim().max(100, 'The search may not be greater than 100 characters.').optional(),
  low_stock: queryBoolean.optional(),
});

export const ASSIGNMENT_STATUSES = ['assigned', 'returned'] as const;
export const listAssignmentsQuery = pageQuery.extend({
  technician_id: uuid('technician id').optional(),
  ticket_id: uuid('ticket id').optional(),
  status: z.enum(ASSIGNMENT_STATUSES, { error: 'The selected status is invalid (one of: assigned, returned).' }).optional(),
  serial_number: text('serial number', 50).optional(),
});

export const createAssignmentBody = z.object({
  item_id: uuid('item id'),
  technician_id: uuid('technician id'),
  ticket_id: uuid('ticket id'),
  quantity: count('quantity', 1),
  serial_numbers: z.array(text('serial number', 50), { error: 'The serial numbers must be a list of strings.' }).max(1000).optional(),
  notes: optionalText('notes', 500),
});

export const returnBody = z.object({
  quantity_returned: count('quantity returned'),
  condition: z.enum(RETURN_CONDITIONS, { error: 'The selected condition is invalid (one of: good, damaged, lost).' }).default('good'),
  notes: optionalText('notes', 500),
});

export const uuidParams = z.object({
  id: z
    .guid()
    .transform((id) => id.toLowerCase())
    .describe('The id (UUID; anything else is 404).'),
});
