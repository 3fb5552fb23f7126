import type { CommandDeps } from './context';

/** Settings of the inventory use cases (INVENTORY_* in src/config.ts, docs/configuration.md). */
export interface InventorySettings {
  /** IANA zone in which days are counted ("not in the future", today's digest, activity times). */
  timeZone: string;
  /** Currency of unit prices (ISO 4217); amounts are kept in hundredths (minor units). */
  currency: string;
  /** How long a custody slot claimed by an assignment that never completed blocks others (ms). */
  custodySlotStaleMs: number;
}

export const DEFAULT_INVENTORY_SETTINGS: InventorySettings = { timeZone: 'UTC', currency: 'IDR', custodySlotStaleMs: 60_000 };

export interface InventoryCommandDeps extends CommandDeps {
  inventory: InventorySettings;
}
