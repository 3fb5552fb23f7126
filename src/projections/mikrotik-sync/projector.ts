import type { MikrotikSyncEvent } from '../../domain/mikrotik-sync';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const PPPOE_SYNC_STATUS = 'pppoe_sync_status';

/**
 * The last PPPoE sync of each customer (`_id` = the customer's UUID), from PppoeSynced and
 * PppoeSyncFailed: what the customer's technical data shows about its Mikrotik provisioning.
 * The full history of attempts is the customer's `mikrotik_sync-<customerId>` stream.
 */
export interface PppoeSyncStatusDoc extends Doc {
  customer_id: string;
  pelanggan_id: number;
  mikrotik_server_id: number;
  /** Outcome of the last attempt. */
  status: 'synced' | 'failed';
  attempts: number;
  last_attempt_at: string;
  /** Reason of the last attempt when it failed; null after a success. */
  last_error: string | null;
  /** The last successful sync: when, and what the router was left holding. */
  last_synced_at: string | null;
  secret_name: string | null;
  profile: string | null;
  disabled: boolean | null;
  action: string | null;
}

export const mikrotikSyncProjector: Projector = {
  name: 'mikrotik_sync',
  handles: ['PppoeSynced', 'PppoeSyncFailed'],
  collections: {
    [PPPOE_SYNC_STATUS]: [{ keys: { pelanggan_id: 1 } }],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & MikrotikSyncEvent;
    const col = ctx.collection<PppoeSyncStatusDoc>(PPPOE_SYNC_STATUS);
    const { customerId, pelangganId, mikrotikServerId } = event.data;
    const base = { customer_id: customerId, pelanggan_id: pelangganId, mikrotik_server_id: mikrotikServerId, last_attempt_at: event.metadata.timestamp };
    // The stream revision counts the attempts (one event each).
    const attempts = event.revision + 1;
    if (event.type === 'PppoeSynced') {
      const d = event.data;
      await applyOnce(
        col,
        customerId,
        event.position,
        {
          $set: {
            ...base,
            attempts,
            status: 'synced',
            last_error: null,
            last_synced_at: d.syncedAt,
            secret_name: d.secretName,
            profile: d.profile,
            disabled: d.disabled,
            action: d.action,
          },
        },
        { upsert: true },
      );
      return;
    }
    await applyOnce(
      col,
      customerId,
      event.position,
      {
        $set: { ...base, attempts, status: 'failed', last_error: event.data.reason },
        $setOnInsert: { last_synced_at: null, secret_name: null, profile: null, disabled: null, action: null },
      },
      { upsert: true },
    );
  },
};
