import type { ReadStore } from '../../ports/read-store';
import { BILLING_PAYMENTS, type PaymentDoc } from '../billing-invoices/projector';
import { PORTAL_CARD_PAYMENTS, PORTAL_PAYMENT_METHODS, type CardPaymentDoc, type PaymentMethodDoc } from './projector';
import { pageWithTotal } from '../engine/page';

export function paymentMethodsOf(readStore: ReadStore, customerId: string): Promise<PaymentMethodDoc[]> {
  return readStore.collection<PaymentMethodDoc>(PORTAL_PAYMENT_METHODS).find({ customer_id: customerId }, { sort: { customer_id: 1, saved_at: 1 } });
}

export function cardsOfPayments(readStore: ReadStore, paymentIds: readonly number[]): Promise<CardPaymentDoc[]> {
  return paymentIds.length ? readStore.collection<CardPaymentDoc>(PORTAL_CARD_PAYMENTS).find({ _id: { $in: paymentIds.map(String) } }) : Promise.resolve([]);
}

/** A page of a customer's payments (document 002's payments: every way of paying), newest first. */
export async function paymentsPageOf(readStore: ReadStore, pelangganId: number, page: { skip: number; limit: number }): Promise<{ items: Array<PaymentDoc & { refunded_amount?: number }>; total: number }> {
  const col = readStore.collection<PaymentDoc & { refunded_amount?: number }>(BILLING_PAYMENTS);
  const filter = { pelanggan_id: pelangganId };
  return pageWithTotal(col, filter, { sort: { pelanggan_id: 1, id: -1 }, skip: page.skip, limit: page.limit });
}

export function paymentById(readStore: ReadStore, paymentId: number): Promise<(PaymentDoc & { refunded_amount?: number }) | null> {
  return readStore.collection<PaymentDoc & { refunded_amount?: number }>(BILLING_PAYMENTS).findOne({ _id: String(paymentId) });
}
