import type { Decider } from '../shared/decider';
import { ValidationError } from '../shared/errors';
import type { PaymentEvent } from './events';

export interface PaymentState {
  exists: boolean;
  paymentId: number;
  invoiceId: number;
  amount: number;
  applied: boolean;
}

type Received = PaymentEvent['data'];

export type PaymentCommand = { type: 'ReceivePayment'; payment: Omit<Received, 'receivedAt'>; now: string };

export const initialPaymentState = (): PaymentState => ({ exists: false, paymentId: 0, invoiceId: 0, amount: 0, applied: false });

export function evolvePayment(_state: PaymentState, event: PaymentEvent): PaymentState {
  const d = event.data;
  return { exists: true, paymentId: d.paymentId, invoiceId: d.invoiceId, amount: d.amount, applied: d.applied };
}

/** Recording the same payment again records nothing (a retried request or callback). */
export function decidePayment(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  if (state.exists) return [];
  if (!Number.isSafeInteger(command.payment.amount) || command.payment.amount <= 0) {
    throw new ValidationError({ paid_amount: ['The paid amount must be a whole number of rupiah above 0.'] });
  }
  return [{ type: 'PaymentReceived', data: { ...command.payment, receivedAt: command.now } }];
}

export const paymentDecider: Decider<PaymentState, PaymentCommand, PaymentEvent> = {
  initialState: initialPaymentState,
  evolve: evolvePayment,
  decide: decidePayment,
};
