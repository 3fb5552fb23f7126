import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, ValidationError } from '../shared/errors';
import { subscriptionDecider, type SubscriptionCommand } from './decider';
import { SUBSCRIPTION_STATUSES, type SubscriptionEvent, type SubscriptionStatus } from './events';

/**
 * Service instance status changes (document 004 `PUT /api/v1/services/instances/{id}/status`):
 * provisioned pending or active, activate / suspend / terminate with the reason in words, notes
 * and an effective date, over the same subscription document 002 bills.
 */

const spec = deciderSpec(subscriptionDecider);
const now = '2026-03-01T02:00:00.000Z';
const earlier = '2026-02-28T00:00:00.000Z';
const ref = { subscriptionId: 4, customerId: 'c1', pelangganId: 12 };
const terms = { planId: 2, dueDate: '2026-03-10', paymentMethod: 'Manual' };
const provisioning = { pending: true, installationDate: '2026-03-05', configuration: { static_ip: true, additional_emails: 5 }, notes: 'Customer requested static IP' };
const details = { note: 'Non-payment', notes: 'Account 30 days overdue', effectiveDate: earlier };

const pendingCreated: SubscriptionEvent = {
  type: 'SubscriptionCreated',
  data: { ...ref, ...terms, pending: true, installationDate: '2026-03-05', configuration: { static_ip: true, additional_emails: 5 }, notes: 'Customer requested static IP', createdAt: now },
};
const activeCreated: SubscriptionEvent = { type: 'SubscriptionCreated', data: { ...ref, ...terms, createdAt: now } };
const activated: SubscriptionEvent = { type: 'SubscriptionActivated', data: { ...ref, ...details, activatedAt: now } };
const suspended: SubscriptionEvent = { type: 'SubscriptionSuspended', data: { ...ref, reason: 'manual', invoiceId: null, suspendedAt: now, ...details } };
const terminated: SubscriptionEvent = { type: 'SubscriptionTerminated', data: { ...ref, reason: 'Moved away', terminatedAt: now, ...details } };

const activate: SubscriptionCommand = { type: 'ActivateSubscription', details, now };
const suspend: SubscriptionCommand = { type: 'SuspendSubscription', reason: 'manual', invoiceId: null, details, now };
const terminate: SubscriptionCommand = { type: 'TerminateSubscription', reason: 'Moved away', details, now };

const history: Record<SubscriptionStatus, SubscriptionEvent[]> = {
  pending: [pendingCreated],
  active: [pendingCreated, activated],
  suspended: [activeCreated, suspended],
  terminated: [activeCreated, terminated],
};

describe('service instance status', () => {
  it('is provisioned pending, with its installation date, configuration and notes', () => {
    spec.given([]).when({ type: 'CreateSubscription', ...ref, terms, provisioning, now }).then([pendingCreated]);
    const state = subscriptionDecider.evolve(subscriptionDecider.initialState(), pendingCreated);
    expect(state.status).toBe('pending');
  });

  it('is provisioned active at once when not pending (the 002 way)', () => {
    spec
      .given([])
      .when({ type: 'CreateSubscription', ...ref, terms, provisioning: { ...provisioning, pending: false }, now })
      .then([{ type: 'SubscriptionCreated', data: { ...ref, ...terms, installationDate: '2026-03-05', configuration: { static_ip: true, additional_emails: 5 }, notes: 'Customer requested static IP', createdAt: now } }]);
    spec.given([]).when({ type: 'CreateSubscription', ...ref, terms, provisioning: { ...provisioning, installationDate: '2026-02-30' }, now }).thenThrows(ValidationError);
  });

  const cases: Array<[SubscriptionStatus, 'activate' | 'suspend' | 'terminate', string]> = [
    ['pending', 'activate', 'SubscriptionActivated'],
    ['pending', 'suspend', 'refused'],
    ['pending', 'terminate', 'SubscriptionTerminated'],
    ['active', 'activate', 'nothing'],
    ['active', 'suspend', 'SubscriptionSuspended'],
    ['active', 'terminate', 'SubscriptionTerminated'],
    ['suspended', 'activate', 'SubscriptionReactivated'],
    ['suspended', 'suspend', 'nothing'],
    ['suspended', 'terminate', 'SubscriptionTerminated'],
    ['terminated', 'activate', 'refused'],
    ['terminated', 'suspend', 'refused'],
    ['terminated', 'terminate', 'nothing'],
  ];
  it('covers every status with every change', () => expect(new Set(cases.map(([s]) => s))).toEqual(new Set(SUBSCRIPTION_STATUSES)));

  it.each(cases)('%s + %s → %s', (status, change, expected) => {
    const command = { activate, suspend, terminate }[change];
    const state = history[status].reduce(subscriptionDecider.evolve, subscriptionDecider.initialState());
    let outcome: string;
    try {
      const events = subscriptionDecider.decide(command, state);
      outcome = events.length ? events.map((e) => e.type).join(',') : 'nothing';
    } catch (err) {
      expect(err).toBeInstanceOf(IllegalStateError);
      outcome = 'refused';
    }
    expect(outcome).toBe(expected);
  });

  it('records the reason, the notes and the effective date with each change', () => {
    spec.given(history.pending).when(activate).then([activated]);
    spec.given(history.active).when(suspend).then([{ type: 'SubscriptionSuspended', data: { ...ref, reason: 'manual', invoiceId: null, suspendedAt: now, ...details } }]);
    spec
      .given(history.suspended)
      .when(activate)
      .then([{ type: 'SubscriptionReactivated', data: { ...ref, reason: 'manual', invoiceId: null, reactivatedAt: now, ...details } }]);
    spec.given(history.active).when(terminate).then([terminated]);
  });

  it('refuses an effective date in the future', () => {
    spec
      .given(history.active)
      .when({ ...suspend, details: { ...details, effectiveDate: '2026-03-02T00:00:00.000Z' } } as SubscriptionCommand)
      .thenThrows(ValidationError, (e) => expect(e.fields).toEqual({ effective_date: ['The effective date may not be in the future.'] }));
  });

  it('the state follows: activated, suspended, then terminated for good', () => {
    const state = [pendingCreated, activated, { ...suspended }].reduce(subscriptionDecider.evolve, subscriptionDecider.initialState());
    expect(state.status).toBe('suspended');
  });
});
