import { lowStockDigestDecider, lowStockDigestStream, type LowStockDigestItem } from '../domain/inventory-item';
import type { RequestMeta } from './context';
import { handleCommand, type CommandResult } from './handle-command';
import type { InventoryCommandDeps } from './inventory-settings';

/**
 * The daily low-stock digest (the scheduled job's command): one `LowStockDigestIssued` per day in
 * the stream `low_stock_digest-<date>`, listing the items at or below their minimum level. Run
 * again the same day (or on another instance), it appends nothing; with nothing low, nothing.
 * The notifications read model tells every active inventory manager (role manager).
 */
export function issueLowStockDigest(
  deps: InventoryCommandDeps,
  input: { date: string; items: LowStockDigestItem[] },
  meta: RequestMeta,
): Promise<CommandResult<{ issued: boolean }>> {
  return handleCommand(
    deps,
    lowStockDigestDecider,
    lowStockDigestStream(input.date),
    { type: 'IssueLowStockDigest', date: input.date, items: input.items, now: deps.clock.now().toISOString() },
    meta,
  );
}
