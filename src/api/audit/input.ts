import { z } from 'zod';
import { pageQuery } from '../technician-management/envelope';

/**
 * Request shapes of the audit API. A stream is named as the store has it (`ticket-<uuid>`,
 * `invoice-12`, `unique-email-<hash>`); a name that cannot be one is 404, like a stream that
 * does not exist.
 */

export const STREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;
/** Request and correlation ids as the request log accepts them (src/api/http/request-log.ts). */
export const LOOKUP_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const streamParams = z.object({
  stream: z.string().regex(STREAM_NAME).describe('A stream name as the store has it: `ticket-<uuid>`, `invoice-12`, `customer-<uuid>`, … (every aggregate read answers it in `X-Event-Stream`).'),
});

export const correlationParams = z.object({
  id: z.string().regex(LOOKUP_ID).describe('A request id (the `X-Request-Id` a client sent or was answered) or a correlation id.'),
});

export const customerParams = z.object({
  id: z.uuid().describe('The customer id (UUID, as document 000 answers it).'),
});

/** Pages of a stream or a correlation: document 000's page and limit, up to 500 events a page. */
export const eventPageQuery = pageQuery.extend({
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be at least 1').max(500, 'limit may not be greater than 500').default(100),
});

const revision = (name: string) =>
  z.coerce.number({ error: `The ${name} must be a non-negative integer.` }).int(`The ${name} must be a non-negative integer.`).min(0, `The ${name} must be a non-negative integer.`);

export const stateQuery = z
  .object({
    revision: revision('revision').optional(),
    at: z.iso.datetime({ offset: true, error: 'The at must be an ISO-8601 date-time (2026-01-15T08:00:00Z).' }).optional(),
  })
  .refine((q) => q.revision === undefined || q.at === undefined, { path: ['at'], message: 'Give either revision or at, not both.' });

export const diffQuery = z
  .object({ from: revision('from'), to: revision('to') })
  .refine((q) => q.to >= q.from, { path: ['to'], message: 'The to must be greater than or equal to from.' });

export const verifyBody = z.object({
  stream: z.string().regex(STREAM_NAME, 'The stream must be a stream name.').optional().describe('Verify only this stream; leave it out to verify the whole store.'),
});
