import { EventRegistry, type EventDefinition } from './shared/events';
import { userEvents } from './user/events';
import { sessionEvents } from './session/events';
import { serviceRequestEvents } from './service-request/events';
import { technicianEvents } from './technician/events';
import { customerEvents } from './customer/events';
import { ticketEvents } from './ticket/events';
import { notificationEvents } from './notification/events';
import { billingEvents } from './billing-events';
import { inventoryEvents } from './inventory-events';
import { mikrotikEvents } from './mikrotik-events';
import { portalEvents } from './portal-events';
import { webhookEvents } from './webhook/events';
import { webhookDeliveryEvents } from './webhook-delivery/events';
import { knowledgeArticleEvents } from './knowledge-article/events';

/** Every domain event type, for the registry that validates and upcasts them. */
export const domainEvents: readonly EventDefinition[] = [...userEvents, ...sessionEvents, ...serviceRequestEvents, ...technicianEvents, ...customerEvents, ...ticketEvents, ...notificationEvents, ...billingEvents, ...inventoryEvents, ...mikrotikEvents, ...webhookEvents, ...webhookDeliveryEvents, ...knowledgeArticleEvents, ...portalEvents];

export function createEventRegistry(extra: readonly EventDefinition[] = []): EventRegistry {
  return new EventRegistry([...domainEvents, ...extra]);
}
