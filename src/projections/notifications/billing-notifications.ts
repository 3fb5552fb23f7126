import type { Collection, Doc } from '../../ports/read-store';
import { insertOnce, type ProjectedEvent } from '../engine/projector';
import { derivedUuid } from '../tickets/derived-id';
import type { NotificationDoc } from './projector';

/**
 * Billing notifications (document 002, docs/api/002-billing.md "Notifications"), in the one
 * notifications read model: who gets which one is decided here (`planBillingNotification`,
 * pure), and `applyBillingNotification` writes one document per recipient. Registered in
 * projector.ts and plan.ts; the `ws` gateway (/ws/notifications) pushes each to its recipient.
 *
 *  - InvoiceCreated → `new_invoice`, to billing staff, for invoices a person created (the
 *    monthly job's invoices would be one notification per customer per month: none);
 *  - PaymentReceived → `payment_received`, to billing staff;
 *  - SubscriptionSuspended / SubscriptionReactivated → `service_suspended` / `service_reactivated`,
 *    to billing staff and supervisors;
 *  - PppoeSyncFailed (from the RouterOS sync) → `mikrotik_sync_failed`, to managers,
 *    supervisors and super admins.
 *
 * Never the person who caused the event; only active users. Nothing personal is stored (no
 * customer name): ids and numbers only, so closing a customer leaves nothing to erase here.
 */
export const BILLING_NOTIFICATION_TYPES = ['new_invoice', 'payment_received', 'service_suspended', 'service_reactivated', 'mikrotik_sync_failed'] as const;
export type BillingNotificationType = (typeof BILLING_NOTIFICATION_TYPES)[number];

export const BILLING_NOTIFYING_EVENTS = ['InvoiceCreated', 'PaymentReceived', 'SubscriptionSuspended', 'SubscriptionReactivated', 'PppoeSyncFailed'] as const;

const BILLING_STAFF = ['super_admin', 'manager', 'customer_service'] as const;

/** Which roles hear of each kind (the role matrix of docs/api/002-billing.md). */
export const BILLING_NOTIFICATION_ROLES: Record<BillingNotificationType, readonly string[]> = {
  new_invoice: BILLING_STAFF,
  payment_received: BILLING_STAFF,
  service_suspended: [...BILLING_STAFF, 'supervisor'],
  service_reactivated: [...BILLING_STAFF, 'supervisor'],
  mikrotik_sync_failed: ['super_admin', 'manager', 'supervisor'],
};

export interface PlannedBillingNotification {
  type: BillingNotificationType;
  title: string;
  message: string;
  data: Record<string, unknown>;
}

const rupiah = (amount: number): string => `Rp ${amount.toLocaleString('id-ID')}`;

/** The notification an event makes (before choosing recipients), or null. */
export function planBillingNotification(event: Pick<ProjectedEvent, 'type' | 'data' | 'metadata'>): PlannedBillingNotification | null {
  const d = event.data as Record<string, unknown>;
  const actor = event.metadata.actor;
  switch (event.type) {
    case 'InvoiceCreated':
      if (!actor || actor.userId === 'system') return null;
      return {
        type: 'new_invoice',
        title: 'Invoice baru',
        message: `Invoice baru telah dibuat: ${String(d.number)} (${rupiah(Number(d.total))}).`,
        data: { invoice_id: d.invoiceId, nomor_invoice: d.number, pelanggan_id: d.pelangganId, periode: d.period, total_harga: d.total },
      };
    case 'PaymentReceived':
      return {
        type: 'payment_received',
        title: 'Pembayaran diterima',
        message: `Pembayaran ${rupiah(Number(d.amount))} diterima untuk ${String(d.invoiceNumber)}${d.applied ? '' : ' (tidak dapat diterapkan: invoice sudah lunas atau dibatalkan)'}.`,
        data: { payment_id: d.paymentId, invoice_id: d.invoiceId, nomor_invoice: d.invoiceNumber, pelanggan_id: d.pelangganId, amount: d.amount, method: d.method, applied: d.applied },
      };
    case 'SubscriptionSuspended':
      return {
        type: 'service_suspended',
        title: 'Layanan diisolir',
        message: `Langganan #${String(d.subscriptionId)} pelanggan #${String(d.pelangganId)} diisolir (${d.reason === 'overdue' ? 'tagihan jatuh tempo' : 'manual'}).`,
        data: { langganan_id: d.subscriptionId, pelanggan_id: d.pelangganId, reason: d.reason, invoice_id: d.invoiceId },
      };
    case 'SubscriptionReactivated':
      return {
        type: 'service_reactivated',
        title: 'Layanan aktif kembali',
        message: `Langganan #${String(d.subscriptionId)} pelanggan #${String(d.pelangganId)} aktif kembali (${d.reason === 'payment' ? 'pembayaran diterima' : 'manual'}).`,
        data: { langganan_id: d.subscriptionId, pelanggan_id: d.pelangganId, reason: d.reason, invoice_id: d.invoiceId },
      };
    case 'PppoeSyncFailed':
      return {
        type: 'mikrotik_sync_failed',
        title: 'Sinkronisasi Mikrotik gagal',
        message: `Sinkronisasi PPPoE pelanggan #${String(d.pelangganId)} ke server Mikrotik #${String(d.mikrotikServerId)} gagal: ${String(d.reason)}`,
        data: { pelanggan_id: d.pelangganId, mikrotik_server_id: d.mikrotikServerId, reason: d.reason },
      };
    default:
      return null;
  }
}

interface UserFactsDoc extends Doc {
  role: string;
  is_active: boolean;
}

export async function applyBillingNotification(
  event: ProjectedEvent,
  ctx: { users: Collection<UserFactsDoc>; notifications: Collection<NotificationDoc> },
): Promise<void> {
  const planned = planBillingNotification(event);
  if (!planned) return;
  const actorId = event.metadata.actor?.userId ?? null;
  const recipients = await ctx.users.find({ role: { $in: [...BILLING_NOTIFICATION_ROLES[planned.type]] }, is_active: true }, { sort: { _id: 1 } });
  const at = event.metadata.timestamp;
  for (const user of recipients) {
    if (user._id === actorId) continue;
    const id = derivedUuid(event.id, `notification:${user._id}`);
    await insertOnce<NotificationDoc>(
      ctx.notifications,
      {
        _id: id,
        id,
        user_id: user._id,
        ...(planned as Pick<NotificationDoc, 'type' | 'title' | 'message' | 'data'>),
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
