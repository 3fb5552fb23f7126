import type { DataTeknisDoc } from '../../../projections/billing-customers/projector';
import { SUBSCRIPTION_LABELS } from '../../../projections/billing-customers/vocabulary';
import type { MikrotikSyncView } from '../../../projections/mikrotik-sync/queries';

/**
 * Document 002's data teknis. The PPPoE password is never shown: only whether one is set
 * (`password_pppoe` is `"********"` or null). `mikrotik_sync` is the last PPPoE sync the RouterOS
 * side recorded (its read model, `mikrotikSyncForPelanggan`).
 */
export function presentDataTeknis(doc: DataTeknisDoc, sync: MikrotikSyncView) {
  return {
    id: doc.id,
    pelanggan_id: doc.pelanggan_id,
    ip_pelanggan: doc.ip_pelanggan,
    vlan: doc.vlan,
    username_pppoe: doc.username_pppoe,
    password_pppoe: doc.password_pppoe_sealed ? '********' : null,
    sn_ont: doc.sn_ont,
    port_odp: doc.port_odp,
    port_olt: doc.port_olt,
    mikrotik_server_id: doc.mikrotik_server_id,
    status: doc.langganan_status ? SUBSCRIPTION_LABELS[doc.langganan_status] : null,
    mikrotik_sync: sync,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}
