import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A Mikrotik server (document 002 `mikrotik_servers`): a RouterOS router the product provisions
 * PPPoE secrets on through the RouterOS API. Stream `mikrotik_server-<id>`, the integer id from
 * the `mikrotik_server` sequence. The login to the router is stored sealed (SecretBox), name
 * and password alike: no event and no read model holds it in clear text.
 */

export const serverDetailsSchema = z.object({
  name: z.string(),
  /** IPv4, IPv6 or a host name (002 `host_ip`). */
  host: z.string(),
  /** The API port (002 `port`): 8728, or 8729 for API-SSL. */
  port: z.number().int(),
  /** API-SSL (TLS) instead of the plain API. */
  useTls: z.boolean(),
  /** RouterOS version as the operator gave it (002 `ros_version`), e.g. "7.18". */
  rosVersion: z.string().nullable(),
});
export type ServerDetails = z.infer<typeof serverDetailsSchema>;

/** The router login, each part sealed with the SecretBox. */
export const sealedCredentialsSchema = z.object({ usernameSealed: z.string(), passwordSealed: z.string() });
export type SealedCredentials = z.infer<typeof sealedCredentialsSchema>;

export const MikrotikServerRegistered = defineEvent(
  'MikrotikServerRegistered',
  serverDetailsSchema.extend({ serverId: z.number().int().positive(), ...sealedCredentialsSchema.shape, registeredAt: z.string() }),
);

/** Only the details that changed (with their previous values); new credentials appear sealed, old ones never. */
export const MikrotikServerUpdated = defineEvent(
  'MikrotikServerUpdated',
  z.object({
    serverId: z.number().int().positive(),
    changes: serverDetailsSchema.partial(),
    previous: serverDetailsSchema.partial(),
    credentials: sealedCredentialsSchema.partial().nullable(),
    updatedAt: z.string(),
  }),
);

/** 002 DELETE: the server leaves the lists; its stream stays for auditors. */
export const MikrotikServerRemoved = defineEvent(
  'MikrotikServerRemoved',
  z.object({ serverId: z.number().int().positive(), name: z.string(), removedAt: z.string() }),
);

/** The outcome of `POST /api/mikrotik_servers/{id}/test`. */
export const MikrotikServerConnectionTested = defineEvent(
  'MikrotikServerConnectionTested',
  z.object({
    serverId: z.number().int().positive(),
    ok: z.boolean(),
    /** What went wrong (connection refused, login refused, timeout ...); null when ok. */
    error: z.string().nullable(),
    /** What the router reported (/system/identity, /system/resource). */
    identity: z.string().nullable(),
    routerVersion: z.string().nullable(),
    latencyMs: z.number().int().nonnegative(),
    testedAt: z.string(),
  }),
);

export const mikrotikServerEvents = [MikrotikServerRegistered, MikrotikServerUpdated, MikrotikServerRemoved, MikrotikServerConnectionTested];

export type MikrotikServerEvent =
  | EventOf<typeof MikrotikServerRegistered>
  | EventOf<typeof MikrotikServerUpdated>
  | EventOf<typeof MikrotikServerRemoved>
  | EventOf<typeof MikrotikServerConnectionTested>;

export const MIKROTIK_SERVER_EVENT_TYPES = mikrotikServerEvents.map((e) => e.type);

export const mikrotikServerStream = (serverId: number): string => `mikrotik_server-${serverId}`;

/** The RouterOS API ports: plain and API-SSL. */
export const ROUTEROS_API_PORT = 8728;
export const ROUTEROS_API_SSL_PORT = 8729;
