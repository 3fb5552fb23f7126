import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../../ports/logger';
import { billingErrorHandler } from '../errors';

/**
 * The Mikrotik area answers in document 002's error format (../errors.ts), plus one status of
 * its own: a sync the router failed is 502 `{ detail: "Sync failed: <reason>", status: "error",
 * error_code: "MIKROTIK_SYNC_FAILED" }`, after the failure was recorded (PppoeSyncFailed).
 */
export class MikrotikSyncFailedError extends Error {
  constructor(readonly reason: string) {
    super(`Sync failed: ${reason}`);
    this.name = 'MikrotikSyncFailedError';
  }
}

export function mikrotikErrorHandler(logger: Logger): ErrorRequestHandler {
  const handler = billingErrorHandler(logger);
  return (err, req, res, next) => {
    if (err instanceof MikrotikSyncFailedError && !res.headersSent) {
      res.status(502).json({ detail: err.message, status: 'error', error_code: 'MIKROTIK_SYNC_FAILED' });
      return;
    }
    handler(err, req, res, next);
  };
}
