import { isCalendarDate } from '../customer/decider';
import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import type { SubscriptionEvent, SubscriptionStatus, SubscriptionTerms } from './events';

/** 004: the reason in words, notes, and the time the change takes effect (not in the future). */
export interface StatusChangeDetails {
  note?: string | null;
  notes?: string | null;
  effectiveDate?: string;
}

/** 004 provisioning details. */
export interface Provisioning {
  pending: boolean;
  installationDate: string | null;
  configuration: Record<string, string | number | boolean | null>;
  notes: string | null;
}

export interface SubscriptionState {
  exists: boolean;
  subscriptionId: number;
  customerId: string;
  pelangganId: number;
  status: SubscriptionStatus;
  terms: SubscriptionTerms | null;
}

export type SubscriptionCommand =
  | { type: 'CreateSubscription'; subscriptionId: number; customerId: string; pelangganId: number; terms: SubscriptionTerms; provisioning?: Provisioning; now: string }
  | { type: 'UpdateSubscription'; changes: Partial<SubscriptionTerms>; now: string }
  | { type: 'SuspendSubscription'; reason: 'overdue' | 'manual'; invoiceId: number | null; details?: StatusChangeDetails; now: string }
  | { type: 'ReactivateSubscription'; reason: 'payment' | 'manual'; invoiceId: number | null; details?: StatusChangeDetails; now: string }
  | { type: 'TerminateSubscription'; reason: string | null; details?: StatusChangeDetails; now: string }
  /** 004: starts a pending service (activating an active one changes nothing). */
  | { type: 'ActivateSubscription'; details?: StatusChangeDetails; now: string };

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
      const { subscriptionId, customerId, pelangganId, planId, dueDate, paymentMethod, pending } = event.data;
      return { exists: true, subscriptionId, customerId, pelangganId, status: pending ? 'pending' : 'active', terms: { planId, dueDate, paymentMethod } };
    }
    case 'SubscriptionActivated':
      return { ...state, status: 'active' };
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

/** The 004 details as recorded: only those given, the effective date never after `now`. */
function detailsOf(details: StatusChangeDetails | undefined, now: string): StatusChangeDetails {
  if (!details) return {};
  if (details.effectiveDate !== undefined && Date.parse(details.effectiveDate) > Date.parse(now)) {
    throw new ValidationError({ effective_date: ['The effective date may not be in the future.'] });
  }
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)) as StatusChangeDetails;
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
    const { subscriptionId, customerId, pelangganId, terms, now, provisioning } = command;
    if (provisioning?.installationDate && !isCalendarDate(provisioning.installationDate)) {
      throw new ValidationError({ installation_date: ['The installation date must be a date (YYYY-MM-DD).'] });
    }
    const extra = provisioning
      ? { ...(provisioning.pending ? { pending: true } : {}), installationDate: provisioning.installationDate, configuration: provisioning.configuration, notes: provisioning.notes }
      : {};
    return [{ type: 'SubscriptionCreated', data: { subscriptionId, customerId, pelangganId, ...terms, ...extra, createdAt: now } }];
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
      if (state.status === 'pending') throw new IllegalStateError('A pending service is not running: activate or terminate it', 'pending', ['active']);
      return [{ type: 'SubscriptionSuspended', data: { ...ref, reason: command.reason, invoiceId: command.invoiceId, suspendedAt: command.now, ...detailsOf(command.details, command.now) } }];
    case 'ReactivateSubscription':
      if (state.status === 'terminated') throw terminated();
      if (state.status === 'active' || state.status === 'pending') return [];
      return [{ type: 'SubscriptionReactivated', data: { ...ref, reason: command.reason, invoiceId: command.invoiceId, reactivatedAt: command.now, ...detailsOf(command.details, command.now) } }];
    case 'ActivateSubscription':
      if (state.status === 'terminated') throw terminated();
      if (state.status === 'active') return [];
      if (state.status === 'suspended') {
        // A suspended service is activated again by reactivating it (the RouterOS sync reacts to that).
        return [{ type: 'SubscriptionReactivated', data: { ...ref, reason: 'manual', invoiceId: null, reactivatedAt: command.now, ...detailsOf(command.details, command.now) } }];
      }
      return [{ type: 'SubscriptionActivated', data: { ...ref, ...detailsOf(command.details, command.now), activatedAt: command.now } }];
    case 'TerminateSubscription':
      if (state.status === 'terminated') return [];
      return [{ type: 'SubscriptionTerminated', data: { ...ref, reason: command.reason, terminatedAt: command.now, ...detailsOf(command.details, command.now) } }];
  }
}

export const subscriptionDecider: Decider<SubscriptionState, SubscriptionCommand, SubscriptionEvent> = {
  initialState: initialSubscriptionState,
  evolve: evolveSubscription,
  decide: decideSubscription,
};
