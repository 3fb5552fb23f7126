import { deciderSpec } from '../../../test/support/decider-spec';
import { CustodyRuleError } from '../device/errors';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { inventoryItemDecider, lowStockDigestDecider, stockAssignmentOf, type InventoryItemCommand } from './decider';
import type { InventoryItemEvent, ItemDetails } from './events';

const spec = deciderSpec(inventoryItemDecider);
const now = '2026-01-15T12:00:00.000Z';
const details: ItemDetails = {
  name: 'ONT ZTE F609',
  category: 'ONT',
  sku: 'ONT-F609',
  description: null,
  unitPrice: { amountMinor: 35_000_000, currency: 'IDR' },
  minStockLevel: 5,
};
const created: InventoryItemEvent = { type: 'InventoryItemCreated', data: { itemId: 'i1', number: 1, details, createdAt: now } };
const received = (quantity: number, after = quantity): InventoryItemEvent => ({
  type: 'StockReceived',
  data: { itemId: 'i1', quantity, quantityAfter: after, reason: 'Initial stock', at: now },
});
const low = (quantity: number, min = 5): InventoryItemEvent => ({
  type: 'InventoryItemLowStock',
  data: { itemId: 'i1', name: 'ONT ZTE F609', sku: 'ONT-F609', quantity, minStockLevel: min, at: now },
});
const assign = (quantity: number, assignmentId = 'a1'): InventoryItemCommand => ({
  type: 'AssignStock',
  assignmentId,
  technicianId: 't1',
  ticketId: 'k1',
  quantity,
  serialNumbers: [],
  notes: null,
  now,
});
const assigned = (quantity: number, after: number, assignmentId = 'a1'): InventoryItemEvent => ({
  type: 'StockAssigned',
  data: {
    itemId: 'i1',
    assignmentId,
    technicianId: 't1',
    ticketId: 'k1',
    quantity,
    serialNumbers: [],
    notes: null,
    quantityAfter: after,
    reason: 'Assigned for ticket k1',
    at: now,
  },
});
const stock10 = [created, received(10)];

describe('InventoryItem decider', () => {
  it('creates an item with its initial stock as stock received; low from the start when at or below the minimum', () => {
    spec.given([]).when({ type: 'CreateItem', itemId: 'i1', number: 1, details, initialQuantity: 10, now }).then(stock10);
    spec.given([]).when({ type: 'CreateItem', itemId: 'i1', number: 1, details, initialQuantity: 5, now }).then([created, received(5), low(5)]);
    spec.given([]).when({ type: 'CreateItem', itemId: 'i1', number: 1, details, initialQuantity: 0, now }).then([created, low(0)]);
  });

  it('assigns stock, never more than there is (insufficient_stock), and raises low stock once per fall', () => {
    spec.given(stock10).when(assign(4)).then([assigned(4, 6)]);
    spec.given(stock10).when(assign(5)).then([assigned(5, 5), low(5)]);
    spec.given([...stock10, assigned(5, 5), low(5)]).when(assign(2, 'a2')).then([assigned(2, 3, 'a2')]);
    spec
      .given(stock10)
      .when(assign(11))
      .thenThrows(CustodyRuleError, (e) => {
        expect(e.rule).toBe('insufficient_stock');
        expect(e.message).toBe('Not enough stock available: 10 in stock, 11 requested.');
      });
    spec.given(stock10).when(assign(0)).thenThrows(ValidationError);
    spec.given([]).when(assign(1)).thenThrows(NotFoundError);
  });

  it('returns stock once: good goes back to available stock, damaged or lost does not', () => {
    const base = [...stock10, assigned(4, 6)];
    const ret = (quantityReturned: number, condition: 'good' | 'damaged' | 'lost'): InventoryItemCommand => ({
      type: 'ReturnStock',
      assignmentId: 'a1',
      quantityReturned,
      condition,
      notes: null,
      now,
    });
    const returned = (q: number, condition: string, restocked: number, after: number): InventoryItemEvent => ({
      type: 'StockReturned',
      data: { itemId: 'i1', assignmentId: 'a1', technicianId: 't1', quantityReturned: q, condition: condition as 'good', restocked, notes: null, quantityAfter: after, reason: `Returned (${condition})`, at: now },
    });
    spec.given(base).when(ret(3, 'good')).then([returned(3, 'good', 3, 9)]);
    spec.given(base).when(ret(4, 'damaged')).then([returned(4, 'damaged', 0, 6)]);
    spec.given(base).when(ret(4, 'lost')).then([returned(4, 'lost', 0, 6)]);
    spec.given([...base, returned(3, 'good', 3, 9)]).when(ret(1, 'good')).thenThrows(CustodyRuleError, (e) => expect(e.rule).toBe('already_returned'));
    spec.given(base).when(ret(5, 'good')).thenThrows(ValidationError, (e) => expect(e.fields.quantity_returned).toEqual(['The quantity returned must be between 0 and 4.']));
    spec.given(base).when({ ...ret(1, 'good'), assignmentId: 'nope' } as InventoryItemCommand).thenThrows(NotFoundError);
  });

  it('decides on an item with thousands of assignments behind it, each event copying one branch of them, not all', () => {
    const history: InventoryItemEvent[] = [created, received(1_000_000)];
    let quantity = 1_000_000;
    for (let i = 0; i < 5_000; i++) {
      history.push(assigned(1, --quantity, `a${i}`));
      if (i % 2 === 0) {
        history.push({
          type: 'StockReturned',
          data: { itemId: 'i1', assignmentId: `a${i}`, technicianId: 't1', quantityReturned: 1, condition: 'good', restocked: 1, notes: null, quantityAfter: ++quantity, reason: 'Returned (good)', at: now },
        });
      }
    }
    const ret = (assignmentId: string): InventoryItemCommand => ({ type: 'ReturnStock', assignmentId, quantityReturned: 1, condition: 'good', notes: null, now });
    spec.given(history).when(ret('a0')).thenThrows(CustodyRuleError, (e) => expect(e.rule).toBe('already_returned'));
    spec.given(history).when(ret('a4999')).then([
      { type: 'StockReturned', data: { itemId: 'i1', assignmentId: 'a4999', technicianId: 't1', quantityReturned: 1, condition: 'good', restocked: 1, notes: null, quantityAfter: quantity + 1, reason: 'Returned (good)', at: now } },
    ]);
    spec.given(history).when(assign(1, 'a1')).thenThrows(IllegalStateError);

    const state = history.reduce(inventoryItemDecider.evolve, inventoryItemDecider.initialState());
    const next = inventoryItemDecider.evolve(state, assigned(1, quantity - 1, 'a5000'));
    // An IdRecord: the new state shares all but one of the 16 branches of the 5,000 assignments.
    expect(next.assignments).toHaveLength(16);
    expect(next.assignments.filter((branch, i) => branch !== state.assignments[i])).toHaveLength(1);
    expect(stockAssignmentOf(next, 'a5000')).toEqual({ technicianId: 't1', quantity: 1, serialNumbers: [], status: 'active' });
  });

  it('records stock received, adjusted and written off with their reasons, never below zero', () => {
    spec.given(stock10).when({ type: 'RecordMovement', movement: 'received', quantity: 5, reason: 'PO-1', now }).then([
      { type: 'StockReceived', data: { itemId: 'i1', quantity: 5, quantityAfter: 15, reason: 'PO-1', at: now } },
    ]);
    spec.given(stock10).when({ type: 'RecordMovement', movement: 'adjusted', quantity: -6, reason: 'Stock count', now }).then([
      { type: 'StockAdjusted', data: { itemId: 'i1', delta: -6, quantityAfter: 4, reason: 'Stock count', at: now } },
      low(4),
    ]);
    spec.given(stock10).when({ type: 'RecordMovement', movement: 'written_off', quantity: 2, reason: 'Broken', now }).then([
      { type: 'StockWrittenOff', data: { itemId: 'i1', quantity: 2, quantityAfter: 8, reason: 'Broken', at: now } },
    ]);
    spec.given(stock10).when({ type: 'RecordMovement', movement: 'written_off', quantity: 11, reason: 'x', now }).thenThrows(CustodyRuleError);
    spec.given(stock10).when({ type: 'RecordMovement', movement: 'adjusted', quantity: -11, reason: 'x', now }).thenThrows(CustodyRuleError);
    spec.given(stock10).when({ type: 'RecordMovement', movement: 'adjusted', quantity: 0, reason: 'x', now }).thenThrows(ValidationError);
  });

  it('updates details and records a new counted quantity as an adjustment; a higher minimum can make it low', () => {
    spec.given(stock10).when({ type: 'UpdateItem', changes: { name: 'ONT ZTE F609 v2', category: 'ONT' }, stockQuantity: 12, reason: null, now }).then([
      { type: 'InventoryItemUpdated', data: { itemId: 'i1', changes: { name: 'ONT ZTE F609 v2' }, updatedAt: now } },
      { type: 'StockAdjusted', data: { itemId: 'i1', delta: 2, quantityAfter: 12, reason: 'Stock count corrected', at: now } },
    ]);
    spec.given(stock10).when({ type: 'UpdateItem', changes: { minStockLevel: 10 }, reason: null, now }).then([
      { type: 'InventoryItemUpdated', data: { itemId: 'i1', changes: { minStockLevel: 10 }, updatedAt: now } },
      low(10, 10),
    ]);
    spec.given(stock10).when({ type: 'UpdateItem', changes: { unitPrice: { amountMinor: 35_000_000, currency: 'IDR' } }, reason: null, now }).thenNothing();
  });

  it('cancels an active stock assignment (compensation): the stock comes back', () => {
    spec.given([...stock10, assigned(4, 6)]).when({ type: 'CancelStockAssignment', assignmentId: 'a1', reason: 'device taken', now }).then([
      { type: 'StockAssignmentCancelled', data: { itemId: 'i1', assignmentId: 'a1', quantity: 4, quantityAfter: 10, reason: 'device taken', at: now } },
    ]);
    spec.given(stock10).when({ type: 'CancelStockAssignment', assignmentId: 'a1', reason: 'x', now }).thenNothing();
  });
});

describe('LowStockDigest decider', () => {
  const digest = deciderSpec(lowStockDigestDecider);
  const items = [{ itemId: 'i1', name: 'ONT', sku: 'ONT-1', quantity: 2, minStockLevel: 5 }];
  it('issues one digest per day, and none when nothing is low', () => {
    const issued = { type: 'LowStockDigestIssued' as const, data: { date: '2026-01-15', items, issuedAt: now } };
    digest.given([]).when({ type: 'IssueLowStockDigest', date: '2026-01-15', items, now }).then([issued]);
    digest.given([issued]).when({ type: 'IssueLowStockDigest', date: '2026-01-15', items, now }).thenNothing();
    digest.given([]).when({ type: 'IssueLowStockDigest', date: '2026-01-15', items: [], now }).thenNothing();
  });
});
