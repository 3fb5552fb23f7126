import { z } from 'zod';
import { defineEvent, type EventDefinition } from './shared/events';
import { deviceEvents } from './device/events';
import { inventoryItemEvents, LowStockDigestIssued } from './inventory-item/events';
import { branchEvents } from './branch';
import { mainBranchEvents } from './main-branch';
import { departmentEvents } from './department';
import { categoryEvents } from './category';
import { parentCategoryEvents } from './parent-category';

/** Written once, when the fictional demo reference data was seeded (INVENTORY_DEMO_SEED). */
export const InventoryDemoSeeded = defineEvent('InventoryDemoSeeded', z.object({ seededAt: z.string() }));

/** The event types of the inventory aggregates (documents 003 and 000's inventory), for the registry. */
export const inventoryEvents: readonly EventDefinition[] = [
  ...deviceEvents,
  ...inventoryItemEvents,
  LowStockDigestIssued,
  ...branchEvents,
  ...mainBranchEvents,
  ...departmentEvents,
  ...categoryEvents,
  ...parentCategoryEvents,
  InventoryDemoSeeded,
];
