import type { MikrotikServerEvent, ServerDetails } from '../../domain/mikrotik-server';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const MIKROTIK_SERVERS = 'mikrotik_servers';

/**
 * One document per Mikrotik server (`_id` = its integer id as a string), without the router
 * login: that stays sealed in the server's stream, read only by the commands that connect.
 * A removed server keeps its document, marked `removed`, and leaves every list and read.
 */
export interface MikrotikServerDoc extends Doc {
  id: number;
  name: string;
  host: string;
  port: number;
  use_tls: boolean;
  ros_version: string | null;
  removed: boolean;
  last_test: {
    ok: boolean;
    error: string | null;
    identity: string | null;
    router_version: string | null;
    latency_ms: number;
    tested_at: string;
  } | null;
  /** Revision of the server's stream last applied: the ETag. */
  revision: number;
  created_at: string;
  updated_at: string;
}

function detailFields(d: Partial<ServerDetails>): Partial<MikrotikServerDoc> {
  const out: Partial<MikrotikServerDoc> = {};
  if (d.name !== undefined) out.name = d.name;
  if (d.host !== undefined) out.host = d.host;
  if (d.port !== undefined) out.port = d.port;
  if (d.useTls !== undefined) out.use_tls = d.useTls;
  if (d.rosVersion !== undefined) out.ros_version = d.rosVersion;
  return out;
}

export const mikrotikServersProjector: Projector = {
  name: 'mikrotik_servers',
  handles: ['MikrotikServerRegistered', 'MikrotikServerUpdated', 'MikrotikServerRemoved', 'MikrotikServerConnectionTested'],
  collections: {
    // GET /api/mikrotik_servers/ lists the servers not removed by id; the health probe walks the same.
    [MIKROTIK_SERVERS]: [{ keys: { id: 1 }, unique: true }, { keys: { removed: 1, id: 1 } }],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & MikrotikServerEvent;
    const servers = ctx.collection<MikrotikServerDoc>(MIKROTIK_SERVERS);
    const id = String(event.data.serverId);
    const touched = { revision: event.revision, updated_at: event.metadata.timestamp };
    switch (event.type) {
      case 'MikrotikServerRegistered': {
        const { serverId, usernameSealed: _u, passwordSealed: _p, registeredAt, ...details } = event.data;
        await applyOnce(
          servers,
          id,
          event.position,
          { $set: { id: serverId, ...detailFields(details), removed: false, last_test: null, revision: event.revision, created_at: registeredAt, updated_at: registeredAt } },
          { upsert: true },
        );
        return;
      }
      case 'MikrotikServerUpdated':
        await applyOnce(servers, id, event.position, { $set: { ...detailFields(event.data.changes), ...touched } });
        return;
      case 'MikrotikServerRemoved':
        await applyOnce(servers, id, event.position, { $set: { removed: true, ...touched } });
        return;
      case 'MikrotikServerConnectionTested': {
        const d = event.data;
        const last_test = { ok: d.ok, error: d.error, identity: d.identity, router_version: d.routerVersion, latency_ms: d.latencyMs, tested_at: d.testedAt };
        // A test is not a change of the server: its ETag moves, its updated_at does not.
        await applyOnce(servers, id, event.position, { $set: { last_test, revision: event.revision } });
        return;
      }
    }
  },
};
