import type { Doc } from '../../ports/read-store';

/**
 * The inventory read models (projector.ts), in canonical vocabulary; each API's presenter maps
 * them to its document's field names (docs/api/003-inventory.md, docs/api/000-inventory.md).
 */

/** A document type's named fields (without Doc's index signature), for Omit and Pick. */
export type Fields<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

export const INVENTORY_ITEMS = 'inventory_items';
export const INVENTORY_MOVEMENTS = 'inventory_movements';
/** Document 000's equipment assignments: stock assignments and devices assigned on their own. */
export const EQUIPMENT_ASSIGNMENTS = 'inventory_assignments';
export const DEVICES = 'devices';
export const DEVICE_ASSIGNMENTS = 'device_assignments';
/** Users as holders of devices (document 003's users). */
export const INVENTORY_PEOPLE = 'inventory_people';
/** Maintained counters for the KPIs and charts: `all`, and `branch:<id>` / `branch:none`. */
export const INVENTORY_COUNTERS = 'inventory_counters';
export const INVENTORY_ACTIVITY = 'inventory_activity';

export interface ItemDoc extends Doc {
  number: number;
  name: string;
  category: string;
  /** category folded to lower case, for the case-insensitive filter. */
  category_key: string;
  sku: string;
  description: string | null;
  unit_price_minor: number;
  currency: string;
  stock_quantity: number;
  min_stock_level: number;
  is_low_stock: boolean;
  search_keys: string[];
  revision: number;
  created_at: string;
  updated_at: string;
}

export type MovementType = 'received' | 'assigned' | 'returned' | 'adjusted' | 'written_off' | 'assignment_cancelled';

export interface MovementDoc extends Doc {
  /** The event's log position: the order of movements. */
  seq: number;
  item_id: string;
  item_name: string;
  sku: string;
  category_key: string;
  type: MovementType;
  /** Signed change of the available quantity (a damaged return changes nothing). */
  change: number;
  /** Units moved (for a return, the units that came back). */
  quantity: number;
  quantity_after: number;
  reason: string;
  assignment_id: string | null;
  technician_id: string | null;
  condition: string | null;
  actor_user_id: string | null;
  at: string;
}

export interface EquipmentAssignmentDoc extends Doc {
  /** The position of the event that created it: newest first, and the tie-breaker. */
  seq: number;
  kind: 'stock' | 'device';
  item_id: string | null;
  device_id: string | null;
  technician_id: string;
  ticket_id: string | null;
  quantity: number;
  serial_numbers: string[];
  status: 'assigned' | 'returned';
  notes: string | null;
  quantity_returned: number | null;
  condition: string | null;
  return_notes: string | null;
  assigned_at: string;
  returned_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface CurrentAssignment {
  assignment_id: string;
  number: number;
  user_id: string;
  user_number: number;
  branch_id: number | null;
  assigned_date: string;
  usage: string;
  notes: string | null;
  ticket_id: string | null;
}

export interface DeviceDoc extends Doc {
  number: number;
  asset_code: string;
  brand: string;
  model: string;
  serial_number: string;
  condition: string;
  category_id: number;
  spec1: string | null;
  spec2: string | null;
  spec3: string | null;
  spec4: string | null;
  spec5: string | null;
  purchase_date: string | null;
  branch_id: number | null;
  current: CurrentAssignment | null;
  is_assigned: boolean;
  search_keys: string[];
  revision: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

export interface DeviceSnapshot {
  number: number;
  asset_code: string;
  brand: string;
  model: string;
  serial_number: string;
}

export interface DeviceAssignmentDoc extends Doc {
  number: number;
  device_id: string;
  /** The device as it is (kept up to date while it exists, as it was when deleted). */
  device: DeviceSnapshot;
  category_id: number;
  user_id: string;
  user_number: number;
  branch_id: number | null;
  assigned_date: string;
  returned_date: string | null;
  usage: string;
  notes: string | null;
  return_notes: string | null;
  return_condition: string | null;
  is_active: boolean;
  ticket_id: string | null;
  handover_id: string | null;
  search_keys: string[];
  created_at: string;
  created_by: string | null;
  updated_at: string;
  returned_at: string | null;
}

export interface PersonDoc extends Doc {
  number: number;
  name: string;
  email: string;
  role: string;
  /** Not a customer's login: may hold devices, listed by document 003. */
  staff: boolean;
  is_active: boolean;
  pn: string | null;
  position: string | null;
  department_id: number | null;
  branch_id: number | null;
  active_devices_count: number;
  search_keys: string[];
}

export interface CountersDoc extends Doc {
  branch_id: number | null;
  total: number;
  in_use: number;
  available: number;
  damaged: number;
  good: number;
  needs_check: number;
  /** Devices in the damaged condition (the chart's "Rusak"; equals `damaged`). */
  condition_damaged: number;
}

export interface ActivityDoc extends Doc {
  seq: number;
  type: string;
  category: string;
  title: string;
  device_label: string;
  holder_user_id: string | null;
  actor_user_id: string | null;
  branch_id: number | null;
  assignment_id: string | null;
  at: string;
}
