import type { SubscriptionStatus } from '../../domain/subscription';

/**
 * Document 002's words for canonical values (docs/api/002-billing.md, vocabulary mapping).
 * Pure: used by the projector and by the API's presenters and filters.
 */

export const SEGMENTS = ['setia', 'lunas-telat', 'menunggak'] as const;
export type Segment = (typeof SEGMENTS)[number];

/**
 * Loyalty from payment history: `menunggak` has an invoice now overdue (unpaid past its due
 * date, as the daily overdue job or the gateway marked it); `lunas-telat` owes nothing overdue
 * but paid some invoice after its due date; `setia` is everyone else.
 */
export function segmentOf(counts: { overdue_invoices: number; late_payments: number }): Segment {
  if (counts.overdue_invoices > 0) return 'menunggak';
  if (counts.late_payments > 0) return 'lunas-telat';
  return 'setia';
}

export const SUBSCRIPTION_LABELS: Record<SubscriptionStatus, string> = { active: 'Aktif', suspended: 'Suspended', terminated: 'Berhenti', pending: 'Pending' };
export const CUSTOMER_LABELS: Record<string, string> = { active: 'Aktif', pending: 'Pending', suspended: 'Suspended', cancelled: 'Berhenti' };
export const PELANGGAN_STATUSES = ['Aktif', 'Suspended', 'Berhenti', 'Pending'] as const;

/** A customer's 002 status: its current subscription's, else the customer's own. */
export function labelOf(customerStatus: string, subscription: SubscriptionStatus | null): string {
  if (subscription !== null) return SUBSCRIPTION_LABELS[subscription];
  return CUSTOMER_LABELS[customerStatus] ?? 'Aktif';
}
