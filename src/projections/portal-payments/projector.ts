import type { PaymentMethodEvent } from '../../domain/payment-method';
import type { PortalPaymentEvent } from '../../domain/portal-payment';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const PORTAL_PAYMENT_METHODS = 'portal_payment_methods';
export const PORTAL_CARD_PAYMENTS = 'portal_card_payments';

/** A saved payment method: the gateway's token and what may be shown of the card, nothing more. */
export interface PaymentMethodDoc extends Doc {
  customer_id: string;
  method_id: string;
  gateway: string;
  type: string;
  brand: string;
  last_four: string;
  exp_month: number;
  exp_year: number;
  is_default: boolean;
  saved_at: string;
}

/** The card behind a payment made in the portal (`_id` the payment id), for the payments history. */
export interface CardPaymentDoc extends Doc {
  payment_id: number;
  customer_id: string;
  invoice_id: number;
  type: string;
  brand: string;
  last_four: string;
  transaction_id: string;
}

/** The portal's payment read models: saved methods, and which card paid which payment. */
export const portalPaymentsProjector: Projector = {
  name: 'portal_payments',
  handles: ['PaymentMethodSaved', 'PortalPaymentSucceeded'],
  collections: { [PORTAL_PAYMENT_METHODS]: [{ keys: { customer_id: 1, saved_at: 1 } }], [PORTAL_CARD_PAYMENTS]: [] },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (PaymentMethodEvent | PortalPaymentEvent);
    if (event.type === 'PaymentMethodSaved') {
      const d = event.data;
      await applyOnce(
        ctx.collection<PaymentMethodDoc>(PORTAL_PAYMENT_METHODS),
        `${d.customerId}|${d.methodId}`,
        event.position,
        {
          $set: {
            customer_id: d.customerId,
            method_id: d.methodId,
            gateway: d.gateway,
            type: d.type,
            brand: d.brand,
            last_four: d.lastFour,
            exp_month: d.expMonth,
            exp_year: d.expYear,
            is_default: d.isDefault,
            saved_at: d.savedAt,
          },
        },
        { upsert: true },
      );
      return;
    }
    if (event.type === 'PortalPaymentSucceeded' && event.data.paymentId !== null) {
      const d = event.data;
      await applyOnce(
        ctx.collection<CardPaymentDoc>(PORTAL_CARD_PAYMENTS),
        String(d.paymentId),
        event.position,
        { $set: { payment_id: d.paymentId, customer_id: d.customerId, invoice_id: d.invoiceId, type: d.card.type, brand: d.card.brand, last_four: d.card.lastFour, transaction_id: d.transactionId } },
        { upsert: true },
      );
    }
  },
};
