import type { InvoiceStatus } from '../../domain/invoice';

/**
 * Document 004's words for invoices (DESIGN.md §5), both ways, in one place for the portal and
 * the admin modules (docs/api/004-portal.md, "Vocabulary").
 */

/** Invoices: draft, issued, paid, overdue, void → draft, pending, paid, overdue, cancelled; a paid invoice refunded in full is `refunded`. */
export const INVOICE_STATUS_004: Record<InvoiceStatus, string> = {
  draft: 'draft',
  issued: 'pending',
  paid: 'paid',
  overdue: 'overdue',
  void: 'cancelled',
  refunded: 'refunded',
};
export const INVOICE_STATUSES_004 = ['draft', 'pending', 'paid', 'overdue', 'cancelled', 'refunded'] as const;
export type InvoiceStatus004 = (typeof INVOICE_STATUSES_004)[number];
export const INVOICE_STATUS_FROM_004: Record<InvoiceStatus004, InvoiceStatus> = {
  draft: 'draft',
  pending: 'issued',
  paid: 'paid',
  overdue: 'overdue',
  cancelled: 'void',
  refunded: 'refunded',
};

/** Tickets, priorities and categories: src/domain/ticket/dotmac-vocabulary.ts (shared with the admin support module and webhooks). */
