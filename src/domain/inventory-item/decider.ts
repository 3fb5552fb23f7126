import type { Decider } from '../shared/decider';
import { emptyIdRecord, idRecordGet, idRecordSet, type IdRecord } from '../shared/id-record';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { CustodyRuleError } from '../device/errors';
import type { ReturnCondition } from '../device/events';
import type { InventoryItemEvent, ItemDetails, LowStockDigestEvent, LowStockDigestItem } from './events';

export interface StockAssignment {
  technicianId: string;
  quantity: number;
  serialNumbers: string[];
  status: 'active' | 'returned' | 'cancelled';
}

export interface InventoryItemState {
  exists: boolean;
  itemId: string;
  number: number;
  details: ItemDetails;
  quantity: number;
  /** Every assignment the item ever had, by id (returned and cancelled ones included: a second
   * return is told apart from an unknown id). An IdRecord, so that an assignment does not copy
   * the item's whole history (id-record.ts); read it with `stockAssignmentOf`. */
  assignments: IdRecord<StockAssignment>;
}

export function stockAssignmentOf(state: InventoryItemState, assignmentId: string): StockAssignment | undefined {
  return idRecordGet(state.assignments, assignmentId);
}

export type StockMovement = 'received' | 'adjusted' | 'written_off';

export type InventoryItemCommand =
  | { type: 'CreateItem'; itemId: string; number: number; details: ItemDetails; initialQuantity: number; now: string }
  /** A PUT: changed details, and `stockQuantity` (a counted quantity) as an adjustment. */
  | { type: 'UpdateItem'; changes: Partial<ItemDetails>; stockQuantity?: number; reason: string | null; now: string }
  /** received/written_off: a positive quantity; adjusted: a signed change. */
  | { type: 'RecordMovement'; movement: StockMovement; quantity: number; reason: string; now: string }
  | {
      type: 'AssignStock';
      assignmentId: string;
      technicianId: string;
      ticketId: string | null;
      quantity: number;
      serialNumbers: string[];
      notes: string | null;
      now: string;
    }
  | { type: 'ReturnStock'; assignmentId: string; quantityReturned: number; condition: ReturnCondition; notes: string | null; now: string }
  | { type: 'CancelStockAssignment'; assignmentId: string; reason: string; now: string };

export const initialInventoryItemState = (): InventoryItemState => ({
  exists: false,
  itemId: '',
  number: 0,
  details: { name: '', category: '', sku: '', description: null, unitPrice: { amountMinor: 0, currency: 'IDR' }, minStockLevel: 0 },
  quantity: 0,
  assignments: emptyIdRecord(),
});

export const isLowStock = (quantity: number, minStockLevel: number): boolean => quantity <= minStockLevel;

export function evolveInventoryItem(state: InventoryItemState, event: InventoryItemEvent): InventoryItemState {
  switch (event.type) {
    case 'InventoryItemCreated':
      return { ...state, exists: true, itemId: event.data.itemId, number: event.data.number, details: event.data.details };
    case 'InventoryItemUpdated':
      return { ...state, details: { ...state.details, ...event.data.changes } };
    case 'StockReceived':
    case 'StockAdjusted':
    case 'StockWrittenOff':
      return { ...state, quantity: event.data.quantityAfter };
    case 'StockAssigned': {
      const d = event.data;
      return {
        ...state,
        quantity: d.quantityAfter,
        assignments: idRecordSet(state.assignments, d.assignmentId, { technicianId: d.technicianId, quantity: d.quantity, serialNumbers: d.serialNumbers, status: 'active' }),
      };
    }
    case 'StockReturned':
    case 'StockAssignmentCancelled': {
      const a = stockAssignmentOf(state, event.data.assignmentId);
      const status = event.type === 'StockReturned' ? 'returned' : 'cancelled';
      return {
        ...state,
        quantity: event.data.quantityAfter,
        assignments: a ? idRecordSet(state.assignments, event.data.assignmentId, { ...a, status }) : state.assignments,
      };
    }
    case 'InventoryItemLowStock':
      return state;
  }
}

/** Appends InventoryItemLowStock when `events` take the item from above its minimum to at or below it. */
function withLowStock(state: InventoryItemState, events: InventoryItemEvent[], now: string): InventoryItemEvent[] {
  const before = state.exists && !isLowStock(state.quantity, state.details.minStockLevel);
  const after = events.reduce(evolveInventoryItem, state);
  if ((before || !state.exists) && isLowStock(after.quantity, after.details.minStockLevel)) {
    events.push({
      type: 'InventoryItemLowStock',
      data: {
        itemId: after.itemId,
        name: after.details.name,
        sku: after.details.sku,
        quantity: after.quantity,
        minStockLevel: after.details.minStockLevel,
        at: now,
      },
    });
  }
  return events;
}

function changedDetails(details: ItemDetails, changes: Partial<ItemDetails>): Partial<ItemDetails> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    const current = details[k as keyof ItemDetails];
    if (JSON.stringify(current) !== JSON.stringify(v)) out[k] = v;
  }
  return out as Partial<ItemDetails>;
}

function positive(field: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValidationError({ [field]: [`The ${field.replace(/_/g, ' ')} must be at least 1.`] });
}

export function decideInventoryItem(command: InventoryItemCommand, state: InventoryItemState): InventoryItemEvent[] {
  if (command.type === 'CreateItem') {
    if (state.exists) throw new IllegalStateError('Item already exists');
    const events: InventoryItemEvent[] = [
      { type: 'InventoryItemCreated', data: { itemId: command.itemId, number: command.number, details: command.details, createdAt: command.now } },
    ];
    if (command.initialQuantity > 0) {
      events.push({
        type: 'StockReceived',
        data: { itemId: command.itemId, quantity: command.initialQuantity, quantityAfter: command.initialQuantity, reason: 'Initial stock', at: command.now },
      });
    }
    return withLowStock(state, events, command.now);
  }
  if (!state.exists) throw new NotFoundError('Item', state.itemId);
  const itemId = state.itemId;
  const now = command.now;
  switch (command.type) {
    case 'UpdateItem': {
      const events: InventoryItemEvent[] = [];
      const changes = changedDetails(state.details, command.changes);
      if (Object.keys(changes).length > 0) events.push({ type: 'InventoryItemUpdated', data: { itemId, changes, updatedAt: now } });
      if (command.stockQuantity !== undefined && command.stockQuantity !== state.quantity) {
        if (command.stockQuantity < 0) throw new ValidationError({ stock_quantity: ['The stock quantity must be at least 0.'] });
        events.push({
          type: 'StockAdjusted',
          data: { itemId, delta: command.stockQuantity - state.quantity, quantityAfter: command.stockQuantity, reason: command.reason ?? 'Stock count corrected', at: now },
        });
      }
      return withLowStock(state, events, now);
    }
    case 'RecordMovement': {
      const { movement, quantity, reason } = command;
      if (movement === 'adjusted') {
        if (!Number.isInteger(quantity) || quantity === 0) throw new ValidationError({ quantity: ['The quantity of an adjustment must be a non-zero whole number.'] });
        if (state.quantity + quantity < 0) throw new CustodyRuleError('insufficient_stock');
        return withLowStock(state, [{ type: 'StockAdjusted', data: { itemId, delta: quantity, quantityAfter: state.quantity + quantity, reason, at: now } }], now);
      }
      positive('quantity', quantity);
      if (movement === 'received') {
        return withLowStock(state, [{ type: 'StockReceived', data: { itemId, quantity, quantityAfter: state.quantity + quantity, reason, at: now } }], now);
      }
      if (quantity > state.quantity) throw new CustodyRuleError('insufficient_stock');
      return withLowStock(state, [{ type: 'StockWrittenOff', data: { itemId, quantity, quantityAfter: state.quantity - quantity, reason, at: now } }], now);
    }
    case 'AssignStock': {
      positive('quantity', command.quantity);
      if (stockAssignmentOf(state, command.assignmentId)) throw new IllegalStateError('Assignment already recorded');
      if (command.quantity > state.quantity) {
        throw new CustodyRuleError('insufficient_stock', `Not enough stock available: ${state.quantity} in stock, ${command.quantity} requested.`);
      }
      return withLowStock(
        state,
        [
          {
            type: 'StockAssigned',
            data: {
              itemId,
              assignmentId: command.assignmentId,
              technicianId: command.technicianId,
              ticketId: command.ticketId,
              quantity: command.quantity,
              serialNumbers: command.serialNumbers,
              notes: command.notes,
              quantityAfter: state.quantity - command.quantity,
              reason: command.notes ?? (command.ticketId ? `Assigned for ticket ${command.ticketId}` : 'Assigned'),
              at: now,
            },
          },
        ],
        now,
      );
    }
    case 'ReturnStock': {
      const a = stockAssignmentOf(state, command.assignmentId);
      if (!a || a.status === 'cancelled') throw new NotFoundError('Assignment', command.assignmentId);
      if (a.status === 'returned') throw new CustodyRuleError('already_returned', 'The equipment has already been returned.');
      if (!Number.isInteger(command.quantityReturned) || command.quantityReturned < 0 || command.quantityReturned > a.quantity) {
        throw new ValidationError({ quantity_returned: [`The quantity returned must be between 0 and ${a.quantity}.`] });
      }
      // Damaged or lost stock does not go back to what is available.
      const restocked = command.condition === 'good' ? command.quantityReturned : 0;
      return [
        {
          type: 'StockReturned',
          data: {
            itemId,
            assignmentId: command.assignmentId,
            technicianId: a.technicianId,
            quantityReturned: command.quantityReturned,
            condition: command.condition,
            restocked,
            notes: command.notes,
            quantityAfter: state.quantity + restocked,
            reason: command.notes ?? `Returned (${command.condition})`,
            at: now,
          },
        },
      ];
    }
    case 'CancelStockAssignment': {
      const a = stockAssignmentOf(state, command.assignmentId);
      if (!a || a.status !== 'active') return [];
      return [
        {
          type: 'StockAssignmentCancelled',
          data: { itemId, assignmentId: command.assignmentId, quantity: a.quantity, quantityAfter: state.quantity + a.quantity, reason: command.reason, at: now },
        },
      ];
    }
  }
}

export const inventoryItemDecider: Decider<InventoryItemState, InventoryItemCommand, InventoryItemEvent> = {
  initialState: initialInventoryItemState,
  evolve: evolveInventoryItem,
  decide: decideInventoryItem,
};

// ---------------------------------------------------------------------------------------------
// The daily low-stock digest: one per day, whatever runs the job how often.

export interface LowStockDigestState {
  issued: boolean;
}

export type LowStockDigestCommand = { type: 'IssueLowStockDigest'; date: string; items: LowStockDigestItem[]; now: string };

export const lowStockDigestDecider: Decider<LowStockDigestState, LowStockDigestCommand, LowStockDigestEvent> = {
  initialState: () => ({ issued: false }),
  evolve: (state, event) => (event.type === 'LowStockDigestIssued' ? { issued: true } : state),
  decide: (command, state) => {
    if (state.issued || command.items.length === 0) return [];
    return [{ type: 'LowStockDigestIssued', data: { date: command.date, items: command.items, issuedAt: command.now } }];
  },
};
