import { isCalendarDate } from '../customer/decider';
import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import type { SubscriptionEvent, SubscriptionStatus, SubscriptionTerms } from './events';

export interface SubscriptionState {
  exists: boolean;
  subscriptionId: number;
  customerId: string;
  pelangganId: number;
  status: SubscriptionStatus;
  terms: SubscriptionTerms | null;
}

export type SubscriptionCommand =
  | { type: 'CreateSubscription'; subscriptionId: number; customerId: string; pelangganId: number; terms: SubscriptionTerms; now: string }
  | { type: 'UpdateSubscription'; changes: Partial<SubscriptionTerms>; now: string }
  | { type: 'SuspendSubscription'; reason: 'overdue' | 'manual'; invoiceId: number | null; now: string }
  | { type: 'ReactivateSubscription'; reason: 'payment' | 'manual'; invoiceId: number | null; now: string }
  | { type: 'TerminateSubscription'; reason: string | null; now: string };

export const initialSubscriptionState = (): SubscriptionState => ({
  exists: false,
  subscriptionId: 0,
  customerId: '',
  pelangganId: 0,
  status: 'active',
  terms: null,
});

export function evolveSubscription(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState {
  switch (event.type) {
    case 'SubscriptionCreated': {
      const { subscriptionId, customerId, pelangganId, planId, dueDate, paymentMethod } = event.data;
      return { exists: true, subscriptionId, customerId, pelangganId, status: 'active', terms: { planId, dueDate, paymentMethod } };
    }
    case 'SubscriptionUpdated':
      return { ...state, terms: { ...state.terms!, ...event.data.changes } };
    case 'SubscriptionSuspended':
      return { ...state, status: 'suspended' };
    case 'SubscriptionReactivated':
      return { ...state, status: 'active' };
    case 'SubscriptionTerminated':
      return { ...state, status: 'terminated' };
  }
}

function check(terms: SubscriptionTerms): void {
  if (!isCalendarDate(terms.dueDate)) throw new ValidationError({ tgl_jatuh_tempo: ['The tgl jatuh tempo must be a date (YYYY-MM-DD).'] });
  if (terms.paymentMethod.trim() === '') throw new ValidationError({ metode_pembayaran: ['The metode pembayaran may not be empty.'] });
}

/**
 * Active ⇄ suspended, either → terminated (final). Suspending what is suspended, reactivating
 * what is active and terminating what is terminated change nothing (the jobs may run twice).
 */
export function decideSubscription(command: SubscriptionCommand, state: SubscriptionState): SubscriptionEvent[] {
  if (command.type === 'CreateSubscription') {
    if (state.exists) throw new IllegalStateError('Subscription already exists');
    check(command.terms);
    const { subscriptionId, customerId, pelangganId, terms, now } = command;
    return [{ type: 'SubscriptionCreated', data: { subscriptionId, customerId, pelangganId, ...terms, createdAt: now } }];
  }
  if (!state.exists) throw new NotFoundError('Subscription', String(state.subscriptionId));
  const ref = { subscriptionId: state.subscriptionId, customerId: state.customerId, pelangganId: state.pelangganId };
  const terminated = () => new IllegalStateError('The subscription has ended', 'terminated', []);
  switch (command.type) {
    case 'UpdateSubscription': {
      if (state.status === 'terminated') throw terminated();
      const current = state.terms!;
      const next = { ...current, ...Object.fromEntries(Object.entries(command.changes).filter(([, v]) => v !== undefined)) } as SubscriptionTerms;
      check(next);
      const changes: Partial<SubscriptionTerms> = {};
      const previous: Partial<SubscriptionTerms> = {};
      for (const k of Object.keys(next) as (keyof SubscriptionTerms)[]) {
        if (next[k] !== current[k]) {
          (changes as Record<string, unknown>)[k] = next[k];
          (previous as Record<string, unknown>)[k] = current[k];
        }
      }
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'SubscriptionUpdated', data: { ...ref, changes, previous, updatedAt: command.now } }];
    }
    case 'SuspendSubscription':
      if (state.status === 'terminated') throw terminated();
      if (state.status === 'suspended') return [];
      return [{ type: 'SubscriptionSuspended', data: { ...ref, reason: command.reason, invoiceId: command.invoiceId, suspendedAt: command.now } }];
    case 'ReactivateSubscription':
      if (state.status === 'terminated') throw terminated();
      if (state.status === 'active') return [];
      return [{ type: 'SubscriptionReactivated', data: { ...ref, reason: command.reason, invoiceId: command.invoiceId, reactivatedAt: command.now } }];
    case 'TerminateSubscription':
      if (state.status === 'terminated') return [];
      return [{ type: 'SubscriptionTerminated', data: { ...ref, reason: command.reason, terminatedAt: command.now } }];
  }
}

export const subscriptionDecider: Decider<SubscriptionState, SubscriptionCommand, SubscriptionEvent> = {
  initialState: initialSubscriptionState,
  evolve: evolveSubscription,
  decide: decideSubscription,
};
