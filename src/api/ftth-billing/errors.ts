import type { ErrorRequestHandler } from 'express';
import { InactiveAccountError } from '../../commands/auth';
import type { Logger } from '../../ports/logger';
import { documentErrorHandler, type Problem } from '../http/errors';
import type { ErrorStyleDefinition } from '../openapi/components';
import { array, constant, integer, object, string } from '../openapi/schema';

/**
 * Document 002's error format: `{ detail, status: "error", error_code }`; a validation failure
 * is 422 with `detail: { message, errors: [{ field, message }] }` (every field message, in the
 * document's field names); a rate limit is 429 `{ detail: "Rate limit exceeded", retry_after }`
 * with Retry-After. The error codes are the shared ones, renamed where 002 has its own words.
 */
const CODES: Record<string, string> = {
  RESOURCE_NOT_FOUND: 'NOT_FOUND',
  INSUFFICIENT_PERMISSIONS: 'FORBIDDEN',
};

/** Canonical field names in duplicates → document 002's. */
const FIELDS: Record<string, string> = { nationalId: 'no_ktp', email: 'email' };

const DETAILS: Record<string, string> = {
  INVALID_CREDENTIALS: 'Email atau password salah',
  INTERNAL_ERROR: 'Internal server error',
};

export function billingErrorBody(p: Problem) {
  if (p.fields) {
    const errors = Object.entries(p.fields).flatMap(([field, messages]) => messages.map((message) => ({ field, message })));
    return { detail: { message: 'Validation failed', errors }, status: 'error' as const, error_code: 'VALIDATION_ERROR' };
  }
  let detail = DETAILS[p.code] ?? p.message;
  if (p.code === 'DUPLICATE_ENTRY' && typeof p.details?.field === 'string') detail = `${FIELDS[p.details.field] ?? p.details.field} is already registered`;
  return { detail, status: 'error' as const, error_code: CODES[p.code] ?? p.code };
}

export function billingErrorHandler(logger: Logger): ErrorRequestHandler {
  const handler = documentErrorHandler(logger, (p) => billingErrorBody(p));
  return (err, req, res, next) => {
    if (err instanceof InactiveAccountError && !res.headersSent) {
      res.status(403).json({ detail: 'User tidak aktif', status: 'error', error_code: 'USER_INACTIVE' });
      return;
    }
    handler(err, req, res, next);
  };
}

/** The rate-limit answer of document 002. */
export const rateLimitBody = (retryAfter: number) => ({ detail: 'Rate limit exceeded', status: 'error' as const, error_code: 'RATE_LIMIT_EXCEEDED', retry_after: retryAfter });

/** For OpenAPI: the error format declared with 002's routes (`doc.errors: 'billing'`). */
export const BILLING_ERROR_STYLE: ErrorStyleDefinition = {
  prefix: 'Billing',
  schemaName: 'BillingError',
  schema: {
    type: 'object',
    description: "Document 002's error format. `detail` is a text, or for VALIDATION_ERROR `{ message, errors: [{ field, message }] }`; 429 adds `retry_after` (seconds).",
    properties: {
      detail: {
        anyOf: [string(), object({ message: string(), errors: array(object({ field: string(), message: string() })) })],
      },
      status: constant('error'),
      error_code: { type: 'string', examples: ['VALIDATION_ERROR', 'NOT_FOUND', 'UNAUTHORIZED', 'FORBIDDEN', 'USER_INACTIVE', 'DUPLICATE_ENTRY', 'INVALID_STATE_TRANSITION', 'RATE_LIMIT_EXCEEDED'] },
      retry_after: integer('With RATE_LIMIT_EXCEEDED: seconds to wait.'),
    },
    required: ['detail', 'status', 'error_code'],
  },
  example(status, text) {
    if (status === 422) return { detail: { message: 'Validation failed', errors: [{ field: 'email', message: 'Email format is invalid' }] }, status: 'error', error_code: 'VALIDATION_ERROR' };
    if (status === 429) return rateLimitBody(60);
    return { detail: text.message, status: 'error', error_code: CODES[text.code] ?? text.code };
  },
};
