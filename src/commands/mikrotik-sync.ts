import { mikrotikSyncStream, pppoeSyncDecider, type PppoeSyncState, type SyncAction, type SyncSubjectRef } from '../domain/mikrotik-sync';
import { IllegalStateError, ValidationError } from '../domain/shared/errors';
import { RouterUnavailableError, type PppSecret, type PppSecretFields } from '../ports/router-provisioner';
import type { RequestMeta } from './context';
import { handleCommand, type CommandResult } from './handle-command';
import { loadMikrotikServer, routerTargetOf, type MikrotikCommandDeps } from './mikrotik-servers';

/**
 * Provisioning one customer's PPPoE secret on a Mikrotik server, and recording the outcome as
 * an event on `mikrotik_sync-<customerId>` (PppoeSynced or PppoeSyncFailed).
 *
 * What the router should hold follows from the customer's service:
 * - active: the secret enabled, on its plan's profile (created with the plan's rate limit when
 *   the router has none by that name);
 * - suspended or terminated: the secret disabled, on the suspended profile
 *   (MIKROTIK_SUSPENDED_PROFILE), and every live session of the user disconnected, so the
 *   customer is off now and cannot dial in again.
 * The secret is created when missing, changed when it differs, left alone when it matches.
 *
 * Our own data not allowing a sync (no PPPoE account, another server, no plan) is a typed error
 * and records nothing; the router failing (unreachable, login refused, command refused,
 * timeout) is a recorded PppoeSyncFailed, its reason safe to show.
 */

export type ServiceState = 'active' | 'suspended' | 'terminated';

/** What the sync needs to know about a customer, read from the billing read models. */
export interface PppoeSyncSubject {
  pelangganId: number;
  customerId: string;
  /** The server the customer's technical data names; null: none named yet. */
  mikrotikServerId: number | null;
  /** The PPPoE user name; null: the customer has no technical data. */
  pppoeUsername: string | null;
  /** Sealed with the SecretBox (clear text from before encryption is accepted too); null: none set. */
  pppoePasswordSealed: string | null;
  /** `ip_pelanggan`: the secret's remote address; null leaves the router's as it is. */
  remoteAddress: string | null;
  /** The plan's PPP profile and its rate limit ("50M/50M"); null: no subscription on a plan. */
  plan: { profile: string; rateLimit: string | null } | null;
  service: ServiceState;
}

export type SyncOutcome =
  | {
      status: 'synced';
      secretName: string;
      profile: string;
      disabled: boolean;
      action: SyncAction;
      profileCreated: boolean;
      activeSessionsRemoved: number;
      result: CommandResult<PppoeSyncState>;
    }
  /** `result` null: the failure was not recorded (an attempt that will be retried). */
  | { status: 'failed'; reason: string; result: CommandResult<PppoeSyncState> | null };

interface Desired {
  name: string;
  fields: PppSecretFields;
  rateLimit: string | null;
}

function desiredSecret(deps: MikrotikCommandDeps, serverId: number, s: PppoeSyncSubject): Desired {
  if (s.mikrotikServerId !== null && s.mikrotikServerId !== serverId) {
    throw new IllegalStateError(`The pelanggan is provisioned on Mikrotik server ${s.mikrotikServerId}, not ${serverId}`);
  }
  const name = s.pppoeUsername?.trim();
  if (!name) throw new ValidationError({ pelanggan_id: ['The pelanggan has no data teknis with a PPPoE user name.'] });
  if (!s.pppoePasswordSealed) throw new ValidationError({ pelanggan_id: ['The pelanggan’s data teknis has no PPPoE password.'] });
  const password = deps.secrets.isSealed(s.pppoePasswordSealed) ? deps.secrets.open(s.pppoePasswordSealed) : s.pppoePasswordSealed;
  const off = s.service !== 'active';
  if (!off && !s.plan) throw new ValidationError({ pelanggan_id: ['The pelanggan has no active subscription on a paket layanan.'] });
  return {
    name,
    fields: {
      password,
      profile: off ? deps.mikrotik.suspendedProfile : s.plan!.profile,
      disabled: off,
      ...(s.remoteAddress !== null ? { remoteAddress: s.remoteAddress } : {}),
    },
    rateLimit: off ? null : s.plan!.rateLimit,
  };
}

/** The fields of `want` that `have` does not already hold (a password the API does not show counts as different). */
function differences(have: PppSecret, want: PppSecretFields): Partial<PppSecretFields> {
  const out: Partial<PppSecretFields> = {};
  if (have.password !== want.password) out.password = want.password;
  if (have.profile !== want.profile) out.profile = want.profile;
  if (have.disabled !== want.disabled) out.disabled = want.disabled;
  if (want.remoteAddress !== undefined && (have.remoteAddress ?? null) !== want.remoteAddress) out.remoteAddress = want.remoteAddress;
  return out;
}

/** Records that a sync could not be done (PppoeSyncFailed), for failures found outside syncPppoeSecret. */
export function recordPppoeSyncFailure(
  deps: MikrotikCommandDeps,
  subject: SyncSubjectRef,
  reason: string,
  meta: RequestMeta,
): Promise<CommandResult<PppoeSyncState>> {
  return handleCommand(deps, pppoeSyncDecider, mikrotikSyncStream(subject.customerId), { type: 'RecordPppoeSyncFailed', subject, reason }, meta);
}

export async function syncPppoeSecret(
  deps: MikrotikCommandDeps,
  serverId: number,
  subject: PppoeSyncSubject,
  meta: RequestMeta,
  options: { recordFailure?: boolean } = {},
): Promise<SyncOutcome> {
  const server = await loadMikrotikServer(deps, serverId);
  const want = desiredSecret(deps, serverId, subject);
  const ref: SyncSubjectRef = { pelangganId: subject.pelangganId, customerId: subject.customerId, mikrotikServerId: serverId };
  const stream = mikrotikSyncStream(subject.customerId);
  let done: { action: SyncAction; profileCreated: boolean; activeSessionsRemoved: number };
  try {
    const session = await deps.routers.open(routerTargetOf(server.state, deps.secrets));
    try {
      const profileCreated =
        (await session.ensurePppProfile(want.fields.profile, want.rateLimit ? { rateLimit: want.rateLimit } : {})) === 'created';
      const existing = await session.findPppSecret(want.name);
      let action: SyncAction;
      if (!existing) {
        await session.addPppSecret(want.name, { ...want.fields, comment: `pelanggan ${subject.pelangganId}` });
        action = 'created';
      } else {
        const changes = differences(existing, want.fields);
        if (Object.keys(changes).length > 0) {
          await session.updatePppSecret(existing.id, changes);
          action = 'updated';
        } else action = 'unchanged';
      }
      const activeSessionsRemoved = want.fields.disabled ? await session.removeActiveSessions(want.name) : 0;
      done = { action, profileCreated, activeSessionsRemoved };
    } finally {
      await session.close();
    }
  } catch (err) {
    if (!(err instanceof RouterUnavailableError)) throw err;
    if (options.recordFailure === false) return { status: 'failed', reason: err.message, result: null };
    const result = await recordPppoeSyncFailure(deps, ref, err.message, meta);
    return { status: 'failed', reason: err.message, result };
  }
  const result = await handleCommand(
    deps,
    pppoeSyncDecider,
    stream,
    {
      type: 'RecordPppoeSynced',
      subject: ref,
      secretName: want.name,
      profile: want.fields.profile,
      disabled: want.fields.disabled,
      ...done,
      now: deps.clock.now().toISOString(),
    },
    meta,
  );
  return { status: 'synced', secretName: want.name, profile: want.fields.profile, disabled: want.fields.disabled, ...done, result };
}
