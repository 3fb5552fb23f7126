import type { ErrorRequestHandler, Request, Response } from 'express';
import { AccountLockedError, TwoFactorRequiredError } from '../../domain/portal-account/errors';
import { PaymentDeclinedError } from '../../domain/portal-payment/errors';
import { UnauthenticatedError } from '../../domain/shared/errors';
import { PaymentGatewayError } from '../../ports/payment-gateway';
import type { Logger } from '../../ports/logger';
import { INTERNAL, problemFrom, type Problem } from '../http/errors';
import type { RateLimitRefusal } from '../http/rate-limit';
import type { ErrorStyleDefinition } from '../openapi/components';
import { constant, object, string } from '../openapi/schema';
import { answerMeta, isoSeconds, type EnvelopeDeps } from './envelope';

/**
 * Document 004's error format, in ONE place for the portal and the admin modules:
 *
 *   { success: false, error: { code, message, details }, timestamp, request_id }
 *
 * Typed domain errors map to the document's codes ("Error Codes"):
 *
 * | domain error                         | status | code                       |
 * | ------------------------------------ | ------ | -------------------------- |
 * | ValidationError (zod input too)      | 422    | VALIDATION_ERROR           |
 * | UnauthenticatedError                 | 401    | AUTHENTICATION_REQUIRED    |
 * | ForbiddenError                       | 403    | ACCESS_DENIED              |
 * | NotFoundError (and another's id)     | 404    | RESOURCE_NOT_FOUND         |
 * | DuplicateError                       | 409    | DUPLICATE_RESOURCE         |
 * | IllegalStateError                    | 409    | INVALID_STATE_TRANSITION   |
 * | ConflictError                        | 409    | CONFLICT                   |
 * | PreconditionFailedError              | 412    | PRECONDITION_FAILED        |
 * | InvalidCredentialsError (portal login)| 400   | INVALID_CREDENTIALS        |
 * | AccountLockedError                   | 423    | ACCOUNT_LOCKED             |
 * | TwoFactorRequiredError               | 428    | TWO_FACTOR_REQUIRED        |
 * | PaymentDeclinedError                 | 422    | PAYMENT_FAILED             |
 * | PaymentGatewayError (unreachable)    | 502    | SERVICE_UNAVAILABLE        |
 * | rate limit (src/api/dotmac/rate-limit.ts) | 429 | RATE_LIMIT_EXCEEDED      |
 * | anything unexpected                  | 500    | INTERNAL_ERROR (no internal message) |
 *
 * Validation details follow the document's example, `{ field, issue }` of the first problem,
 * plus `fields: { field: [messages] }` with every message per field. The value given
 * (`provided`) is left out: it may be a password.
 */

export interface DotmacErrorBody {
  success: false;
  error: { code: string; message: string; details: Record<string, unknown> };
  timestamp: string;
  request_id: string;
}

const CODES: Record<string, string> = {
  UNAUTHORIZED: 'AUTHENTICATION_REQUIRED',
  TOKEN_EXPIRED: 'AUTHENTICATION_REQUIRED',
  INSUFFICIENT_PERMISSIONS: 'ACCESS_DENIED',
  DUPLICATE_ENTRY: 'DUPLICATE_RESOURCE',
};

const MESSAGES: Record<string, string> = {
  VALIDATION_ERROR: 'Invalid input data',
  AUTHENTICATION_REQUIRED: 'Valid authentication required',
  ACCESS_DENIED: 'Insufficient permissions',
  RESOURCE_NOT_FOUND: 'Requested resource not found',
  DUPLICATE_RESOURCE: 'Resource already exists',
  INVALID_CREDENTIALS: 'Invalid credentials',
};

/** Status and code (before CODES) of a Problem, where 004 answers otherwise than the defaults. */
const OVERRIDES = {
  illegal_state: { status: 409 },
  invalid_credentials: { status: 400 },
} as const;

function detailsOf(p: Problem): Record<string, unknown> {
  if (p.fields) {
    const [first] = Object.entries(p.fields);
    return first ? { field: first[0], issue: first[1][0] ?? 'is invalid', fields: p.fields } : { fields: p.fields };
  }
  if (p.cause instanceof UnauthenticatedError) return { reason: p.cause.reason };
  return p.details ?? {};
}

/** The status and error of any failure in document 004's terms, or null when it is unexpected. */
export function dotmacProblem(err: unknown): { status: number; code: string; message: string; details: Record<string, unknown> } | null {
  if (err instanceof AccountLockedError) {
    return { status: 423, code: 'ACCOUNT_LOCKED', message: 'Portal account is locked', details: { locked_until: isoSeconds(err.lockedUntil) } };
  }
  if (err instanceof TwoFactorRequiredError) {
    return {
      status: 428,
      code: 'TWO_FACTOR_REQUIRED',
      message: 'Two-factor authentication required',
      details: { require_two_factor: true, two_factor_methods: [...err.methods] },
    };
  }
  if (err instanceof PaymentDeclinedError) return { status: 422, code: 'PAYMENT_FAILED', message: 'Payment processing failed', details: { reason: err.reason } };
  if (err instanceof PaymentGatewayError) {
    return { status: 502, code: 'SERVICE_UNAVAILABLE', message: 'External service unavailable', details: { reason: err.reason } };
  }
  const p = problemFrom(err, OVERRIDES);
  if (!p) return null;
  if (err instanceof Error && err.name === 'PasswordChangeRequiredError') {
    return { status: 403, code: 'ACCESS_DENIED', message: p.message, details: { require_password_change: true } };
  }
  const code = CODES[p.code] ?? p.code;
  const message = p.fields ? MESSAGES.VALIDATION_ERROR! : p.code === 'INVALID_CREDENTIALS' ? MESSAGES.INVALID_CREDENTIALS! : p.status === 401 ? MESSAGES[code]! : p.message;
  return { status: p.status, code, message, details: detailsOf(p) };
}

export function dotmacErrorBody(deps: EnvelopeDeps, req: Request, e: { code: string; message: string; details: Record<string, unknown> }): DotmacErrorBody {
  return { success: false, error: { code: e.code, message: e.message, details: e.details }, ...answerMeta(deps, req) };
}

/** Writes a failure in 004's format (also for handlers that answer an error themselves). */
export function sendDotmacError(deps: EnvelopeDeps, req: Request, res: Response, status: number, e: { code: string; message: string; details?: Record<string, unknown> }): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(status).json(dotmacErrorBody(deps, req, { details: {}, ...e }));
}

/** THE error handler of document 004: put it last on every 004 router (portal and admin). */
export function dotmacErrorHandler(deps: EnvelopeDeps & { logger: Logger }): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let problem = dotmacProblem(err);
    if (!problem) {
      deps.logger.error(
        { reqId: req.ctx?.requestId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) },
        'unhandled error',
      );
      problem = { status: INTERNAL.status, code: INTERNAL.code, message: INTERNAL.message, details: {} };
    }
    sendDotmacError(deps, req, res, problem.status, problem);
  };
}

/** The 404 of an unknown path under a 004 prefix. */
export function dotmacNotFound(deps: EnvelopeDeps) {
  return (req: Request, res: Response): void =>
    sendDotmacError(deps, req, res, 404, { code: 'RESOURCE_NOT_FOUND', message: `No route for ${req.method} ${req.baseUrl}${req.path}` });
}

/** The 429 of document 004 ("Rate Limit Exceeded Response"); status and headers are already set. */
export function rateLimitRefusal(deps: EnvelopeDeps, req: Request, res: Response, r: RateLimitRefusal): void {
  res.json(
    dotmacErrorBody(deps, req, {
      code: 'RATE_LIMIT_EXCEEDED',
      message: 'Rate limit exceeded. Try again later.',
      details: { limit: r.limit, reset_time: isoSeconds(r.resetAt), retry_after: r.retryAfterSeconds },
    }),
  );
}

const EXAMPLES: Record<number, { code: string; message: string; details?: Record<string, unknown> }> = {
  400: { code: 'INVALID_CREDENTIALS', message: 'Invalid credentials' },
  401: { code: 'AUTHENTICATION_REQUIRED', message: 'Valid authentication required', details: { reason: 'invalid' } },
  403: { code: 'ACCESS_DENIED', message: 'Insufficient permissions' },
  404: { code: 'RESOURCE_NOT_FOUND', message: 'Requested resource not found' },
  409: { code: 'DUPLICATE_RESOURCE', message: 'Resource already exists', details: { field: 'email' } },
  422: { code: 'VALIDATION_ERROR', message: 'Invalid input data', details: { field: 'email', issue: 'Invalid email format', fields: { email: ['Invalid email format'] } } },
  423: { code: 'ACCOUNT_LOCKED', message: 'Portal account is locked', details: { locked_until: '2024-01-15T11:00:00Z' } },
  428: { code: 'TWO_FACTOR_REQUIRED', message: 'Two-factor authentication required', details: { require_two_factor: true, two_factor_methods: ['totp'] } },
  429: { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded. Try again later.', details: { limit: 100, reset_time: '2024-01-15T10:31:00Z', retry_after: 42 } },
  502: { code: 'SERVICE_UNAVAILABLE', message: 'External service unavailable', details: { reason: 'gateway unreachable' } },
};

/** For OpenAPI: document 004's error format, named `dotmac` in each route's `doc.errors`. */
export const DOTMAC_ERROR_STYLE: Record<string, ErrorStyleDefinition> = {
  dotmac: {
    prefix: 'Dotmac',
    schemaName: 'DotmacError',
    schema: object(
      {
        success: constant(false),
        error: object({
          code: {
            type: 'string',
            examples: [
              'VALIDATION_ERROR',
              'AUTHENTICATION_REQUIRED',
              'ACCESS_DENIED',
              'RESOURCE_NOT_FOUND',
              'DUPLICATE_RESOURCE',
              'RATE_LIMIT_EXCEEDED',
              'PORTAL_ID_NOT_FOUND',
              'ACCOUNT_LOCKED',
              'PAYMENT_FAILED',
              'SERVICE_UNAVAILABLE',
              'INVALID_CREDENTIALS',
              'TWO_FACTOR_REQUIRED',
              'INVALID_STATE_TRANSITION',
              'CONFLICT',
              'PRECONDITION_FAILED',
              'BAD_REQUEST',
              'PAYLOAD_TOO_LARGE',
              'INTERNAL_ERROR',
            ],
          },
          message: string(),
          details: {
            type: 'object',
            description:
              'VALIDATION_ERROR: `{ field, issue, fields: { field: [messages] } }`; RATE_LIMIT_EXCEEDED: `{ limit, reset_time, retry_after }`; ACCOUNT_LOCKED: `{ locked_until }`; TWO_FACTOR_REQUIRED: `{ require_two_factor, two_factor_methods }`; PAYMENT_FAILED and SERVICE_UNAVAILABLE: `{ reason }`; DUPLICATE_RESOURCE: `{ field }`; INVALID_STATE_TRANSITION: `{ current, allowed }`; else `{}`.',
          },
        }),
        timestamp: { type: 'string', format: 'date-time' },
        request_id: string('The request id (also the X-Request-Id header).'),
      },
      { description: "Document 004's error format (DotMac): `{ success: false, error: { code, message, details }, timestamp, request_id }`." },
    ),
    example(status, text) {
      const e = EXAMPLES[status] ?? { code: text.code, message: text.message };
      return { success: false, error: { code: e.code, message: e.message, details: e.details ?? {} }, timestamp: '2024-01-15T10:30:00Z', request_id: '0b7c7a8e-3c2d-4d7e-9a55-2f3b1c4d5e6f' };
    },
  },
};
