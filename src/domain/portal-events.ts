import type { EventDefinition } from './shared/events';
import { portalAccountEvents } from './portal-account/events';
import { serviceUsageEvents } from './service-usage/events';
import { portalPaymentEvents } from './portal-payment/events';
import { paymentMethodEvents } from './payment-method/events';

/** The event types of document 004's customer portal aggregates, for the registry. */
export const portalEvents: readonly EventDefinition[] = [...portalAccountEvents, ...serviceUsageEvents, ...portalPaymentEvents, ...paymentMethodEvents];
