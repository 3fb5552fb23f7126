import { NotFoundError } from '../../domain/shared/errors';
import { subscriptionDecider, subscriptionStream, type Provisioning, type StatusChangeDetails, type SubscriptionState, type SubscriptionTerms } from '../../domain/subscription';
import type { RequestMeta } from '../context';
import { handleCommand, loadAggregate, type CommandResult } from '../handle-command';
import { releaseUnique, reserveUnique } from '../reservations';
import { nextSequenceNumber } from '../sequences';
import { loadOpenCustomer } from './open-customer';
import type { BillingCommandDeps } from './deps';
import { loadServicePlan } from './service-plans';

/**
 * A customer has at most one current (not terminated) subscription: its package is the
 * customer's `harga_layanan`. Held by a reservation of the customer id, released when the
 * subscription is terminated.
 */
export const CURRENT_SUBSCRIPTION = 'customer_subscription';

export async function createSubscription(
  deps: BillingCommandDeps,
  input: { customerId: string; terms: SubscriptionTerms; /** 004 provisioning (pending, installation date, configuration, notes). */ provisioning?: Provisioning },
  meta: RequestMeta,
): Promise<{ subscriptionId: number; result: CommandResult<SubscriptionState> }> {
  const customer = await loadOpenCustomer(deps, input.customerId);
  await loadServicePlan(deps, input.terms.planId);
  const subscriptionId = await nextSequenceNumber(deps, 'langganan', meta);
  await reserveUnique(deps, CURRENT_SUBSCRIPTION, input.customerId, String(subscriptionId), meta);
  try {
    const result = await handleCommand(
      deps,
      subscriptionDecider,
      subscriptionStream(subscriptionId),
      {
        type: 'CreateSubscription',
        subscriptionId,
        customerId: input.customerId,
        pelangganId: customer.number,
        terms: input.terms,
        ...(input.provisioning ? { provisioning: input.provisioning } : {}),
        now: deps.clock.now().toISOString(),
      },
      meta,
    );
    return { subscriptionId, result };
  } catch (err) {
    await releaseUnique(deps, CURRENT_SUBSCRIPTION, input.customerId, String(subscriptionId), meta);
    throw err;
  }
}

export async function updateSubscription(
  deps: BillingCommandDeps,
  subscriptionId: number,
  changes: Partial<SubscriptionTerms>,
  meta: RequestMeta,
): Promise<CommandResult<SubscriptionState>> {
  if (changes.planId !== undefined) await loadServicePlan(deps, changes.planId);
  return handleCommand(deps, subscriptionDecider, subscriptionStream(subscriptionId), { type: 'UpdateSubscription', changes, now: deps.clock.now().toISOString() }, meta);
}

export function suspendSubscription(
  deps: BillingCommandDeps,
  subscriptionId: number,
  input: { reason: 'overdue' | 'manual'; invoiceId: number | null; details?: StatusChangeDetails },
  meta: RequestMeta,
): Promise<CommandResult<SubscriptionState>> {
  return handleCommand(deps, subscriptionDecider, subscriptionStream(subscriptionId), { type: 'SuspendSubscription', ...input, now: deps.clock.now().toISOString() }, meta);
}

export function reactivateSubscription(
  deps: BillingCommandDeps,
  subscriptionId: number,
  input: { reason: 'payment' | 'manual'; invoiceId: number | null; details?: StatusChangeDetails },
  meta: RequestMeta,
): Promise<CommandResult<SubscriptionState>> {
  return handleCommand(deps, subscriptionDecider, subscriptionStream(subscriptionId), { type: 'ReactivateSubscription', ...input, now: deps.clock.now().toISOString() }, meta);
}

/** Ends a subscription (002 Berhenti or DELETE); the customer may then start another one. */
export async function terminateSubscription(
  deps: BillingCommandDeps,
  subscriptionId: number,
  reason: string | null,
  meta: RequestMeta,
  details?: StatusChangeDetails,
): Promise<CommandResult<SubscriptionState>> {
  const result = await handleCommand(
    deps,
    subscriptionDecider,
    subscriptionStream(subscriptionId),
    { type: 'TerminateSubscription', reason, ...(details ? { details } : {}), now: deps.clock.now().toISOString() },
    meta,
  );
  if (result.newEvents.length > 0) await releaseUnique(deps, CURRENT_SUBSCRIPTION, result.state.customerId, String(subscriptionId), meta);
  return result;
}

/** 004: starts a pending (provisioned) service, or reactivates a suspended one. */
export function activateSubscription(deps: BillingCommandDeps, subscriptionId: number, details: StatusChangeDetails, meta: RequestMeta): Promise<CommandResult<SubscriptionState>> {
  return handleCommand(deps, subscriptionDecider, subscriptionStream(subscriptionId), { type: 'ActivateSubscription', details, now: deps.clock.now().toISOString() }, meta);
}

export async function loadSubscription(deps: Pick<BillingCommandDeps, 'eventStore' | 'registry'>, subscriptionId: number): Promise<SubscriptionState> {
  const { state } = await loadAggregate(deps, subscriptionDecider, subscriptionStream(subscriptionId));
  if (!state.exists) throw new NotFoundError('Subscription', String(subscriptionId));
  return state;
}
