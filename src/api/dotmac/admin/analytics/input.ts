import { z } from 'zod';
import { calendarDate } from '../../envelope';
import { GROUPINGS, REPORT_FILTERS, REPORT_TYPES } from './report';

/** GET /api/v1/analytics/reports/custom. */
export const customReportQuery = z
  .object({
    report_type: z.enum(REPORT_TYPES, { error: () => `must be one of: ${REPORT_TYPES.join(', ')}` }),
    date_from: calendarDate.optional(),
    date_to: calendarDate.optional(),
    group_by: z.enum(GROUPINGS, { error: () => `must be one of: ${GROUPINGS.join(', ')}` }).default('month'),
    filters: z
      .string()
      .max(2000)
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === '') return {} as Record<string, string>;
        try {
          const parsed: unknown = JSON.parse(v);
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          const out: Record<string, string> = {};
          for (const [k, value] of Object.entries(parsed)) {
            if (typeof value !== 'string' && typeof value !== 'number') throw new Error('values');
            out[k] = String(value);
          }
          return out;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object of filter names and values, e.g. {"customer_type":"business"}' });
          return z.NEVER;
        }
      }),
  })
  .superRefine((q, ctx) => {
    const allowed = REPORT_FILTERS[q.report_type];
    for (const k of Object.keys(q.filters)) {
      if (!allowed.includes(k)) ctx.addIssue({ code: 'custom', path: ['filters'], message: `A ${q.report_type} report filters by ${allowed.join(', ')} only.` });
    }
    if (q.date_from && q.date_to && q.date_from > q.date_to) ctx.addIssue({ code: 'custom', path: ['date_to'], message: 'must not be before date_from' });
  });
