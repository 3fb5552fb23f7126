import type { ErrorRequestHandler } from 'express';
import { CustodyRuleError, type CustodyRule } from '../../domain/device/errors';
import { DuplicateError } from '../../domain/shared/errors';
import type { Logger } from '../../ports/logger';
import { INTERNAL, problemFrom, type Problem } from '../http/errors';
import type { ErrorStyleDefinition } from '../openapi/components';
import { nullable, object, record, array, string } from '../openapi/schema';

/**
 * Document 003's error format, in one place: `{ message, errorCode }`, plus `errors` per field
 * for validation (422 ERR_VALIDATION_FAILED, Laravel's messages). The codes the document names
 * (ERR_RESOURCE_NOT_FOUND, ERR_VALIDATION_FAILED, ERR_DEVICE_ASSIGNED,
 * ERR_DEVICE_ALREADY_ASSIGNED, ERR_DEVICE_ALREADY_RETURNED) keep their statuses (404, 422, 400);
 * the others follow the same pattern (docs/api/003-inventory.md, "Errors").
 * A unique value taken (serial number, asset code, branch code, bribox id) is a validation error
 * on that field, as Laravel's `unique` rule answers.
 */
export interface InventoryAdminError {
  message: string;
  errorCode: string | null;
  errors?: Record<string, string[]>;
}

export const CUSTODY_CODES: Record<CustodyRule, string> = {
  device_assigned: 'ERR_DEVICE_ASSIGNED',
  device_already_assigned: 'ERR_DEVICE_ALREADY_ASSIGNED',
  already_returned: 'ERR_DEVICE_ALREADY_RETURNED',
  category_already_held: 'ERR_USER_ALREADY_HOLDS_CATEGORY',
  insufficient_stock: 'ERR_INSUFFICIENT_STOCK',
};

/** Reservation kinds → the request field they guard. */
const UNIQUE_FIELDS: Record<string, string> = {
  device_serial: 'serial_number',
  device_asset_code: 'asset_code',
  branch_code: 'branch_code',
  bribox_id: 'bribox_id',
};

const BY_STATUS: Record<number, { code: string; message: string }> = {
  400: { code: 'ERR_BAD_REQUEST', message: 'The request could not be read.' },
  401: { code: 'ERR_UNAUTHENTICATED', message: 'Unauthenticated.' },
  403: { code: 'ERR_FORBIDDEN', message: 'This action is unauthorized.' },
  404: { code: 'ERR_RESOURCE_NOT_FOUND', message: 'Resource not found.' },
  409: { code: 'ERR_CONFLICT', message: 'The resource was changed by another request; try again.' },
  412: { code: 'ERR_PRECONDITION_FAILED', message: 'The resource has changed since it was read.' },
  413: { code: 'ERR_PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
  422: { code: 'ERR_VALIDATION_FAILED', message: 'Invalid data provided.' },
  429: { code: 'ERR_TOO_MANY_REQUESTS', message: 'Too many requests.' },
  500: { code: 'ERR_SERVER_ERROR', message: 'Server error.' },
};

/** Status and body of document 003 for any failure. */
export function inventoryAdminError(err: unknown): { status: number; body: InventoryAdminError } | null {
  if (err instanceof CustodyRuleError) return { status: 400, body: { message: err.message, errorCode: CUSTODY_CODES[err.rule] } };
  if (err instanceof DuplicateError) {
    const field = UNIQUE_FIELDS[err.field] ?? err.field;
    return {
      status: 422,
      body: { message: BY_STATUS[422]!.message, errorCode: 'ERR_VALIDATION_FAILED', errors: { [field]: [`The ${field.replace(/_/g, ' ')} has already been taken.`] } },
    };
  }
  const problem = problemFrom(err);
  return problem ? { status: problem.status, body: bodyOf(problem) } : null;
}

export function bodyOf(p: Problem): InventoryAdminError {
  if (p.fields) return { message: BY_STATUS[422]!.message, errorCode: 'ERR_VALIDATION_FAILED', errors: p.fields };
  const known = BY_STATUS[p.status];
  if (p.code === 'INVALID_STATE_TRANSITION') return { message: p.message, errorCode: 'ERR_INVALID_STATE' };
  return { message: known?.message ?? p.message, errorCode: known?.code ?? `ERR_${p.code}` };
}

export function inventoryAdminErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let answer = inventoryAdminError(err);
    if (!answer) {
      logger.error(
        { reqId: req.ctx?.requestId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) },
        'unhandled error',
      );
      answer = { status: INTERNAL.status, body: { message: BY_STATUS[500]!.message, errorCode: BY_STATUS[500]!.code } };
    }
    if (answer.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(answer.status).json(answer.body);
  };
}

/** The 429 body (the rate limiter writes it). */
export const tooManyRequests = (): InventoryAdminError => ({ message: BY_STATUS[429]!.message, errorCode: BY_STATUS[429]!.code });

/** For the OpenAPI document: `doc.errors: 'inventoryAdmin'`. */
export const INVENTORY_ADMIN_ERROR_STYLE: Record<string, ErrorStyleDefinition> = {
  inventoryAdmin: {
    prefix: 'InventoryAdmin',
    schemaName: 'InventoryAdminError',
    schema: object(
      { message: string(), errorCode: nullable(string()), errors: record(array(string()), 'With ERR_VALIDATION_FAILED: messages per field.') },
      {
        optional: ['errors'],
        description:
          'Document 003 error: `{ message, errorCode }`; 422 adds `errors`. Codes: ERR_RESOURCE_NOT_FOUND, ERR_VALIDATION_FAILED, ERR_DEVICE_ASSIGNED, ERR_DEVICE_ALREADY_ASSIGNED, ERR_DEVICE_ALREADY_RETURNED, ERR_USER_ALREADY_HOLDS_CATEGORY, ERR_UNAUTHENTICATED, ERR_FORBIDDEN, ERR_TOO_MANY_REQUESTS, ERR_CONFLICT, ERR_BAD_REQUEST, ERR_SERVER_ERROR.',
      },
    ),
    example(status) {
      if (status === 422) return { message: 'Invalid data provided.', errorCode: 'ERR_VALIDATION_FAILED', errors: { serial_number: ['The serial number field is required.'] } };
      const known = BY_STATUS[status] ?? BY_STATUS[500]!;
      return { message: known.message, errorCode: known.code };
    },
  },
};
