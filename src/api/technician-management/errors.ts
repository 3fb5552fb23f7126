import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../ports/logger';
import { documentErrorHandler, type Problem } from '../http/errors';

/**
 * Document 000's error format: `{ success: false, error: { code, message, details } }` with the
 * document's codes (VALIDATION_ERROR, RESOURCE_NOT_FOUND, INSUFFICIENT_PERMISSIONS,
 * DUPLICATE_ENTRY, TOKEN_EXPIRED, INVALID_CREDENTIALS, RATE_LIMIT_EXCEEDED, ...).
 * Validation details are `{ field: [messages] }`; an illegal ticket transition is 422 with
 * `details: { current, allowed }`.
 */
export function tmsErrorBody(p: Problem) {
  return {
    success: false as const,
    error: { code: p.code, message: p.fields ? 'Validation failed' : p.message, details: p.fields ?? p.details ?? {} },
  };
}

export const tmsErrorHandler = (logger: Logger): ErrorRequestHandler =>
  documentErrorHandler(logger, (p) => tmsErrorBody(p));
