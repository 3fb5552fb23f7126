import type { Decider } from '../shared/decider';
import type { Card } from '../portal-payment/events';
import type { PaymentMethodEvent } from './events';

export interface PaymentMethodsState {
  methods: Record<string, Card & { gateway: string }>;
}

export type PaymentMethodsCommand = { type: 'SavePaymentMethod'; customerId: string; methodId: string; gateway: string; card: Card; now: string };

export const initialPaymentMethodsState = (): PaymentMethodsState => ({ methods: {} });

export function evolvePaymentMethods(state: PaymentMethodsState, event: PaymentMethodEvent): PaymentMethodsState {
  const { methodId, gateway, type, brand, lastFour, expMonth, expYear } = event.data;
  return { methods: { ...state.methods, [methodId]: { gateway, type, brand, lastFour, expMonth, expYear } } };
}

/** Saving a method already saved records nothing; the first one saved is the default. */
export function decidePaymentMethods(command: PaymentMethodsCommand, state: PaymentMethodsState): PaymentMethodEvent[] {
  if (state.methods[command.methodId]) return [];
  return [
    {
      type: 'PaymentMethodSaved',
      data: { customerId: command.customerId, methodId: command.methodId, gateway: command.gateway, ...command.card, isDefault: Object.keys(state.methods).length === 0, savedAt: command.now },
    },
  ];
}

export const paymentMethodsDecider: Decider<PaymentMethodsState, PaymentMethodsCommand, PaymentMethodEvent> = {
  initialState: initialPaymentMethodsState,
  evolve: evolvePaymentMethods,
  decide: decidePaymentMethods,
};
