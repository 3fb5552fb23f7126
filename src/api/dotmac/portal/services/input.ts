import { z } from 'zod';
import { dateFilter, numericId } from '../../envelope';
import { USAGE_PERIODS } from './usage-report';

export const SERVICE_STATUSES = ['active', 'suspended', 'pending', 'terminated'] as const;
export const SERVICE_TYPES = ['internet', 'phone', 'tv', 'bundle'] as const;

export const servicesQuery = z.object({
  status: z.enum(SERVICE_STATUSES, { error: `The status must be one of ${SERVICE_STATUSES.join(', ')}.` }).optional(),
  type: z.enum(SERVICE_TYPES, { error: `The type must be one of ${SERVICE_TYPES.join(', ')}.` }).optional(),
});

export const serviceParams = z.object({ service_id: numericId.describe('The service instance id.') });

export const usageQuery = z
  .object({
    period: z.enum(USAGE_PERIODS, { error: `The period must be one of ${USAGE_PERIODS.join(', ')}.` }).default('daily'),
    start_date: dateFilter.optional(),
    end_date: dateFilter.optional(),
  })
  .refine((q) => !q.start_date || !q.end_date || q.start_date <= q.end_date, { path: ['end_date'], message: 'The end_date must not be before the start_date.' })
  .refine((q) => !q.start_date || !q.end_date || Date.parse(q.end_date) - Date.parse(q.start_date) <= 3 * 366 * 86_400_000, {
    path: ['end_date'],
    message: 'The range may span at most three years.',
  });
