import { performance } from 'node:perf_hooks';
import {
  checkServerDetails,
  mikrotikServerDecider,
  mikrotikServerStream,
  type MikrotikServerState,
  type SealedCredentials,
  type ServerDetails,
} from '../domain/mikrotik-server';
import { DuplicateError, NotFoundError, PreconditionFailedError, ValidationError } from '../domain/shared/errors';
import { RouterUnavailableError, type RouterIdentity, type RouterProvisioner, type RouterTarget } from '../ports/router-provisioner';
import type { SecretBox } from '../ports/secret-box';
import { mapConcurrently } from './concurrency';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult } from './handle-command';
import { releaseUnique, reserveUnique } from './reservations';
import { nextSequenceNumber } from './sequences';

/**
 * Use cases of Mikrotik servers (document 002 `/api/mikrotik_servers`): register, change and
 * remove a server, test its connection, probe every server's health. The router login is
 * sealed with the SecretBox before it reaches an event and opened only to connect. Server
 * names are unique (a reservation stream per name).
 */

export interface MikrotikSettings {
  /** The PPP profile a suspended customer's secret is moved to (MIKROTIK_SUSPENDED_PROFILE). */
  suspendedProfile: string;
}

export interface MikrotikCommandDeps extends CommandDeps {
  secrets: SecretBox;
  routers: RouterProvisioner;
  mikrotik: MikrotikSettings;
}

const NAME_KIND = 'mikrotik_server_name';

/** Reserves a server name; a name another server holds is a DuplicateError on `name`. */
async function reserveName(deps: MikrotikCommandDeps, name: string, serverId: number, meta: RequestMeta): Promise<void> {
  try {
    await reserveUnique(deps, NAME_KIND, name, String(serverId), meta);
  } catch (err) {
    if (err instanceof DuplicateError) throw new DuplicateError('name', name);
    throw err;
  }
}

export interface RegisterMikrotikServerInput {
  details: ServerDetails;
  username: string;
  password: string;
}

function requireValid(details: ServerDetails): void {
  const errors = checkServerDetails(details);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}

export async function registerMikrotikServer(
  deps: MikrotikCommandDeps,
  input: RegisterMikrotikServerInput,
  meta: RequestMeta,
): Promise<{ serverId: number; result: CommandResult<MikrotikServerState> }> {
  requireValid(input.details);
  const serverId = await nextSequenceNumber(deps, 'mikrotik_server', meta);
  const name = input.details.name.trim();
  await reserveName(deps, name, serverId, meta);
  try {
    const result = await handleCommand(
      deps,
      mikrotikServerDecider,
      mikrotikServerStream(serverId),
      {
        type: 'RegisterMikrotikServer',
        serverId,
        details: { ...input.details, name },
        credentials: { usernameSealed: deps.secrets.seal(input.username), passwordSealed: deps.secrets.seal(input.password) },
        now: deps.clock.now().toISOString(),
      },
      meta,
    );
    return { serverId, result };
  } catch (err) {
    await releaseUnique(deps, NAME_KIND, name, String(serverId), meta);
    throw err;
  }
}

/** A loaded server that exists and is not removed; NotFoundError otherwise. */
export async function loadMikrotikServer(deps: Pick<CommandDeps, 'eventStore' | 'registry'>, serverId: number) {
  const loaded = await loadAggregate(deps, mikrotikServerDecider, mikrotikServerStream(serverId));
  if (!loaded.state.exists || loaded.state.removed) throw new NotFoundError('Mikrotik server', String(serverId));
  return loaded;
}

const openStored = (secrets: SecretBox, value: string) => (secrets.isSealed(value) ? secrets.open(value) : value);

export interface UpdateMikrotikServerInput {
  details: Partial<ServerDetails>;
  username?: string;
  password?: string;
}

/**
 * Partial update. A new login is sealed only when it differs from the stored one (opened to
 * compare), so sending the same password again changes nothing. A new name is reserved first
 * and the old one released after.
 */
export async function updateMikrotikServer(
  deps: MikrotikCommandDeps,
  serverId: number,
  input: UpdateMikrotikServerInput,
  meta: RequestMeta,
  options: { ifMatch?: number } = {},
): Promise<CommandResult<MikrotikServerState>> {
  const loaded = await loadMikrotikServer(deps, serverId);
  if (options.ifMatch !== undefined && options.ifMatch !== loaded.revision) throw new PreconditionFailedError(options.ifMatch, loaded.revision);
  const current = loaded.state;
  const credentials: Partial<SealedCredentials> = {};
  if (input.username !== undefined && input.username !== openStored(deps.secrets, current.credentials.usernameSealed)) {
    credentials.usernameSealed = deps.secrets.seal(input.username);
  }
  if (input.password !== undefined && input.password !== openStored(deps.secrets, current.credentials.passwordSealed)) {
    credentials.passwordSealed = deps.secrets.seal(input.password);
  }
  const newName = input.details.name?.trim();
  const renamed = newName !== undefined && newName.toLowerCase() !== current.details.name.toLowerCase();
  const given = Object.fromEntries(Object.entries(input.details).filter(([, v]) => v !== undefined)) as Partial<ServerDetails>;
  if (newName !== undefined) requireValid({ ...current.details, ...given, name: newName });
  if (renamed) await reserveName(deps, newName, serverId, meta);
  let result: CommandResult<MikrotikServerState>;
  try {
    result = await handleCommand(
      deps,
      mikrotikServerDecider,
      mikrotikServerStream(serverId),
      { type: 'UpdateMikrotikServer', changes: given, credentials, now: deps.clock.now().toISOString() },
      meta,
      options,
    );
  } catch (err) {
    if (renamed) await releaseUnique(deps, NAME_KIND, newName, String(serverId), meta);
    throw err;
  }
  if (renamed && result.newEvents.length > 0) await releaseUnique(deps, NAME_KIND, current.details.name, String(serverId), meta);
  return result;
}

export async function removeMikrotikServer(
  deps: MikrotikCommandDeps,
  serverId: number,
  meta: RequestMeta,
  options: { ifMatch?: number } = {},
): Promise<CommandResult<MikrotikServerState>> {
  const result = await handleCommand(
    deps,
    mikrotikServerDecider,
    mikrotikServerStream(serverId),
    { type: 'RemoveMikrotikServer', now: deps.clock.now().toISOString() },
    meta,
    options,
  );
  await releaseUnique(deps, NAME_KIND, result.state.details.name, String(serverId), meta);
  return result;
}

/** Where and how to reach a server, its login opened. */
export function routerTargetOf(state: MikrotikServerState, secrets: SecretBox): RouterTarget {
  return {
    host: state.details.host,
    port: state.details.port,
    username: openStored(secrets, state.credentials.usernameSealed),
    password: openStored(secrets, state.credentials.passwordSealed),
    tls: state.details.useTls,
  };
}

export interface ProbeResult extends RouterIdentity {
  ok: boolean;
  error: string | null;
  latencyMs: number;
}

/** Connects, logs in and asks the router who it is; never throws for a router problem. */
export async function probeRouter(routers: RouterProvisioner, target: RouterTarget): Promise<ProbeResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const session = await routers.open(target);
    try {
      const identity = await session.identify();
      return { ok: true, error: null, ...identity, latencyMs: latency() };
    } finally {
      await session.close();
    }
  } catch (err) {
    if (!(err instanceof RouterUnavailableError)) throw err;
    return { ok: false, error: err.message, identity: null, version: null, boardName: null, latencyMs: latency() };
  }
}

/** `POST /api/mikrotik_servers/{id}/test`: probes the router and records the outcome. */
export async function testMikrotikServer(
  deps: MikrotikCommandDeps,
  serverId: number,
  meta: RequestMeta,
): Promise<{ probe: ProbeResult; result: CommandResult<MikrotikServerState> }> {
  const loaded = await loadMikrotikServer(deps, serverId);
  const probe = await probeRouter(deps.routers, routerTargetOf(loaded.state, deps.secrets));
  const result = await handleCommand(
    deps,
    mikrotikServerDecider,
    mikrotikServerStream(serverId),
    {
      type: 'RecordConnectionTest',
      test: { ok: probe.ok, error: probe.error, identity: probe.identity, routerVersion: probe.version, latencyMs: probe.latencyMs },
      now: deps.clock.now().toISOString(),
    },
    meta,
  );
  return { probe, result };
}

/**
 * `GET /api/mikrotik_servers/health`: probes the given servers now, a few at a time, and
 * records nothing (a read). A server removed meanwhile is left out.
 */
export async function probeMikrotikServers(
  deps: MikrotikCommandDeps,
  serverIds: readonly number[],
  concurrency = 8,
): Promise<Array<{ serverId: number; state: MikrotikServerState; probe: ProbeResult }>> {
  const out = await mapConcurrently(serverIds, concurrency, async (serverId) => {
    let state: MikrotikServerState;
    try {
      state = (await loadMikrotikServer(deps, serverId)).state;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
    return { serverId, state, probe: await probeRouter(deps.routers, routerTargetOf(state, deps.secrets)) };
  });
  return out.filter((x): x is NonNullable<typeof x> => x !== null);
}
