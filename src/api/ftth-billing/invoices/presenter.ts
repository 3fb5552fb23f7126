import type { InvoiceDoc, PaymentDoc } from '../../../projections/billing-invoices/projector';
import { INVOICE_LABELS } from './vocabulary';

/** Document 002's invoice; `pelanggan_nama` is joined from the customers read model (null once closed). */
export function presentInvoice(doc: InvoiceDoc, names: ReadonlyMap<number, string>) {
  return {
    id: doc.id,
    nomor_invoice: doc.nomor_invoice,
    pelanggan_id: doc.pelanggan_id,
    pelanggan_nama: names.get(doc.pelanggan_id) ?? null,
    id_brand: doc.id_brand,
    periode: doc.periode,
    tanggal_invoice: doc.tanggal_invoice,
    tanggal_jatuh_tempo: doc.tanggal_jatuh_tempo,
    items: doc.items.map((i) => ({ deskripsi: i.description, jumlah: i.quantity, harga: i.unit_price, subtotal: i.amount })),
    total_harga: doc.total_harga,
    currency: doc.currency,
    status_invoice: INVOICE_LABELS[doc.status],
    paid_amount: doc.paid_amount,
    paid_at: doc.paid_at,
    payment_link: doc.payment_link,
    xendit_external_id: doc.xendit_external_id,
    gateway: doc.gateway,
    payment_link_error: doc.payment_link_error,
    langganan_id: doc.subscription_id,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

export function presentInvoiceDetail(doc: InvoiceDoc, names: ReadonlyMap<number, string>, payments: readonly PaymentDoc[]) {
  return {
    ...presentInvoice(doc, names),
    payments: payments.map((p) => ({ id: p.id, amount: p.amount, method: p.method, gateway: p.gateway, payment_channel: p.payment_channel, paid_at: p.paid_at, applied: p.applied })),
  };
}
