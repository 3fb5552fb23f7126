import type { SecretBox } from '../ports/secret-box';
import type { AuthDeps } from './auth';
import type { MikrotikCommandDeps } from './mikrotik-servers';
import type { TicketCommandDeps } from './tickets';
import type { InventoryCommandDeps } from './inventory-settings';
import type { BillingCommandDeps } from './billing/deps';
import type { PortalCommandDeps } from './portal-accounts';
import type { WebhookCommandDeps } from './webhooks';

/**
 * Everything the use cases of every document need, as the composition root (src/app.ts) builds
 * it: the event store, registry, clock and ids of CommandDeps, plus what particular use cases
 * add (hashing and mail for auth, the SLA policy for tickets, encryption at rest for stored
 * credentials, ...). A use case declares the narrower deps it needs; this is their union.
 */
export interface AppCommandDeps extends AuthDeps, TicketCommandDeps, MikrotikCommandDeps, InventoryCommandDeps, BillingCommandDeps, WebhookCommandDeps, PortalCommandDeps {
  secrets: SecretBox;
}
