import type { EventDefinition } from './shared/events';
import { mikrotikServerEvents } from './mikrotik-server/events';
import { mikrotikSyncEvents } from './mikrotik-sync/events';

/** The event types of Mikrotik provisioning (document 002): servers and PPPoE sync outcomes, for the registry. */
export const mikrotikEvents: readonly EventDefinition[] = [...mikrotikServerEvents, ...mikrotikSyncEvents];
