import type { Filter, ReadStore } from '../../ports/read-store';
import { INVENTORY_ITEMS, INVENTORY_MOVEMENTS, type ItemDoc, type MovementDoc, type MovementType } from './documents';

/**
 * Document 000's inventory report (GET /api/reports/inventory): stock levels (every item, or one
 * category's, or only the low ones), the items at or below their minimum level, and the stock
 * movements of a date range (totals per kind of movement and the movements themselves). Money is
 * kept in minor units; the report shows major units (hundredths) with the currency.
 */
export interface InventoryReportQuery {
  category?: string;
  lowStockOnly?: boolean;
  /** Movements from (inclusive) / to (exclusive), ISO-8601 UTC; open when not given. */
  from?: string;
  to?: string;
  rowLimit: number;
}

const major = (minor: number) => minor / 100;

const MOVEMENT_TYPES: readonly MovementType[] = ['received', 'assigned', 'returned', 'adjusted', 'written_off', 'assignment_cancelled'];

export async function inventoryReport(readStore: ReadStore, q: InventoryReportQuery) {
  const itemFilter: Filter = {};
  const categoryKey = q.category?.trim().toLowerCase();
  if (categoryKey !== undefined) itemFilter.category_key = categoryKey;
  if (q.lowStockOnly) itemFilter.is_low_stock = true;
  const movementFilter: Filter = {};
  if (categoryKey !== undefined) movementFilter.category_key = categoryKey;
  if (q.from !== undefined || q.to !== undefined) {
    movementFilter.at = { ...(q.from !== undefined ? { $gte: q.from } : {}), ...(q.to !== undefined ? { $lt: q.to } : {}) };
  }
  const items = readStore.collection<ItemDoc>(INVENTORY_ITEMS);
  const movements = readStore.collection<MovementDoc>(INVENTORY_MOVEMENTS);
  const [docs, lowDocs, categories, perType, moves, movementTotal] = await Promise.all([
    items.find(itemFilter, { sort: { category_key: 1, name: 1, number: 1 }, limit: q.rowLimit }),
    items.find({ ...itemFilter, is_low_stock: true }, { sort: { category_key: 1, name: 1, number: 1 }, limit: q.rowLimit }),
    items.aggregate<{ _id: string; category: string; items: number; low_stock_items: number; units: number; total_value_minor: number }>([
      { $match: itemFilter },
      {
        $group: {
          _id: '$category_key',
          category: { $first: '$category' },
          items: { $sum: 1 },
          low_stock_items: { $sum: { $cond: [{ $eq: ['$is_low_stock', true] }, 1, 0] } },
          units: { $sum: '$stock_quantity' },
          total_value_minor: { $sum: { $multiply: ['$unit_price_minor', '$stock_quantity'] } },
        },
      },
    ]),
    movements.aggregate<{ _id: MovementType; movements: number; units: number; change: number }>([
      { $match: movementFilter },
      { $group: { _id: '$type', movements: { $sum: 1 }, units: { $sum: '$quantity' }, change: { $sum: '$change' } } },
    ]),
    movements.find(movementFilter, { sort: { at: 1, seq: 1 }, limit: q.rowLimit }),
    movements.countDocuments(movementFilter),
  ]);
  const currency = docs[0]?.currency ?? lowDocs[0]?.currency ?? null;
  const present = (d: ItemDoc) => ({
    id: d._id,
    name: d.name,
    category: d.category,
    sku: d.sku,
    unit_price: major(d.unit_price_minor),
    currency: d.currency,
    stock_quantity: d.stock_quantity,
    min_stock_level: d.min_stock_level,
    is_low_stock: d.is_low_stock,
    stock_value: major(d.unit_price_minor * d.stock_quantity),
    created_at: d.created_at,
  });
  const by_category = categories
    .map((c) => ({ category: c.category, items: c.items, low_stock_items: c.low_stock_items, units: c.units, total_value: major(c.total_value_minor) }))
    .sort((a, b) => a.category.localeCompare(b.category));
  const total = by_category.reduce((s, c) => s + c.items, 0);
  const byType = new Map(perType.map((t) => [t._id, t]));
  return {
    items: docs.map(present),
    low_stock_items: lowDocs.map((d) => ({ ...present(d), shortfall: Math.max(0, d.min_stock_level - d.stock_quantity) })),
    summary: {
      total_items: total,
      low_stock_items: by_category.reduce((s, c) => s + c.low_stock_items, 0),
      total_units: by_category.reduce((s, c) => s + c.units, 0),
      total_value: major(categories.reduce((s, c) => s + c.total_value_minor, 0)),
      currency,
      returned: docs.length,
      truncated: total > docs.length,
      row_limit: q.rowLimit,
    },
    by_category,
    movements: {
      summary: MOVEMENT_TYPES.map((type) => ({
        type,
        movements: byType.get(type)?.movements ?? 0,
        units: byType.get(type)?.units ?? 0,
        change: byType.get(type)?.change ?? 0,
      })),
      net_change: perType.reduce((s, t) => s + t.change, 0),
      total: movementTotal,
      truncated: movementTotal > moves.length,
      items: moves.map((m) => ({
        id: m._id,
        item_id: m.item_id,
        item_name: m.item_name,
        sku: m.sku,
        type: m.type,
        quantity: m.quantity,
        change: m.change,
        quantity_after: m.quantity_after,
        reason: m.reason,
        assignment_id: m.assignment_id,
        technician_id: m.technician_id,
        condition: m.condition,
        at: m.at,
      })),
    },
  };
}

export type InventoryReport = Awaited<ReturnType<typeof inventoryReport>>;
