import { z } from 'zod';
import { DOTMAC_TICKET_PRIORITIES, DOTMAC_TICKET_STATUSES, TICKET_CATEGORIES } from '../../../../domain/ticket/dotmac-vocabulary';
import { uuidPathParam } from '../../../http/conditional';
import { calendarDate, numericId, pageQuery, queryBoolean } from '../../envelope';

const enumOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: () => `must be one of: ${values.join(', ')}` });

/** A date-time, or a date meaning its whole day (UTC): `end` takes the day's last millisecond. */
const boundary = (end: boolean) =>
  z.union([calendarDate, z.iso.datetime({ offset: true })], { error: 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time' }).transform((v) => (v.length === 10 ? `${v}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : new Date(v).toISOString()));

/** GET /api/v1/support/tickets. */
export const ticketsQuery = pageQuery.extend({
  status: enumOf(DOTMAC_TICKET_STATUSES).optional(),
  priority: enumOf(DOTMAC_TICKET_PRIORITIES).optional(),
  category: enumOf(TICKET_CATEGORIES).optional(),
  assigned_to: z.uuid({ error: 'must be a user id' }).optional(),
  created_from: boundary(false).optional(),
  created_to: boundary(true).optional(),
  sla_breach: queryBoolean.optional(),
});

/** POST /api/v1/support/tickets. */
export const createTicketBody = z.object({
  customer_id: z.uuid({ error: 'The customer_id must be a customer id.' }),
  subject: z.string({ error: 'The subject is required.' }).trim().min(1, 'The subject is required.').max(200),
  description: z.string({ error: 'The description is required.' }).trim().min(1, 'The description is required.').max(10_000),
  category: enumOf(TICKET_CATEGORIES).default('general'),
  priority: enumOf(DOTMAC_TICKET_PRIORITIES).default('medium'),
  service_id: numericId.optional(),
});

export const ticketParams = z.object({ ticket_id: uuidPathParam() });

/** PUT /api/v1/support/tickets/{id}/assign. */
export const assignBody = z.object({
  assigned_to: z.uuid({ error: 'The assigned_to must be a user id.' }),
  priority: enumOf(DOTMAC_TICKET_PRIORITIES).optional(),
  sla_hours: z.number({ error: 'The SLA hours must be a number.' }).positive('The SLA hours must be above 0.').max(24 * 365, 'The SLA hours may be at most a year.').optional(),
  notes: z.string().trim().max(2000).nullable().optional(),
});

/** POST /api/v1/support/tickets/{id}/close. */
export const closeBody = z.object({
  resolution: z.string({ error: 'The resolution is required.' }).trim().min(1, 'The resolution is required.').max(5000),
  resolution_category: z.string().trim().regex(/^[a-z0-9_]{1,50}$/, 'The resolution category must be a lower-case word (hardware_replacement, configuration, ...).').optional(),
  customer_satisfaction: z.number().int('The customer satisfaction must be a whole number from 1 to 5.').min(1, 'The customer satisfaction must be a whole number from 1 to 5.').max(5, 'The customer satisfaction must be a whole number from 1 to 5.').nullable().optional(),
  follow_up_required: z.boolean().default(false),
});

/** GET /api/v1/support/knowledge-base. */
export const articlesQuery = pageQuery.extend({
  status: enumOf(['draft', 'published'] as const).optional(),
  category: z.string().trim().max(50).optional(),
  tag: z.string().trim().max(40).optional(),
  search: z.string().trim().max(100).optional(),
});

const articleFields = {
  title: z.string({ error: 'The title is required.' }).trim().min(1, 'The title is required.').max(200),
  content: z.string({ error: 'The content is required.' }).min(1, 'The content is required.').max(100_000),
  category: z.string({ error: 'The category is required.' }).trim().min(1, 'The category is required.').max(50),
  tags: z.array(z.string().trim().min(1).max(40)).max(20, 'At most 20 tags.'),
};

export const createArticleBody = z.object({ ...articleFields, tags: articleFields.tags.default([]), published: z.boolean().default(false) });
export const updateArticleBody = z
  .object({ title: articleFields.title.optional(), content: articleFields.content.optional(), category: articleFields.category.optional(), tags: articleFields.tags.optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Give at least one of title, content, category, tags.', path: ['body'] });
export const articleParams = z.object({ article_id: uuidPathParam() });
