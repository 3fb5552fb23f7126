import type { Success, SuccessHeader } from '../openapi/builder';
import { boolean, constant, integer, nullable, object, string } from '../openapi/schema';
import type { HeaderObject, SchemaObject } from '../openapi/types';
import { DOTMAC_ERROR_STYLE } from './errors';

/**
 * What every document 004 route declaration shares in the OpenAPI document: the error style
 * (`doc.errors: 'dotmac'`, declared once through `DOTMAC_COMPONENTS.errorStyles`), the envelope
 * written out in each success schema (`dotmacSuccess`), the pagination, and the rate-limit
 * headers on every answer.
 *
 *   doc: { ...dotmacDoc, tag: PORTAL_TAGS.billing, operationId: '...', summary: '...',
 *          success: [dotmacSuccess(200, 'The invoices.', object({...}), { paginated: true })],
 *          statuses: [404] }
 *
 * Every 004 route answers 429 (its limiter) besides what the builder adds: put it in
 * `statuses` (the `ALWAYS` list below does).
 */
export const dotmacDoc = { errors: 'dotmac' as const, envelope: 'none' as const, auth: true };

/** Statuses every 004 route answers: 429 (rate limit). */
export const ALWAYS = [429] as const;

export const PORTAL_TAGS = {
  auth: '004 · Portal authentication',
  account: '004 · Portal account',
  services: '004 · Portal services',
  billing: '004 · Portal billing',
  support: '004 · Portal support',
  usage: '004 · Service usage ingestion (admin)',
} as const;

export const PaginationSchema: SchemaObject = object(
  {
    total: integer(),
    limit: integer(),
    offset: integer(),
    has_more: boolean(),
    next_offset: nullable(integer()),
    prev_offset: nullable(integer()),
  },
  { description: "Document 004's pagination (limit/offset)." },
);

const rateLimitHeaders: Record<string, HeaderObject> = {
  'X-RateLimit-Limit': { $ref: '#/components/headers/RateLimitLimit' } as unknown as HeaderObject,
  'X-RateLimit-Remaining': { $ref: '#/components/headers/RateLimitRemaining' } as unknown as HeaderObject,
  'X-RateLimit-Reset': { $ref: '#/components/headers/RateLimitReset' } as unknown as HeaderObject,
};

/** `{ success: true, data, message, timestamp, request_id[, pagination] }` around `data`. */
export function dotmacEnvelope(data: SchemaObject | null, options: { paginated?: boolean } = {}): SchemaObject {
  return object(
    {
      success: constant(true),
      data: data ?? { type: 'null' },
      message: string(),
      timestamp: { type: 'string', format: 'date-time' },
      request_id: string(),
      ...(options.paginated ? { pagination: { $ref: '#/components/schemas/DotmacPagination' } } : {}),
    },
    { description: "Document 004's envelope." },
  );
}

/**
 * A success of a 004 route: the envelope around `data`, the rate-limit headers; `headers` the
 * builder's own (`['X-Event-Stream']` on a read of one aggregate).
 */
export function dotmacSuccess(
  status: 200 | 201,
  description: string,
  data: SchemaObject | null,
  options: { paginated?: boolean; headers?: readonly SuccessHeader[] } = {},
): Success {
  return { status, description, schema: dotmacEnvelope(data, options), ...(options.headers ? { headers: options.headers } : {}), extraHeaders: rateLimitHeaders };
}

/** A success that is not JSON (a PDF), with the rate-limit headers. */
export function dotmacFileSuccess(description: string, contentType: string, extraHeaders: Record<string, HeaderObject> = {}): Success {
  return {
    status: 200,
    description,
    otherContent: { [contentType]: { schema: { type: 'string', format: 'binary' } } },
    extraHeaders: { ...rateLimitHeaders, ...extraHeaders },
  };
}

/** Give these with every group of 004 route declarations (declareRoutes' third argument adds its own tags and schemas). */
export const DOTMAC_COMPONENTS = {
  schemas: { DotmacPagination: PaginationSchema },
  errorStyles: DOTMAC_ERROR_STYLE,
};

/** Money in the document's decimal form (59.99), from integer minor units. */
export const money = (description?: string): SchemaObject => ({ type: 'number', ...(description ? { description } : {}) });
