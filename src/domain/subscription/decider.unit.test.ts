import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { subscriptionDecider, type SubscriptionCommand } from './decider';
import type { SubscriptionEvent } from './events';

const spec = deciderSpec(subscriptionDecider);
const now = '2026-03-01T02:00:00.000Z';
const ref = { subscriptionId: 4, customerId: 'c1', pelangganId: 12 };
const terms = { planId: 2, dueDate: '2026-03-10', paymentMethod: 'Otomatis' };

const created: SubscriptionEvent = { type: 'SubscriptionCreated', data: { ...ref, ...terms, createdAt: now } };
const suspended: SubscriptionEvent = { type: 'SubscriptionSuspended', data: { ...ref, reason: 'overdue', invoiceId: 9, suspendedAt: now } };
const reactivated: SubscriptionEvent = { type: 'SubscriptionReactivated', data: { ...ref, reason: 'payment', invoiceId: 9, reactivatedAt: now } };
const terminated: SubscriptionEvent = { type: 'SubscriptionTerminated', data: { ...ref, reason: 'customer closed', terminatedAt: now } };

const suspend: SubscriptionCommand = { type: 'SuspendSubscription', reason: 'overdue', invoiceId: 9, now };
const reactivate: SubscriptionCommand = { type: 'ReactivateSubscription', reason: 'payment', invoiceId: 9, now };

describe('Subscription decider', () => {
  it('creates an active subscription on a plan', () => {
    spec.given([]).when({ type: 'CreateSubscription', ...ref, terms, now }).then([created]);
    spec.given([]).when({ type: 'CreateSubscription', ...ref, terms: { ...terms, dueDate: '10-03-2026' }, now }).thenThrows(ValidationError);
  });

  describe('suspension (the job, on an overdue invoice past the grace period)', () => {
    it('suspends an active subscription naming the overdue invoice', () => {
      spec.given([created]).when(suspend).then([suspended]);
    });
    it('suspending a suspended subscription changes nothing (the job may run twice)', () => {
      spec.given([created, suspended]).when(suspend).thenNothing();
    });
    it('reactivates on payment, once', () => {
      spec.given([created, suspended]).when(reactivate).then([reactivated]);
      spec.given([created, suspended, reactivated]).when(reactivate).thenNothing();
      spec.given([created]).when(reactivate).thenNothing();
    });
    it('a terminated subscription is neither suspended nor reactivated', () => {
      spec.given([created, terminated]).when(suspend).thenThrows(IllegalStateError);
      spec.given([created, suspended, terminated]).when(reactivate).thenThrows(IllegalStateError);
    });
    it('the state follows the events', () => {
      const state = [created, suspended].reduce(subscriptionDecider.evolve, subscriptionDecider.initialState());
      expect(state).toMatchObject({ status: 'suspended', pelangganId: 12, terms });
    });
  });

  it('updates terms field by field with their previous values; terminated ones refuse', () => {
    spec
      .given([created])
      .when({ type: 'UpdateSubscription', changes: { planId: 3, paymentMethod: 'Otomatis' }, now })
      .then([{ type: 'SubscriptionUpdated', data: { ...ref, changes: { planId: 3 }, previous: { planId: 2 }, updatedAt: now } }]);
    spec.given([created]).when({ type: 'UpdateSubscription', changes: { planId: 2 }, now }).thenNothing();
    spec.given([created, terminated]).when({ type: 'UpdateSubscription', changes: { planId: 3 }, now }).thenThrows(IllegalStateError);
  });

  it('terminates once', () => {
    spec.given([created, suspended]).when({ type: 'TerminateSubscription', reason: 'customer closed', now }).then([terminated]);
    spec.given([created, terminated]).when({ type: 'TerminateSubscription', reason: null, now }).thenNothing();
    spec.given([]).when({ type: 'TerminateSubscription', reason: null, now }).thenThrows(NotFoundError);
  });
});
