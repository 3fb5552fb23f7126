import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * The outcomes of provisioning a customer's PPPoE secret on its Mikrotik server, whether asked
 * through `POST /api/mikrotik_servers/{id}/sync/{pelanggan_id}` or by the reaction to a
 * suspension or reactivation. Stream `mikrotik_sync-<customerId>`, one event per attempt; the
 * customer's technical data shows the last one. `PppoeSyncFailed` is also what billing turns
 * into a sync-failure notification.
 */

const ref = {
  /** Document 002's integer id of the customer. */
  pelangganId: z.number().int().positive(),
  /** The customer's UUID. */
  customerId: z.string(),
  mikrotikServerId: z.number().int().positive(),
};

export const SYNC_ACTIONS = ['created', 'updated', 'unchanged'] as const;
export type SyncAction = (typeof SYNC_ACTIONS)[number];

export const PppoeSynced = defineEvent(
  'PppoeSynced',
  z.object({
    ...ref,
    /** The PPPoE secret's name on the router (the customer's PPPoE user name). */
    secretName: z.string(),
    profile: z.string(),
    /** Disabled: the customer is suspended. */
    disabled: z.boolean(),
    /** What happened to the secret: added, changed, or already as wanted. */
    action: z.enum(SYNC_ACTIONS),
    profileCreated: z.boolean(),
    /** Live PPPoE sessions disconnected (a suspension ends the one in progress). */
    activeSessionsRemoved: z.number().int().nonnegative(),
    syncedAt: z.string(),
  }),
);

export const PppoeSyncFailed = defineEvent(
  'PppoeSyncFailed',
  z.object({
    ...ref,
    /** Why, in words safe to show (router address and its own message; never a credential). */
    reason: z.string(),
  }),
);

export const mikrotikSyncEvents = [PppoeSynced, PppoeSyncFailed];
export type MikrotikSyncEvent = EventOf<typeof PppoeSynced> | EventOf<typeof PppoeSyncFailed>;
export const MIKROTIK_SYNC_EVENT_TYPES = mikrotikSyncEvents.map((e) => e.type);

export const mikrotikSyncStream = (customerId: string): string => `mikrotik_sync-${customerId}`;
