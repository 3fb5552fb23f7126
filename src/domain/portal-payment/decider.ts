import type { Decider } from '../shared/decider';
import { IllegalStateError, ValidationError } from '../shared/errors';
import type { Card, PortalPaymentEvent } from './events';

export interface CheckoutAttempt {
  attemptId: string;
  amount: number;
  gatewayKey: string;
  startedAt: string;
}

export interface InvoiceCheckoutState {
  invoiceId: number;
  /** The attempt the gateway has not answered yet, if any. */
  pending: CheckoutAttempt | null;
  /** Attempts that ended, by id (a completion recorded twice records nothing). */
  ended: Record<string, 'succeeded' | 'failed'>;
}

export type InvoiceCheckoutCommand =
  | {
      type: 'StartPortalPayment';
      invoiceId: number;
      customerId: string;
      attemptId: string;
      amount: number;
      currency: string;
      /** What the invoice has outstanding now (total less what is paid). */
      outstanding: number;
      /** Configuration: whether less than what is outstanding may be paid. */
      allowPartial: boolean;
      gatewayKey: string;
      /** An attempt pending longer than this is abandoned (the gateway never answered it). */
      staleAfterMs: number;
      now: string;
    }
  | {
      type: 'CompletePortalPayment';
      customerId: string;
      attemptId: string;
      currency: string;
      outcome:
        | { succeeded: true; gateway: string; transactionId: string; card: Card; paymentId: number | null }
        | { succeeded: false; gateway: string; reason: string; transactionId: string | null; card: Card | null };
      now: string;
    };

export const initialCheckoutState = (): InvoiceCheckoutState => ({ invoiceId: 0, pending: null, ended: {} });

export function evolveCheckout(state: InvoiceCheckoutState, event: PortalPaymentEvent): InvoiceCheckoutState {
  const d = event.data;
  switch (event.type) {
    case 'PortalPaymentStarted':
      return { ...state, invoiceId: d.invoiceId, pending: { attemptId: d.attemptId, amount: event.data.amount, gatewayKey: event.data.gatewayKey, startedAt: event.data.startedAt } };
    case 'PortalPaymentSucceeded':
    case 'PortalPaymentFailed':
      return {
        ...state,
        pending: state.pending?.attemptId === d.attemptId ? null : state.pending,
        ended: { ...state.ended, [d.attemptId]: event.type === 'PortalPaymentSucceeded' ? 'succeeded' : 'failed' },
      };
  }
}

/**
 * Starting: the amount must be above 0 and at most what is outstanding, and equal to it unless
 * partial payments are allowed; no other attempt may be pending (unless it is stale, or it is
 * the same gateway key: the same payment retried, which resumes it). Completing: once.
 */
export function decideCheckout(command: InvoiceCheckoutCommand, state: InvoiceCheckoutState): PortalPaymentEvent[] {
  switch (command.type) {
    case 'StartPortalPayment': {
      if (state.pending && state.pending.gatewayKey === command.gatewayKey) return [];
      if (state.pending && Date.parse(command.now) - Date.parse(state.pending.startedAt) < command.staleAfterMs) {
        throw new IllegalStateError('Another payment of this invoice is in progress; try again in a moment', 'payment_in_progress', []);
      }
      if (command.outstanding <= 0) throw new IllegalStateError('Nothing is outstanding on this invoice', 'settled', []);
      if (!Number.isSafeInteger(command.amount) || command.amount <= 0) throw new ValidationError({ amount: ['The amount must be above 0.'] });
      if (command.amount > command.outstanding) throw new ValidationError({ amount: ['The amount may not be more than what is outstanding on the invoice.'] });
      if (!command.allowPartial && command.amount !== command.outstanding) {
        throw new ValidationError({ amount: ['The amount must equal what is outstanding on the invoice.'] });
      }
      return [
        {
          type: 'PortalPaymentStarted',
          data: {
            invoiceId: command.invoiceId,
            customerId: command.customerId,
            attemptId: command.attemptId,
            amount: command.amount,
            currency: command.currency,
            outstanding: command.outstanding,
            gatewayKey: command.gatewayKey,
            startedAt: command.now,
          },
        },
      ];
    }
    case 'CompletePortalPayment': {
      if (state.ended[command.attemptId]) return [];
      if (!state.pending || state.pending.attemptId !== command.attemptId) throw new IllegalStateError('No such payment in progress', 'none', []);
      const base = { invoiceId: state.invoiceId, customerId: command.customerId, attemptId: command.attemptId, amount: state.pending.amount, currency: command.currency };
      const o = command.outcome;
      if (o.succeeded) {
        return [{ type: 'PortalPaymentSucceeded', data: { ...base, gateway: o.gateway, transactionId: o.transactionId, card: o.card, paymentId: o.paymentId, succeededAt: command.now } }];
      }
      return [{ type: 'PortalPaymentFailed', data: { ...base, gateway: o.gateway, reason: o.reason, transactionId: o.transactionId, card: o.card, failedAt: command.now } }];
    }
  }
}

export const invoiceCheckoutDecider: Decider<InvoiceCheckoutState, InvoiceCheckoutCommand, PortalPaymentEvent> = {
  initialState: initialCheckoutState,
  evolve: evolveCheckout,
  decide: decideCheckout,
};
