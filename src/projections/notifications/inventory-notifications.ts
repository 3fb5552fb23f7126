import type { Collection, Doc } from '../../ports/read-store';
import { insertOnce, type ProjectedEvent } from '../engine/projector';
import { derivedUuid } from '../tickets/derived-id';
import type { NotificationDoc } from './projector';

/**
 * Inventory notifications (docs/api/000-inventory.md): every active inventory manager (role
 * `manager`) is told when an item falls to its minimum level or below (`low_stock`, from
 * InventoryItemLowStock, raised once per fall) and gets the daily digest of the items that are
 * low (`low_stock_digest`, from the job's LowStockDigestIssued). Also the one who caused the fall:
 * stock running out is news to every manager. Registered in projector.ts; the socket.io gateway
 * sends each as `notification:new`.
 */
export const INVENTORY_NOTIFICATION_TYPES = ['low_stock', 'low_stock_digest'] as const;

/** The role that manages the inventory. */
export const INVENTORY_MANAGER_ROLES = ['manager'] as const;

export const INVENTORY_NOTIFYING_EVENTS = ['InventoryItemLowStock', 'LowStockDigestIssued'] as const;

interface UserFactsDoc extends Doc {
  role: string;
  is_active: boolean;
}

interface LowStock {
  itemId: string;
  name: string;
  sku: string;
  quantity: number;
  minStockLevel: number;
}

const item = (i: LowStock) => ({ item_id: i.itemId, name: i.name, sku: i.sku, quantity: i.quantity, min_stock_level: i.minStockLevel });

export async function applyInventoryNotification(
  event: ProjectedEvent,
  ctx: { users: Collection<UserFactsDoc>; notifications: Collection<NotificationDoc> },
): Promise<void> {
  let planned: Pick<NotificationDoc, 'type' | 'title' | 'message' | 'data'>;
  if (event.type === 'InventoryItemLowStock') {
    const d = event.data as unknown as LowStock;
    planned = {
      type: 'low_stock',
      title: `Low stock: ${d.name}`,
      message: `${d.name} (${d.sku}) is down to ${d.quantity} (minimum ${d.minStockLevel}).`,
      data: item(d),
    };
  } else if (event.type === 'LowStockDigestIssued') {
    const d = event.data as unknown as { date: string; items: LowStock[] };
    const listed = d.items.slice(0, 10).map((i) => `${i.name} (${i.quantity}/${i.minStockLevel})`);
    planned = {
      type: 'low_stock_digest',
      title: `Low stock digest ${d.date}`,
      message: `${d.items.length} item${d.items.length === 1 ? ' is' : 's are'} at or below the minimum level: ${listed.join(', ')}${d.items.length > 10 ? ', …' : ''}.`,
      data: { date: d.date, items: d.items.map(item) },
    };
  } else {
    return;
  }
  const managers = await ctx.users.find({ role: { $in: [...INVENTORY_MANAGER_ROLES] }, is_active: true }, { sort: { _id: 1 } });
  const at = event.metadata.timestamp;
  for (const m of managers) {
    const id = derivedUuid(event.id, `notification:${m._id}`);
    await insertOnce<NotificationDoc>(
      ctx.notifications,
      {
        _id: id,
        id,
        user_id: m._id,
        ...planned,
        is_read: false,
        read_at: null,
        created_at: at,
        changed_at: at,
        source_event_id: event.id,
        source_position: event.position,
      },
      event.position,
    );
  }
}
