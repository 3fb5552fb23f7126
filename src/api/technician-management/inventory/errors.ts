import type { ErrorRequestHandler } from 'express';
import { CustodyRuleError, type CustodyRule } from '../../../domain/device/errors';
import { DuplicateError } from '../../../domain/shared/errors';
import type { Logger } from '../../../ports/logger';
import { tmsErrorBody, tmsErrorHandler } from '../errors';

/**
 * Document 000's format for the inventory's own failures: the custody rules get codes of their
 * own (INSUFFICIENT_STOCK 422; DEVICE_ALREADY_ASSIGNED, ALREADY_RETURNED, CATEGORY_ALREADY_HELD,
 * DEVICE_ASSIGNED 409); a taken SKU is DUPLICATE_ENTRY on `sku`. Everything else as the rest of
 * document 000 answers it.
 */
export const CUSTODY_CODES: Record<CustodyRule, { status: number; code: string }> = {
  insufficient_stock: { status: 422, code: 'INSUFFICIENT_STOCK' },
  device_already_assigned: { status: 409, code: 'DEVICE_ALREADY_ASSIGNED' },
  already_returned: { status: 409, code: 'ALREADY_RETURNED' },
  category_already_held: { status: 409, code: 'CATEGORY_ALREADY_HELD' },
  device_assigned: { status: 409, code: 'DEVICE_ASSIGNED' },
};

const FIELDS: Record<string, string> = { inventory_sku: 'sku' };

export function inventoryErrorHandler(logger: Logger): ErrorRequestHandler {
  const tms = tmsErrorHandler(logger);
  return (err, req, res, next) => {
    if (err instanceof CustodyRuleError && !res.headersSent) {
      const c = CUSTODY_CODES[err.rule];
      res.status(c.status).json(tmsErrorBody({ status: c.status, code: c.code, message: err.message, details: { rule: err.rule } }));
      return;
    }
    if (err instanceof DuplicateError && FIELDS[err.field]) return tms(new DuplicateError(FIELDS[err.field]!, err.value), req, res, next);
    tms(err, req, res, next);
  };
}
