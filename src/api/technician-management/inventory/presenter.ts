import type { EquipmentAssignmentDoc, ItemDoc } from '../../../projections/inventory/documents';
import { array, boolean, dateTime, integer, nullable, number, object, oneOfValues, string, uuid } from '../../openapi/schema';
import { nullableString } from '../../openapi/components';

/** Read model → document 000's inventory shapes (snake_case, UUIDs, prices in major units). */

export function presentItem(d: ItemDoc) {
  return {
    id: d._id,
    name: d.name,
    category: d.category,
    sku: d.sku,
    description: d.description,
    unit_price: d.unit_price_minor / 100,
    currency: d.currency,
    stock_quantity: d.stock_quantity,
    min_stock_level: d.min_stock_level,
    is_low_stock: d.is_low_stock,
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}

export function presentAssignment(a: EquipmentAssignmentDoc, items: Map<string, ItemDoc>) {
  const item = a.item_id ? items.get(a.item_id) : undefined;
  return {
    id: a._id,
    item_id: a.item_id,
    item: item ? { id: item._id, name: item.name, sku: item.sku } : null,
    kind: a.kind,
    technician_id: a.technician_id,
    ticket_id: a.ticket_id,
    quantity: a.quantity,
    serial_numbers: a.serial_numbers,
    status: a.status,
    notes: a.notes,
    quantity_returned: a.quantity_returned,
    condition: a.condition,
    return_notes: a.return_notes,
    assigned_at: a.assigned_at,
    returned_at: a.returned_at,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

export const INVENTORY_SCHEMAS = {
  TmsInventoryItem: object({
    id: uuid(),
    name: string(),
    category: string(),
    sku: string(),
    description: nullableString(),
    unit_price: number('In the currency below (major units, at most two decimals).'),
    currency: string('ISO 4217 (INVENTORY_CURRENCY).'),
    stock_quantity: integer(),
    min_stock_level: integer(),
    is_low_stock: boolean('stock_quantity <= min_stock_level.'),
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
  TmsEquipmentAssignment: object({
    id: uuid(),
    item_id: nullable(uuid()),
    item: nullable(object({ id: uuid(), name: string(), sku: string() })),
    kind: oneOfValues(['stock', 'device'], 'stock: an item handed over (with the serial numbers of its devices, if any); device: a device assigned on its own (document 003).'),
    technician_id: uuid('Who holds it.'),
    ticket_id: nullable(uuid()),
    quantity: integer(),
    serial_numbers: array(string()),
    status: oneOfValues(['assigned', 'returned']),
    notes: nullableString(),
    quantity_returned: nullable(integer()),
    condition: nullable(oneOfValues(['good', 'damaged', 'lost'])),
    return_notes: nullableString(),
    assigned_at: dateTime(),
    returned_at: nullable(dateTime()),
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
};
