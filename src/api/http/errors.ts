import type { ErrorRequestHandler, Request } from 'express';
import {
  DomainError,
  DuplicateError,
  IllegalStateError,
  UnauthenticatedError,
  ValidationError,
  type FieldErrors,
} from '../../domain/shared/errors';
import type { Logger } from '../../ports/logger';

/**
 * Every failure becomes a Problem (status, code, message, field errors, details); each API
 * document then writes the Problem in its own error format (src/api/<document>/errors.ts).
 * Domain failures map by kind; anything unexpected is a 500 whose body never carries the
 * internal message or stack (those go to the log with the request id).
 */
export interface Problem {
  status: number;
  code: string;
  message: string;
  fields?: FieldErrors;
  details?: Record<string, unknown>;
  /** The domain error behind the problem, when there is one. */
  cause?: DomainError;
}

export type ProblemOverrides = Partial<Record<DomainError['kind'], { status?: number; code?: string }>>;

const DEFAULTS: Record<DomainError['kind'], { status: number; code: string }> = {
  validation: { status: 422, code: 'VALIDATION_ERROR' },
  not_found: { status: 404, code: 'RESOURCE_NOT_FOUND' },
  illegal_state: { status: 422, code: 'INVALID_STATE_TRANSITION' },
  duplicate: { status: 409, code: 'DUPLICATE_ENTRY' },
  forbidden: { status: 403, code: 'INSUFFICIENT_PERMISSIONS' },
  unauthenticated: { status: 401, code: 'UNAUTHORIZED' },
  invalid_credentials: { status: 401, code: 'INVALID_CREDENTIALS' },
  conflict: { status: 409, code: 'CONFLICT' },
  precondition_failed: { status: 412, code: 'PRECONDITION_FAILED' },
};

export function problemFrom(err: unknown, overrides: ProblemOverrides = {}): Problem | null {
  if (err instanceof DomainError) {
    const mapped = { ...DEFAULTS[err.kind], ...overrides[err.kind] };
    const problem: Problem = { status: mapped.status, code: mapped.code, message: err.message, cause: err };
    if (err instanceof ValidationError) problem.fields = err.fields;
    if (err instanceof UnauthenticatedError && err.reason === 'expired') problem.code = 'TOKEN_EXPIRED';
    if (err instanceof IllegalStateError) problem.details = { current: err.current, allowed: err.allowed };
    if (err instanceof DuplicateError) problem.details = { field: err.field };
    return problem;
  }
  const http = err as { type?: string; status?: number; expose?: boolean };
  // Express's router decodes every path parameter with decodeURIComponent when it matches a
  // route and passes the URIError on (status 400): /api/customers/%ED%A0%80. Recognised here,
  // once, so every document's error handler answers it in its own format, routers to come included.
  if (err instanceof URIError && http.status === 400) {
    return { status: 400, code: 'BAD_REQUEST', message: 'The request path is not valid percent-encoding' };
  }
  if (http && http.type === 'multipart.malformed') {
    // uploads.ts: no boundary, a malformed part, a body cut off before its closing boundary.
    return { status: 400, code: 'BAD_REQUEST', message: 'The request body is not a complete multipart/form-data body' };
  }
  if (http && http.type === 'entity.parse.failed') {
    return { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON' };
  }
  if (http && http.type === 'entity.too.large') {
    return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' };
  }
  if (http && http.expose && typeof http.status === 'number' && http.status >= 400 && http.status < 500) {
    return { status: http.status, code: 'BAD_REQUEST', message: 'The request could not be read' };
  }
  return null;
}

export const INTERNAL: Problem = { status: 500, code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' };

/** The error handler for one API document: map to a Problem, log the unexpected, write the document's format. */
export function documentErrorHandler(
  logger: Logger,
  format: (problem: Problem, req: Request) => unknown,
  overrides: ProblemOverrides = {},
): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let problem = problemFrom(err, overrides);
    if (!problem) {
      logger.error(
        { reqId: req.ctx?.requestId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) },
        'unhandled error',
      );
      problem = INTERNAL;
    }
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(problem.status).json(format(problem, req));
  };
}
