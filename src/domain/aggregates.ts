import type { Decider, DomainEvent } from './shared/decider';
import type { EventDefinition } from './shared/events';
import { userDecider, userEvents } from './user';
import { sessionDecider, sessionEvents } from './session';
import { customerDecider, customerEvents } from './customer';
import { ticketDecider, ticketEvents } from './ticket';
import { technicianDecider, technicianEvents } from './technician';
import { serviceRequestDecider, serviceRequestEvents } from './service-request';
import { notificationEvents, notificationInboxDecider } from './notification';
import { brandDecider, brandEvents } from './brand';
import { servicePlanDecider, servicePlanEvents } from './service-plan';
import { subscriptionDecider, subscriptionEvents } from './subscription';
import { technicalDataDecider, technicalDataEvents } from './technical-data';
import { invoiceDecider, invoiceEvents } from './invoice';
import { paymentDecider, paymentEvents } from './payment';
import { mikrotikServerDecider, mikrotikServerEvents } from './mikrotik-server';
import { mikrotikSyncEvents, pppoeSyncDecider } from './mikrotik-sync';
import { inventoryItemDecider, inventoryItemEvents, LowStockDigestIssued, lowStockDigestDecider } from './inventory-item';
import { deviceDecider, deviceEvents } from './device';
import { portalAccountDecider, portalAccountEvents } from './portal-account';
import { serviceUsageDecider, serviceUsageEvents } from './service-usage';
import { invoiceCheckoutDecider, portalPaymentEvents } from './portal-payment';
import { paymentMethodsDecider, paymentMethodEvents } from './payment-method';
import { branch } from './branch';
import { mainBranch } from './main-branch';
import { department } from './department';
import { category } from './category';
import { parentCategory } from './parent-category';
import { webhookDecider, webhookEvents } from './webhook';
import { webhookDeliveryDecider, webhookDeliveryEvents } from './webhook-delivery';
import { knowledgeArticleDecider, knowledgeArticleEvents } from './knowledge-article';

/**
 * Every aggregate, by the prefix of its stream names (`ticket-<uuid>` → `ticket`): the decider
 * whose `initialState` and `evolve` give the aggregate's state at any revision (the audit API's
 * `GET /api/v1/audit/streams/{stream}/state`, the CLI's `replay`), and the event types its
 * streams hold. One place to extend: an aggregate added to src/domain registers its line here
 * (aggregates.unit.test.ts fails for a registered event type no aggregate folds).
 *
 * `billing`: its streams make up a customer's billing history (invoices, payments, refunds,
 * suspensions: the subscription's events). Streams that are not aggregates (uniqueness
 * reservations, sequences, idempotency keys, reactor checkpoints) have no entry: their events
 * are read as they are, they have no state.
 */
export interface AggregateType {
  /** The stream name prefix, before the first `-`. */
  prefix: string;
  /** What it is, for people (`Ticket`). */
  name: string;
  initialState(): unknown;
  evolve(state: unknown, event: DomainEvent): unknown;
  events: readonly EventDefinition[];
  billing?: boolean;
}

type AnyDecider = Pick<Decider<any, any, any>, 'initialState' | 'evolve'>;

function aggregate(prefix: string, name: string, decider: AnyDecider, events: readonly EventDefinition[], options: { billing?: boolean } = {}): AggregateType {
  return {
    prefix,
    name,
    initialState: () => decider.initialState(),
    evolve: (state, event) => decider.evolve(state, event),
    events,
    ...options,
  };
}

export const AGGREGATES: readonly AggregateType[] = [
  aggregate('user', 'User', userDecider, userEvents),
  aggregate('session', 'Session (refresh-token family)', sessionDecider, sessionEvents),
  aggregate('customer', 'Customer', customerDecider, customerEvents),
  aggregate('ticket', 'Ticket', ticketDecider, ticketEvents),
  aggregate('technician', 'Technician profile', technicianDecider, technicianEvents),
  aggregate('service_request', 'Service request', serviceRequestDecider, serviceRequestEvents),
  aggregate('notifications', 'Notification inbox', notificationInboxDecider, notificationEvents),
  aggregate('brand', 'Brand', brandDecider, brandEvents),
  aggregate('service_plan', 'Service plan', servicePlanDecider, servicePlanEvents),
  aggregate('subscription', 'Subscription', subscriptionDecider, subscriptionEvents, { billing: true }),
  aggregate('technical_data', 'Technical data', technicalDataDecider, technicalDataEvents),
  aggregate('invoice', 'Invoice', invoiceDecider, invoiceEvents, { billing: true }),
  aggregate('payment', 'Payment', paymentDecider, paymentEvents, { billing: true }),
  aggregate('mikrotik_server', 'Mikrotik server', mikrotikServerDecider, mikrotikServerEvents),
  aggregate('mikrotik_sync', 'PPPoE sync of a customer', pppoeSyncDecider, mikrotikSyncEvents),
  aggregate('inventory_item', 'Inventory item', inventoryItemDecider, inventoryItemEvents),
  aggregate('low_stock_digest', 'Low-stock digest', lowStockDigestDecider, [LowStockDigestIssued]),
  aggregate('device', 'Device', deviceDecider, deviceEvents),
  aggregate('webhook', 'Webhook subscription', webhookDecider, webhookEvents),
  aggregate('webhook_delivery', 'Webhook message and its attempts', webhookDeliveryDecider, webhookDeliveryEvents),
  aggregate('kb_article', 'Knowledge-base article', knowledgeArticleDecider, knowledgeArticleEvents),
  aggregate('portal_account', 'Portal account (document 004)', portalAccountDecider, portalAccountEvents),
  aggregate('service_usage', 'Daily usage of a service in a month (document 004)', serviceUsageDecider, serviceUsageEvents),
  aggregate('invoice_checkout', 'Card payments of an invoice in the portal (document 004)', invoiceCheckoutDecider, portalPaymentEvents, { billing: true }),
  aggregate('payment_methods', "A customer's saved payment methods (document 004)", paymentMethodsDecider, paymentMethodEvents),
  ...[branch, mainBranch, department, category, parentCategory].map((r) => aggregate(r.kind, r.kind, r.decider, r.events)),
];

const byPrefix = new Map(AGGREGATES.map((a) => [a.prefix, a]));

/** The prefix of a stream name: what comes before the first `-` (`ticket-<uuid>` → `ticket`). */
export function streamPrefix(streamName: string): string {
  const dash = streamName.indexOf('-');
  return dash < 0 ? streamName : streamName.slice(0, dash);
}

/** The aggregate whose stream this is, or undefined for a stream that is not an aggregate's. */
export function aggregateOf(streamName: string): AggregateType | undefined {
  return byPrefix.get(streamPrefix(streamName));
}

/** Folds events (already upcast to their current shape) with the aggregate's own `evolve`. */
export function foldAggregate(type: AggregateType, events: readonly DomainEvent[]): unknown {
  let state = type.initialState();
  for (const e of events) state = type.evolve(state, e);
  return state;
}
