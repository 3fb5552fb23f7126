import type { EventDefinition } from './shared/events';
import { brandEvents } from './brand/events';
import { servicePlanEvents } from './service-plan/events';
import { subscriptionEvents } from './subscription/events';
import { technicalDataEvents } from './technical-data/events';
import { invoiceEvents } from './invoice/events';
import { paymentEvents } from './payment/events';

/** The event types of the FTTH billing aggregates (document 002, shared with 004), for the registry. */
export const billingEvents: readonly EventDefinition[] = [
  ...brandEvents,
  ...servicePlanEvents,
  ...subscriptionEvents,
  ...technicalDataEvents,
  ...invoiceEvents,
  ...paymentEvents,
];
