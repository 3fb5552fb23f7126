import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../../ports/logger';
import { documentErrorHandler, type Problem, type ProblemOverrides } from '../../http/errors';
import type { ErrorStyleDefinition } from '../../openapi/components';
import { array, constant, object, string } from '../../openapi/schema';

/**
 * Document 002's error format, for the Mikrotik area: `{ detail, status: "error", error_code }`,
 * and for validation (422) `{ detail: { message, errors: [{ field, message }] } }`, one entry
 * per message. A router that fails during a sync is 502 MIKROTIK_SYNC_FAILED (the failure is
 * recorded as an event before the answer).
 *
 * Document 002's other areas are being built beside this one; when they bring the document's
 * own errors.ts (src/api/ftth-billing/errors.ts), this file folds into it.
 */

export type BillingErrorBody =
  | { detail: string; status: 'error'; error_code: string }
  | { detail: { message: string; errors: Array<{ field: string; message: string }> } };

const CODES: Record<string, string> = {
  RESOURCE_NOT_FOUND: 'NOT_FOUND',
  INSUFFICIENT_PERMISSIONS: 'FORBIDDEN',
  INVALID_STATE_TRANSITION: 'INVALID_STATE',
};

export function billingErrorBody(p: Problem): BillingErrorBody {
  if (p.fields) {
    const errors = Object.entries(p.fields).flatMap(([field, messages]) => messages.map((message) => ({ field, message })));
    return { detail: { message: 'Validation failed', errors } };
  }
  return { detail: p.message, status: 'error', error_code: CODES[p.code] ?? p.code };
}

/** The status each domain failure answers in document 002 (the rest as src/api/http/errors.ts has them). */
export const BILLING_PROBLEM_OVERRIDES: ProblemOverrides = {
  // The request contradicts the resource's current state (e.g. a pelanggan provisioned on another server).
  illegal_state: { status: 409 },
};

/** A sync the router failed: recorded as PppoeSyncFailed, answered 502. */
export class MikrotikSyncFailedError extends Error {
  constructor(readonly reason: string) {
    super(`Sync failed: ${reason}`);
    this.name = 'MikrotikSyncFailedError';
  }
}

export function mikrotikErrorHandler(logger: Logger): ErrorRequestHandler {
  const handler = documentErrorHandler(logger, (p) => billingErrorBody(p), BILLING_PROBLEM_OVERRIDES);
  return (err, req, res, next) => {
    if (err instanceof MikrotikSyncFailedError && !res.headersSent) {
      res.status(502).json({ detail: err.message, status: 'error', error_code: 'MIKROTIK_SYNC_FAILED' } satisfies BillingErrorBody);
      return;
    }
    handler(err, req, res, next);
  };
}

/** The format for the OpenAPI document (`doc.errors: 'billingMikrotik'`). */
export const BILLING_MIKROTIK_ERROR_STYLE: Record<string, ErrorStyleDefinition> = {
  billingMikrotik: {
    prefix: 'BillingMikrotik',
    schemaName: 'BillingMikrotikError',
    schema: {
      anyOf: [
        object({ detail: string(), status: constant('error'), error_code: string() }, { description: 'Document 002 error: `{ detail, status: "error", error_code }`.' }),
        object(
          { detail: object({ message: string(), errors: array(object({ field: string(), message: string() })) }) },
          { description: 'Document 002 validation error (422): a message per field.' },
        ),
      ],
    },
    example(status, text) {
      if (status === 422) return { detail: { message: 'Validation failed', errors: [{ field: 'host_ip', message: 'The host ip field is required.' }] } };
      if (status === 502) return { detail: 'Sync failed: connection refused by 10.0.0.1:8728', status: 'error', error_code: 'MIKROTIK_SYNC_FAILED' };
      return { detail: text.message, status: 'error', error_code: CODES[text.code] ?? text.code };
    },
  },
};
