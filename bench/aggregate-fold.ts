/**
 * `node dist/bench/aggregate-fold.js`: how long loading an aggregate whose history keeps growing
 * takes, folding all its events as a command does after a restart (src/commands/aggregate-states.ts
 * holds the state after that): a stock item with n assignments, every other one returned
 * (document 000's equipment), and the inbox of a user who read n notifications one by one. Their
 * states keep those ids in an IdRecord (src/domain/shared/id-record.ts); a plain record made this
 * fold quadratic. Also the cost of one more event on the loaded state. Prints figures.
 */
import { inventoryItemDecider, type InventoryItemEvent } from '../src/domain/inventory-item';
import { notificationInboxDecider } from '../src/domain/notification/decider';
import type { NotificationEvent } from '../src/domain/notification/events';
import type { Decider, DomainEvent } from '../src/domain/shared/decider';

const SIZES = (process.env.SIZES ?? '2000,10000,20000,100000').split(',').map(Number);
const at = '2026-01-15T12:00:00.000Z';

function itemHistory(n: number): InventoryItemEvent[] {
  const details = { name: 'ONT', category: 'ONT', sku: 'ONT-1', description: null, unitPrice: { amountMinor: 1, currency: 'IDR' as const }, minStockLevel: 0 };
  const events: InventoryItemEvent[] = [{ type: 'InventoryItemCreated', data: { itemId: 'i', number: 1, details, createdAt: at } }];
  let q = 10 * n;
  events.push({ type: 'StockReceived', data: { itemId: 'i', quantity: q, quantityAfter: q, reason: 'PO', at } });
  for (let i = 0; i < n; i++) {
    const assignmentId = `3f0c9a7e-0000-4000-8000-${String(i).padStart(12, '0')}`;
    events.push({
      type: 'StockAssigned',
      data: { itemId: 'i', assignmentId, technicianId: 't', ticketId: null, quantity: 1, serialNumbers: [], notes: null, quantityAfter: --q, reason: 'Assigned', at },
    });
    if (i % 2 === 0) {
      events.push({
        type: 'StockReturned',
        data: { itemId: 'i', assignmentId, technicianId: 't', quantityReturned: 1, condition: 'good', restocked: 1, notes: null, quantityAfter: ++q, reason: 'Returned', at },
      });
    }
  }
  return events;
}

function inboxHistory(n: number): NotificationEvent[] {
  return Array.from({ length: n }, (_, i) => ({ type: 'NotificationRead' as const, data: { userId: 'u', notificationId: `n-${i}`, readAt: at } }));
}

function measure<S, C, E extends DomainEvent>(label: string, decider: Decider<S, C, E>, events: E[]): void {
  const t0 = performance.now();
  const state = events.reduce(decider.evolve, decider.initialState());
  const foldMs = performance.now() - t0;
  const last = events[events.length - 1]!;
  const rounds = 1000;
  const t1 = performance.now();
  for (let i = 0; i < rounds; i++) decider.evolve(state, last);
  const oneUs = ((performance.now() - t1) / rounds) * 1000;
  process.stdout.write(`| ${label} | ${events.length} | ${foldMs.toFixed(0)} | ${oneUs.toFixed(1)} |\n`);
}

process.stdout.write(`# aggregate folds, node ${process.version}\n| aggregate | events | fold ms | one more event µs |\n| --- | ---: | ---: | ---: |\n`);
for (const n of SIZES) measure(`stock item, ${n} assignments`, inventoryItemDecider, itemHistory(n));
for (const n of SIZES) measure(`notification inbox, ${n} reads`, notificationInboxDecider, inboxHistory(n));
