import { aggregateOf } from '../domain/aggregates';
import type { EventRegistry } from '../domain/shared/events';
import type { EventStore, RecordedEvent } from '../ports/event-store';
import { eventsOfStreams } from './export';

/**
 * A customer's complete billing history in one answer, from the log: every event of its
 * invoices, payments and subscriptions (suspensions and reactivations are the subscription's
 * events; refunds will be events of the payment and invoice streams), merged in log order. The
 * streams are the billing aggregates' (src/domain/aggregates.ts `billing`) among the customer's
 * streams (the audit index).
 */

export type BillingKind = 'invoice' | 'payment' | 'refund' | 'suspension' | 'reactivation' | 'subscription';

export function billingKindOf(type: string): BillingKind {
  if (/refund|credit_?note/i.test(type)) return 'refund';
  if (type === 'SubscriptionSuspended') return 'suspension';
  if (type === 'SubscriptionReactivated') return 'reactivation';
  if (type.startsWith('Subscription')) return 'subscription';
  if (type.startsWith('Payment')) return 'payment';
  return 'invoice';
}

export interface BillingHistoryEntry {
  kind: BillingKind;
  event: RecordedEvent;
  /** The data upcast to its current shape. */
  data: Record<string, unknown>;
}

export async function billingHistory(
  deps: { eventStore: Pick<EventStore, 'readStream'>; registry: Pick<EventRegistry, 'upcast'> },
  customerStreams: readonly string[],
): Promise<BillingHistoryEntry[]> {
  const streams = customerStreams.filter((s) => aggregateOf(s)?.billing === true);
  const events = await eventsOfStreams(deps.eventStore, streams);
  return events.map((e) => ({ kind: billingKindOf(e.type), event: e, data: deps.registry.upcast(e.type, e.metadata.schemaVersion, e.data) }));
}
