import { z } from 'zod';
import { calendarDate, dateFilter, numericId, pageQuery } from '../../envelope';
import { INVOICE_STATUSES_004 } from '../../vocabulary';

const amount = (field: string) => z.coerce.number({ error: `${field} must be a number` }).min(0, `${field} must be 0 or more`).max(1e13, `${field} is too large`);

/** GET /api/v1/billing/invoices. */
export const invoicesQuery = pageQuery.extend({
  customer_id: z.uuid({ error: 'must be a customer id' }).optional(),
  status: z.enum(INVOICE_STATUSES_004, { error: () => `must be one of: ${INVOICE_STATUSES_004.join(', ')}` }).optional(),
  date_from: dateFilter.optional(),
  date_to: dateFilter.optional(),
  amount_min: amount('amount_min').optional(),
  amount_max: amount('amount_max').optional(),
});

/** A line of POST /api/v1/billing/invoices: money in the billing currency's major unit, the tax rate a fraction (0.08). */
const lineItem = z.object({
  service_id: numericId.optional().describe('A service instance (its id, "5") of the customer that the line bills.'),
  description: z.string({ error: 'The description is required.' }).trim().min(1, 'The description is required.').max(500),
  service_period: z.string().trim().max(100).optional().describe('E.g. "2024-01-01 to 2024-01-31".'),
  quantity: z.number({ error: 'The quantity must be a whole number, 1 or more.' }).int('The quantity must be a whole number, 1 or more.').min(1, 'The quantity must be a whole number, 1 or more.').max(1_000_000),
  unit_price: z.number({ error: 'The unit price must be a number.' }).min(0, 'The unit price must be 0 or more.').max(1e13, 'The unit price is too large.'),
  tax_rate: z
    .number({ error: 'The tax rate must be a number between 0 and 1.' })
    .min(0, 'The tax rate must be between 0 and 1.')
    .max(1, 'The tax rate must be between 0 and 1.')
    .refine((r) => Math.abs(r * 1e6 - Math.round(r * 1e6)) < 1e-6, 'The tax rate may have at most 6 decimals.')
    .optional(),
});

export const createInvoiceBody = z.object({
  customer_id: z.uuid({ error: 'The customer_id must be a customer id.' }),
  due_date: calendarDate,
  line_items: z.array(lineItem, { error: 'The line_items must be a list.' }).min(1, 'An invoice needs at least one line item.').max(200),
  notes: z.string().trim().max(2000).nullable().optional(),
});

export const invoiceParams = z.object({ invoice_id: numericId });
export const paymentParams = z.object({ payment_id: numericId });

export const sendInvoiceBody = z.object({
  email: z.email({ error: 'Invalid email format' }).max(254).optional().describe("Default: the customer's email."),
  message: z.string().trim().max(2000).optional(),
});

export const voidInvoiceBody = z.object({ reason: z.string().trim().max(500).optional() });

export const PAYMENT_STATUSES = ['completed', 'partially_refunded', 'refunded', 'unapplied'] as const;

/** GET /api/v1/billing/payments. */
export const paymentsQuery = pageQuery.extend({
  customer_id: z.uuid({ error: 'must be a customer id' }).optional(),
  invoice_id: numericId.optional(),
  status: z.enum(PAYMENT_STATUSES, { error: () => `must be one of: ${PAYMENT_STATUSES.join(', ')}` }).optional(),
});

export const REFUND_METHODS = ['original_payment_method', 'bank_transfer', 'cash', 'account_credit'] as const;

export const refundBody = z.object({
  amount: z.number({ error: 'The amount must be a number.' }).positive('The amount must be above 0.').max(1e13),
  reason: z.string().trim().max(500).optional(),
  refund_method: z.enum(REFUND_METHODS, { error: () => `The refund method must be one of: ${REFUND_METHODS.join(', ')}.` }).default('original_payment_method'),
});
