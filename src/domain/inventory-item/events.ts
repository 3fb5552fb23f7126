import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';
import { RETURN_CONDITIONS } from '../device/events';

/**
 * InventoryItem: stock counted by quantity (document 000's inventory items), with a unique SKU,
 * a unit price in integer minor units plus a currency (DESIGN.md section 3), a minimum level,
 * and every stock movement (received, assigned, returned, adjusted, written off) an event with
 * its reason and the quantity after it. The item's stream is the consistency boundary for
 * "stock never goes below zero": every movement is decided on the current quantity and
 * appended with the expected revision (docs/api/000-inventory.md).
 */

export const moneySchema = z.object({ amountMinor: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) });
export type Money = z.infer<typeof moneySchema>;

export const itemDetailsSchema = z.object({
  name: z.string(),
  category: z.string(),
  sku: z.string(),
  description: z.string().nullable(),
  unitPrice: moneySchema,
  minStockLevel: z.number().int().nonnegative(),
});
export type ItemDetails = z.infer<typeof itemDetailsSchema>;

const qty = z.number().int().nonnegative();
const positive = z.number().int().positive();

export const InventoryItemCreated = defineEvent(
  'InventoryItemCreated',
  z.object({ itemId: z.string(), number: positive, details: itemDetailsSchema, createdAt: z.string() }),
);
export const InventoryItemUpdated = defineEvent(
  'InventoryItemUpdated',
  z.object({ itemId: z.string(), changes: itemDetailsSchema.partial(), updatedAt: z.string() }),
);
export const StockReceived = defineEvent(
  'StockReceived',
  z.object({ itemId: z.string(), quantity: positive, quantityAfter: qty, reason: z.string(), at: z.string() }),
);
export const StockAdjusted = defineEvent(
  'StockAdjusted',
  z.object({ itemId: z.string(), delta: z.number().int(), quantityAfter: qty, reason: z.string(), at: z.string() }),
);
export const StockWrittenOff = defineEvent(
  'StockWrittenOff',
  z.object({ itemId: z.string(), quantity: positive, quantityAfter: qty, reason: z.string(), at: z.string() }),
);
export const StockAssigned = defineEvent(
  'StockAssigned',
  z.object({
    itemId: z.string(),
    assignmentId: z.string(),
    technicianId: z.string(),
    ticketId: z.string().nullable(),
    quantity: positive,
    /** The devices handed over with the stock (serialised equipment), by serial number. */
    serialNumbers: z.array(z.string()),
    notes: z.string().nullable(),
    quantityAfter: qty,
    reason: z.string(),
    at: z.string(),
  }),
);
export const StockReturned = defineEvent(
  'StockReturned',
  z.object({
    itemId: z.string(),
    assignmentId: z.string(),
    technicianId: z.string(),
    quantityReturned: qty,
    condition: z.enum(RETURN_CONDITIONS),
    /** What went back to available stock: the quantity returned in good condition, else 0. */
    restocked: qty,
    notes: z.string().nullable(),
    quantityAfter: qty,
    reason: z.string(),
    at: z.string(),
  }),
);
/** Compensation: the handover failed after the stock was taken (e.g. a serial was assigned meanwhile). */
export const StockAssignmentCancelled = defineEvent(
  'StockAssignmentCancelled',
  z.object({ itemId: z.string(), assignmentId: z.string(), quantity: positive, quantityAfter: qty, reason: z.string(), at: z.string() }),
);
/** The quantity fell to the minimum level or below (raised once per fall, by the movement that caused it). */
export const InventoryItemLowStock = defineEvent(
  'InventoryItemLowStock',
  z.object({ itemId: z.string(), name: z.string(), sku: z.string(), quantity: qty, minStockLevel: qty, at: z.string() }),
);

export const inventoryItemEvents = [
  InventoryItemCreated,
  InventoryItemUpdated,
  StockReceived,
  StockAdjusted,
  StockWrittenOff,
  StockAssigned,
  StockReturned,
  StockAssignmentCancelled,
  InventoryItemLowStock,
];

export type InventoryItemEvent =
  | EventOf<typeof InventoryItemCreated>
  | EventOf<typeof InventoryItemUpdated>
  | EventOf<typeof StockReceived>
  | EventOf<typeof StockAdjusted>
  | EventOf<typeof StockWrittenOff>
  | EventOf<typeof StockAssigned>
  | EventOf<typeof StockReturned>
  | EventOf<typeof StockAssignmentCancelled>
  | EventOf<typeof InventoryItemLowStock>;

/** Movement event types (those that change the quantity). */
export const STOCK_MOVEMENT_TYPES = [
  'StockReceived',
  'StockAdjusted',
  'StockWrittenOff',
  'StockAssigned',
  'StockReturned',
  'StockAssignmentCancelled',
] as const;

export const inventoryItemStream = (itemId: string): string => `inventory_item-${itemId}`;

/** One digest per day: the items at or below their minimum level that morning. */
export const lowStockDigestItem = z.object({ itemId: z.string(), name: z.string(), sku: z.string(), quantity: qty, minStockLevel: qty });
export type LowStockDigestItem = z.infer<typeof lowStockDigestItem>;
export const LowStockDigestIssued = defineEvent(
  'LowStockDigestIssued',
  z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), items: z.array(lowStockDigestItem), issuedAt: z.string() }),
);
export type LowStockDigestEvent = EventOf<typeof LowStockDigestIssued>;
export const lowStockDigestStream = (date: string): string => `low_stock_digest-${date}`;
