import { IllegalStateError } from '../shared/errors';

/**
 * The custody rules of the inventory (devices and stock), as typed errors. Each is an
 * IllegalStateError (a command the aggregate's state does not allow) with a `rule` the API
 * documents map to their own codes in one place each: document 003's ERR_DEVICE_ASSIGNED,
 * ERR_DEVICE_ALREADY_ASSIGNED, ERR_DEVICE_ALREADY_RETURNED, ... (src/api/inventory-admin/errors.ts)
 * and document 000's codes (src/api/technician-management/inventory/errors.ts).
 */
export const CUSTODY_RULES = [
  /** Deleting (or re-categorising) a device while someone holds it. */
  'device_assigned',
  /** Assigning a device someone already holds. */
  'device_already_assigned',
  /** Returning an assignment (of a device or of stock) that was returned already. */
  'already_returned',
  /** The holder already holds an active device of the same category. */
  'category_already_held',
  /** Assigning more stock than is available. */
  'insufficient_stock',
] as const;
export type CustodyRule = (typeof CUSTODY_RULES)[number];

const MESSAGES: Record<CustodyRule, string> = {
  device_assigned: 'Cannot delete device that is currently assigned.',
  device_already_assigned: 'Device is already assigned to another user.',
  already_returned: 'Device has already been returned.',
  category_already_held: 'The user already holds an active device of this category.',
  insufficient_stock: 'Not enough stock available.',
};

export class CustodyRuleError extends IllegalStateError {
  constructor(
    readonly rule: CustodyRule,
    message: string = MESSAGES[rule],
  ) {
    super(message);
    this.name = 'CustodyRuleError';
  }
}
