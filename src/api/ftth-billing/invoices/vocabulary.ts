import type { InvoiceStatus } from '../../../domain/invoice';

/** Document 002's invoice statuses ↔ the canonical ones (DESIGN.md §5). */
export const INVOICE_LABELS: Record<InvoiceStatus, string> = {
  draft: 'Draft',
  issued: 'Menunggu Pembayaran',
  paid: 'Lunas',
  overdue: 'Jatuh Tempo',
  void: 'Dibatalkan',
  /** Paid, then refunded in full (document 004's refunds). */
  refunded: 'Dikembalikan',
};

export const INVOICE_STATUS_OF: Record<string, InvoiceStatus> = Object.fromEntries(Object.entries(INVOICE_LABELS).map(([k, v]) => [v, k as InvoiceStatus]));

export const STATUS_LABELS = Object.values(INVOICE_LABELS) as [string, ...string[]];
