import type { Logger } from '../../ports/logger';
import { documentErrorHandler, type Problem } from '../http/errors';

/**
 * Document 001's error format: `{ message }`, plus `errors: { field: [messages] }` for
 * validation (422). Statuses follow the document: 401, 404, 422; illegal workflow steps are
 * 422 with the allowed actions named; stale If-Match is 412; a lost write race is 409.
 */

export function serviceRequestErrorBody(p: Problem) {
  if (p.fields) return { message: 'Validation failed', errors: p.fields };
  const body: Record<string, unknown> = { message: p.status === 401 ? 'Unauthenticated.' : p.message };
  if (p.code === 'INVALID_STATE_TRANSITION') {
    body.errors = { status: [p.message] };
    body.current_status = p.details?.current;
    body.allowed_actions = p.details?.allowed;
  }
  return body;
}

export const serviceRequestErrorHandler = (logger: Logger) =>
  documentErrorHandler(logger, (p) => serviceRequestErrorBody(p), {
    not_found: { status: 404 },
    duplicate: { status: 422 },
  });
