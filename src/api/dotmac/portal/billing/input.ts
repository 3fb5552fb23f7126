import { z } from 'zod';
import { dateFilter, numericId, pageQuery } from '../../envelope';

export const PORTAL_INVOICE_STATUSES = ['pending', 'paid', 'overdue', 'cancelled', 'refunded'] as const;

export const invoicesQuery = pageQuery
  .extend({
    status: z.enum(PORTAL_INVOICE_STATUSES, { error: `The status must be one of ${PORTAL_INVOICE_STATUSES.join(', ')}.` }).optional(),
    start_date: dateFilter.optional(),
    end_date: dateFilter.optional(),
  })
  .refine((q) => !q.start_date || !q.end_date || q.start_date <= q.end_date, { path: ['end_date'], message: 'The end_date must not be before the start_date.' });

export const invoiceParams = z.object({ invoice_id: numericId.describe('The invoice id.') });

export const paymentsQuery = pageQuery;

export const paymentBody = z.object({
  invoice_id: z.union([z.string().regex(/^[1-9]\d{0,14}$/), z.number().int().positive()], { error: 'The invoice_id must be an invoice id.' }).transform((v) => Number(v)),
  amount: z.number({ error: 'The amount field is required.' }).positive('The amount must be above 0.'),
  payment_method_id: z
    .string({ error: 'The payment_method_id field is required.' })
    .trim()
    .regex(/^[A-Za-z0-9_-]{3,128}$/, 'The payment_method_id must be a payment method token of the gateway (pm_…).'),
  save_payment_method: z.boolean({ error: 'The save_payment_method must be true or false.' }).optional().default(false),
});
