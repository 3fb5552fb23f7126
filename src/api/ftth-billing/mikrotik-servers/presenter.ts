import type { ProbeResult } from '../../../commands/mikrotik-servers';
import type { SyncOutcome } from '../../../commands/mikrotik-sync';
import type { MikrotikServerDoc } from '../../../projections/mikrotik-servers/projector';
import { array, boolean, constant, dateTime, integer, nullable, object, oneOfValues, ref, string } from '../../openapi/schema';
import { listOf } from '../envelope';

/** Read models and outcomes → document 002's field names. No credential ever leaves. */

export function presentServer(doc: MikrotikServerDoc) {
  const t = doc.last_test;
  return {
    id: doc.id,
    name: doc.name,
    host_ip: doc.host,
    port: doc.port,
    ros_version: doc.ros_version,
    use_ssl: doc.use_tls,
    connection_status: t === null ? ('unknown' as const) : t.ok ? ('online' as const) : ('offline' as const),
    last_tested_at: t?.tested_at ?? null,
    last_test_message: t === null ? null : t.ok ? `Connected to ${t.identity ?? 'the router'}` : t.error,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

export function presentTest(serverId: number, probe: ProbeResult, testedAt: string) {
  return {
    success: probe.ok,
    status: probe.ok ? ('online' as const) : ('offline' as const),
    message: probe.ok ? `Connected to ${probe.identity ?? 'the router'} (RouterOS ${probe.version ?? 'unknown'})` : (probe.error ?? 'failed'),
    server_id: serverId,
    identity: probe.identity,
    router_version: probe.version,
    board_name: probe.boardName,
    latency_ms: probe.latencyMs,
    tested_at: testedAt,
  };
}

export function presentSync(serverId: number, pelangganId: number, outcome: Extract<SyncOutcome, { status: 'synced' }>, syncedAt: string) {
  const verb = { created: 'created', updated: 'updated', unchanged: 'already up to date' }[outcome.action];
  return {
    success: true as const,
    message: `PPPoE secret ${outcome.secretName} ${verb}${outcome.disabled ? ' (disabled: suspended)' : ''}`,
    mikrotik_server_id: serverId,
    pelanggan_id: pelangganId,
    pppoe_username: outcome.secretName,
    profile: outcome.profile,
    disabled: outcome.disabled,
    action: outcome.action,
    profile_created: outcome.profileCreated,
    active_sessions_removed: outcome.activeSessionsRemoved,
    synced_at: syncedAt,
  };
}

export function presentHealthEntry(serverId: number, name: string, host: string, port: number, probe: ProbeResult) {
  return {
    id: serverId,
    name,
    host_ip: host,
    port,
    status: probe.ok ? ('online' as const) : ('offline' as const),
    latency_ms: probe.latencyMs,
    identity: probe.identity,
    router_version: probe.version,
    error: probe.error,
  };
}

/** What the presenters write, for the OpenAPI document. */
export const MIKROTIK_SCHEMAS = {
  MikrotikServer: object({
    id: integer(),
    name: string(),
    host_ip: string(),
    port: integer(),
    ros_version: nullable(string()),
    use_ssl: boolean(),
    connection_status: oneOfValues(['unknown', 'online', 'offline'], 'From the last POST …/test (unknown before the first).'),
    last_tested_at: nullable(dateTime()),
    last_test_message: nullable(string()),
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
  MikrotikServerList: listOf(ref('MikrotikServer')),
  MikrotikConnectionTest: object({
    success: boolean(),
    status: oneOfValues(['online', 'offline']),
    message: string(),
    server_id: integer(),
    identity: nullable(string('/system/identity name.')),
    router_version: nullable(string('The version the router reports.')),
    board_name: nullable(string()),
    latency_ms: integer(),
    tested_at: dateTime(),
  }),
  MikrotikSyncResult: object({
    success: constant(true),
    message: string(),
    mikrotik_server_id: integer(),
    pelanggan_id: integer(),
    pppoe_username: string(),
    profile: string(),
    disabled: boolean('True for a suspended (or ended) subscription.'),
    action: oneOfValues(['created', 'updated', 'unchanged']),
    profile_created: boolean(),
    active_sessions_removed: integer(),
    synced_at: dateTime(),
  }),
  MikrotikHealth: object({
    data: array(
      object({
        id: integer(),
        name: string(),
        host_ip: string(),
        port: integer(),
        status: oneOfValues(['online', 'offline']),
        latency_ms: integer(),
        identity: nullable(string()),
        router_version: nullable(string()),
        error: nullable(string()),
      }),
    ),
    total_count: integer(),
    online_count: integer(),
    offline_count: integer(),
    checked_at: dateTime(),
  }),
};
