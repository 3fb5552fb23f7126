import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import type { PaymentEvent } from './events';

export interface PaymentState {
  exists: boolean;
  paymentId: number;
  invoiceId: number;
  amount: number;
  applied: boolean;
  /** 004: refunded so far, and the refunds' ids (a retried refund records nothing more). */
  refunded: number;
  refundIds: string[];
  /** What the invoice and its customer are, for the refund's event. */
  invoiceNumber: string;
  customerId: string;
  pelangganId: number;
  currency: string;
}

type Received = Extract<PaymentEvent, { type: 'PaymentReceived' }>['data'];

export type PaymentCommand =
  | { type: 'ReceivePayment'; payment: Omit<Received, 'receivedAt'>; now: string }
  | { type: 'RefundPayment'; refundId: string; amount: number; reason: string | null; method: string; now: string };

export const initialPaymentState = (): PaymentState => ({
  exists: false,
  paymentId: 0,
  invoiceId: 0,
  amount: 0,
  applied: false,
  refunded: 0,
  refundIds: [],
  invoiceNumber: '',
  customerId: '',
  pelangganId: 0,
  currency: '',
});

export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.type === 'PaymentRefunded') {
    return { ...state, refunded: event.data.refundedTotal, refundIds: [...state.refundIds, event.data.refundId] };
  }
  const d = event.data;
  return {
    ...initialPaymentState(),
    exists: true,
    paymentId: d.paymentId,
    invoiceId: d.invoiceId,
    amount: d.amount,
    applied: d.applied,
    invoiceNumber: d.invoiceNumber,
    customerId: d.customerId,
    pelangganId: d.pelangganId,
    currency: d.currency,
  };
}

/** Recording the same payment again records nothing (a retried request or callback). */
export function decidePayment(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  if (command.type === 'ReceivePayment') {
    if (state.exists) return [];
    if (!Number.isSafeInteger(command.payment.amount) || command.payment.amount <= 0) {
      throw new ValidationError({ paid_amount: ['The paid amount must be a whole number of rupiah above 0.'] });
    }
    return [{ type: 'PaymentReceived', data: { ...command.payment, receivedAt: command.now } }];
  }
  if (!state.exists) throw new NotFoundError('Payment', String(state.paymentId));
  if (state.refundIds.includes(command.refundId)) return [];
  const left = state.amount - state.refunded;
  if (left <= 0) throw new IllegalStateError('The payment has been refunded in full', 'refunded', []);
  if (!Number.isSafeInteger(command.amount) || command.amount <= 0) throw new ValidationError({ amount: ['The amount must be above 0, in whole minor units.'] });
  if (command.amount > left) throw new ValidationError({ amount: [`The refund may not exceed what is left of the payment (${left} minor units).`] });
  return [
    {
      type: 'PaymentRefunded',
      data: {
        paymentId: state.paymentId,
        refundId: command.refundId,
        invoiceId: state.invoiceId,
        invoiceNumber: state.invoiceNumber,
        customerId: state.customerId,
        pelangganId: state.pelangganId,
        amount: command.amount,
        currency: state.currency,
        reason: command.reason,
        method: command.method,
        refundedTotal: state.refunded + command.amount,
        applied: state.applied,
        refundedAt: command.now,
      },
    },
  ];
}

export const paymentDecider: Decider<PaymentState, PaymentCommand, PaymentEvent> = {
  initialState: initialPaymentState,
  evolve: evolvePayment,
  decide: decidePayment,
};
