import type { ReadStore } from '../../ports/read-store';
import { PPPOE_SYNC_STATUS, type PppoeSyncStatusDoc } from './projector';

/** The last PPPoE sync of a customer, by its UUID; null when it was never synced. */
export function pppoeSyncStatusOfCustomer(readStore: ReadStore, customerId: string): Promise<PppoeSyncStatusDoc | null> {
  return readStore.collection<PppoeSyncStatusDoc>(PPPOE_SYNC_STATUS).findOne({ _id: customerId });
}

/** The same by document 002's integer pelanggan id. */
export function pppoeSyncStatusOfPelanggan(readStore: ReadStore, pelangganId: number): Promise<PppoeSyncStatusDoc | null> {
  return readStore.collection<PppoeSyncStatusDoc>(PPPOE_SYNC_STATUS).findOne({ pelanggan_id: pelangganId });
}

/**
 * What a customer's technical data (document 002 `data_teknis`) shows of its Mikrotik
 * provisioning, in that document's style: call it from the data-teknis presenter and put the
 * answer under `mikrotik_sync`.
 *
 *   { status: 'synced' | 'failed' | 'never', mikrotik_server_id, last_attempt_at, last_synced_at,
 *     last_error, pppoe_profile, pppoe_disabled, attempts }
 */
export interface MikrotikSyncView {
  status: 'synced' | 'failed' | 'never';
  mikrotik_server_id: number | null;
  last_attempt_at: string | null;
  last_synced_at: string | null;
  last_error: string | null;
  pppoe_profile: string | null;
  pppoe_disabled: boolean | null;
  attempts: number;
}

export function presentMikrotikSync(doc: PppoeSyncStatusDoc | null): MikrotikSyncView {
  if (!doc) {
    return { status: 'never', mikrotik_server_id: null, last_attempt_at: null, last_synced_at: null, last_error: null, pppoe_profile: null, pppoe_disabled: null, attempts: 0 };
  }
  return {
    status: doc.status,
    mikrotik_server_id: doc.mikrotik_server_id,
    last_attempt_at: doc.last_attempt_at,
    last_synced_at: doc.last_synced_at,
    last_error: doc.last_error,
    pppoe_profile: doc.profile,
    pppoe_disabled: doc.disabled,
    attempts: doc.attempts,
  };
}

/** The `mikrotik_sync` block of a pelanggan's data teknis. */
export async function mikrotikSyncForPelanggan(readStore: ReadStore, pelangganId: number): Promise<MikrotikSyncView> {
  return presentMikrotikSync(await pppoeSyncStatusOfPelanggan(readStore, pelangganId));
}
