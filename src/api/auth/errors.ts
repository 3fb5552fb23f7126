import type { Logger } from '../../ports/logger';
import { documentErrorHandler, type Problem } from '../http/errors';

/**
 * /api/auth/* is shared by documents 000 and 001, so its errors satisfy both at once:
 * 001 reads `message` (and `errors` per field), 000 reads `success:false` and `error.{code,message,details}`.
 */
export function sharedAuthErrorBody(p: Problem) {
  return {
    success: false as const,
    message: p.fields ? 'Validation failed' : p.message,
    ...(p.fields ? { errors: p.fields } : {}),
    error: { code: p.code, message: p.message, details: p.fields ?? p.details ?? {} },
  };
}

export const authErrorHandler = (logger: Logger) =>
  documentErrorHandler(logger, (p) => sharedAuthErrorBody(p));
