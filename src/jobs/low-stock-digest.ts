import { systemMeta } from '../commands/context';
import type { InventoryCommandDeps } from '../commands/inventory-settings';
import { issueLowStockDigest } from '../commands/low-stock-digest';
import { localDate } from '../domain/shared/local-time';
import type { Logger } from '../ports/logger';
import type { ReadStore } from '../ports/read-store';
import { lowStockItems } from '../projections/inventory/queries';

export interface LowStockDigestJobDeps {
  commands: InventoryCommandDeps;
  readStore: ReadStore;
  logger: Logger;
}

export interface LowStockDigestJobResult {
  /** The day of the digest (INVENTORY_TIMEZONE). */
  date: string;
  /** Items in the digest appended by this run (0: none low, or today's digest exists already). */
  items: number;
  position: number | null;
}

/**
 * The daily low-stock digest: the items at or below their minimum level (from the items read
 * model's is_low_stock index) are issued as today's digest, a command whose decider appends at
 * most one LowStockDigestIssued per day; the notifications read model tells every inventory
 * manager. Running it twice, or on two instances, appends nothing more.
 */
export async function runLowStockDigestJob(deps: LowStockDigestJobDeps, now: Date): Promise<LowStockDigestJobResult> {
  const date = localDate(now, deps.commands.inventory.timeZone);
  const low = await lowStockItems(deps.readStore);
  const items = low
    .map((i) => ({ itemId: i._id, name: i.name, sku: i.sku, quantity: i.stock_quantity, minStockLevel: i.min_stock_level }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.sku.localeCompare(b.sku));
  const result = await issueLowStockDigest(deps.commands, { date, items }, systemMeta(deps.commands.ids, 'low-stock-digest'));
  if (result.position !== null) deps.logger.info({ date, items: items.length }, 'low-stock digest issued');
  return { date, items: result.position === null ? 0 : items.length, position: result.position };
}
