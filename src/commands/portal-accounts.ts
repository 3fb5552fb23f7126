import { randomBytes, randomInt } from 'node:crypto';
import { customerDecider, customerStream } from '../domain/customer';
import {
  normalisePortalId,
  portalAccountDecider,
  portalAccountStream,
  portalIdFrom,
  TwoFactorRequiredError,
  TWO_FACTOR_METHODS,
  AccountLockedError,
  type LockoutPolicy,
  type PortalAccountState,
  type PortalPreferences,
  type TotpCheck,
} from '../domain/portal-account';
import { sessionDecider, sessionStream, type SessionState } from '../domain/session';
import { DuplicateError, InvalidCredentialsError, NotFoundError, UnauthenticatedError } from '../domain/shared/errors';
import type { PasswordHasher } from '../ports/password-hasher';
import type { SecretBox } from '../ports/secret-box';
import type { Totp } from '../ports/totp';
import { rotateRefreshToken } from './auth';
import type { RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult } from './handle-command';
import { lookupUnique, releaseUnique, reserveUnique } from './reservations';
import type { UserCommandDeps } from './users';

/**
 * Portal account use cases (document 004's customer portal): creation with a customer (called
 * by the admin's POST /api/v1/identity/customers with `create_portal_account`), login with the
 * Portal ID, sessions (the Session aggregate with audience `portal`), password, two-factor,
 * preferences. Uniqueness is by reservation streams, never by a read model:
 *  - `portal_id`: the Portal ID → the account id (a fresh random ID is drawn on a collision);
 *  - `portal_account_customer`: the customer id → the account id (one account per customer).
 */
export const PORTAL_ID = 'portal_id';
export const PORTAL_ACCOUNT_OF_CUSTOMER = 'portal_account_customer';

export interface PortalAccountSettings {
  lockout: LockoutPolicy;
  /** The issuer shown in authenticator apps. */
  totpIssuer: string;
  /** Whether a portal payment may pay less than what is outstanding (PORTAL_PARTIAL_PAYMENTS). */
  allowPartialPayments: boolean;
  /** Draws a Portal ID (tests inject one; default: crypto.randomInt over the alphabet). */
  newPortalId?: () => string;
}

export interface PortalCommandDeps extends UserCommandDeps {
  secrets: SecretBox;
  totp: Totp;
  portal: PortalAccountSettings;
}

export const DEFAULT_PORTAL_ACCOUNT_SETTINGS: PortalAccountSettings = {
  lockout: { threshold: 5, lockMs: 30 * 60_000 },
  totpIssuer: 'ISP Customer Portal',
  allowPartialPayments: false,
};

const nowOf = (deps: { clock: { now(): Date } }) => deps.clock.now().toISOString();

export async function loadPortalAccount(deps: Pick<PortalCommandDeps, 'eventStore' | 'registry'>, portalAccountId: string): Promise<PortalAccountState> {
  const { state } = await loadAggregate(deps, portalAccountDecider, portalAccountStream(portalAccountId));
  if (!state.exists) throw new NotFoundError('Portal account', portalAccountId);
  return state;
}

export interface CreatedPortalAccount {
  portalAccountId: string;
  portalId: string;
  status: 'pending_activation';
  /** The temporary password: the one given, or a generated one to hand to the customer once. */
  temporaryPassword: string;
  generatedPassword: boolean;
  result: CommandResult<PortalAccountState>;
  /** Position to wait for before answering (read-your-writes). */
  position: number;
}

/** A temporary password when staff gave none: 12 characters of an unambiguous alphabet and digits. */
function generatedTemporaryPassword(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyz';
  const digits = '23456789';
  const bytes = randomBytes(12);
  let out = '';
  for (let i = 0; i < 12; i++) out += i % 4 === 3 ? digits[bytes[i]! % digits.length] : letters[bytes[i]! % letters.length];
  return out;
}

/**
 * Creates the portal account of a customer: pending activation, with a temporary password
 * (`temporaryPassword`, or a generated one) that must be changed at the first login. The
 * customer must exist and not be closed (404). One account per customer (DuplicateError
 * `portal_account`). The Portal ID is random (crypto.randomInt over an alphabet without
 * look-alikes), reserved with no_stream; a collision draws another.
 */
export async function createPortalAccount(
  deps: PortalCommandDeps,
  input: { customerId: string; temporaryPassword?: string | null; preferences?: Partial<PortalPreferences> },
  meta: RequestMeta,
): Promise<CreatedPortalAccount> {
  const { state: customer } = await loadAggregate(deps, customerDecider, customerStream(input.customerId));
  if (!customer.exists || customer.closed) throw new NotFoundError('Customer', input.customerId);
  const portalAccountId = deps.ids.uuid();
  try {
    await reserveUnique(deps, PORTAL_ACCOUNT_OF_CUSTOMER, input.customerId, portalAccountId, meta);
  } catch (err) {
    if (err instanceof DuplicateError) throw new DuplicateError('portal_account', input.customerId);
    throw err;
  }
  const draw = deps.portal.newPortalId ?? (() => portalIdFrom((max) => randomInt(max)));
  let portalId: string | null = null;
  try {
    for (let attempt = 0; attempt < 10 && portalId === null; attempt++) {
      const candidate = draw();
      try {
        await reserveUnique(deps, PORTAL_ID, candidate, portalAccountId, meta);
        portalId = candidate;
      } catch (err) {
        if (!(err instanceof DuplicateError)) throw err;
      }
    }
    if (portalId === null) throw new Error('could not draw a free Portal ID');
    const generatedPassword = !input.temporaryPassword;
    const temporaryPassword = input.temporaryPassword || generatedTemporaryPassword();
    const result = await handleCommand(
      deps,
      portalAccountDecider,
      portalAccountStream(portalAccountId),
      {
        type: 'CreatePortalAccount',
        portalAccountId,
        portalId,
        customerId: input.customerId,
        temporaryPassword,
        passwordHash: await deps.passwords.hash(temporaryPassword),
        preferences: input.preferences,
        now: nowOf(deps),
      },
      meta,
    );
    return { portalAccountId, portalId, status: 'pending_activation', temporaryPassword, generatedPassword, result, position: result.position! };
  } catch (err) {
    if (portalId !== null) await releaseUnique(deps, PORTAL_ID, portalId, portalAccountId, meta);
    await releaseUnique(deps, PORTAL_ACCOUNT_OF_CUSTOMER, input.customerId, portalAccountId, meta);
    throw err;
  }
}

/** The portal account of a customer (by its reservation), or null. */
export function portalAccountIdOfCustomer(deps: PortalCommandDeps, customerId: string): Promise<string | null> {
  return lookupUnique(deps, PORTAL_ACCOUNT_OF_CUSTOMER, customerId);
}

export interface PortalSessionGrant {
  account: PortalAccountState;
  session: SessionState;
  refreshTokenId: string;
  rememberMe: boolean;
  position: number;
}

const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();
async function burnVerification(passwords: PasswordHasher, password: string): Promise<void> {
  let dummy = dummyHashes.get(passwords);
  if (!dummy) dummyHashes.set(passwords, (dummy = passwords.hash('not-a-password')));
  await passwords.verify(password, await dummy);
}

async function checkCode(deps: PortalCommandDeps, sealed: string | null, code: string | null): Promise<TotpCheck | null> {
  if (code === null) return null;
  if (sealed === null) return { timeStep: null };
  return { timeStep: await deps.totp.check(deps.secrets.open(sealed), code, deps.clock.now()) };
}

/**
 * Login with the Portal ID and password (document 004 POST /api/portal/v1/auth/login).
 * Unknown Portal ID and wrong password answer alike (InvalidCredentialsError, after the same
 * password-hash work); a failure is recorded and counts towards the lockout
 * (AccountLockedError once locked); with two-factor on and no code, TwoFactorRequiredError;
 * success starts a portal session (audience `portal`) whose refresh token lives
 * `refreshTtlSeconds`.
 */
export async function loginPortal(
  deps: PortalCommandDeps,
  input: { portalId: string; password: string; twoFactorCode: string | null; rememberMe: boolean; deviceFingerprint: string | null; refreshTtlSeconds: number },
  meta: RequestMeta,
): Promise<PortalSessionGrant> {
  const portalAccountId = await lookupUnique(deps, PORTAL_ID, normalisePortalId(input.portalId));
  if (!portalAccountId) {
    await burnVerification(deps.passwords, input.password);
    throw new InvalidCredentialsError();
  }
  const { state } = await loadAggregate(deps, portalAccountDecider, portalAccountStream(portalAccountId));
  if (!state.exists) {
    await burnVerification(deps.passwords, input.password);
    throw new InvalidCredentialsError();
  }
  if (state.lockedUntil !== null && nowOf(deps) < state.lockedUntil) throw new AccountLockedError(state.lockedUntil);
  const { state: customer } = await loadAggregate(deps, customerDecider, customerStream(state.customerId));
  // A closed customer has no way in (and its failures are not counted).
  if (!customer.exists || customer.closed) {
    await burnVerification(deps.passwords, input.password);
    throw new InvalidCredentialsError();
  }
  const passwordOk = await deps.passwords.verify(input.password, state.passwordHash);
  const totp = passwordOk && state.twoFactor.enabled ? await checkCode(deps, state.twoFactor.secretSealed, input.twoFactorCode) : null;
  const sessionId = deps.ids.uuid();
  const now = nowOf(deps);
  const recorded = await handleCommand(
    deps,
    portalAccountDecider,
    portalAccountStream(portalAccountId),
    {
      type: 'Login',
      passwordOk,
      totp,
      sessionId,
      rememberMe: input.rememberMe,
      deviceFingerprint: input.deviceFingerprint,
      lockout: deps.portal.lockout,
      now,
    },
    meta,
  );
  const types = recorded.newEvents.map((e) => e.type);
  if (types.includes('PortalAccountLocked')) throw new AccountLockedError(recorded.state.lockedUntil!);
  if (types.includes('PortalLoginFailed')) throw new InvalidCredentialsError();
  if (!types.includes('PortalLoginSucceeded')) throw new TwoFactorRequiredError(TWO_FACTOR_METHODS);
  const refreshTokenId = deps.ids.uuid();
  const session = await handleCommand(
    deps,
    sessionDecider,
    sessionStream(sessionId),
    {
      type: 'StartSession',
      sessionId,
      userId: portalAccountId,
      audience: 'portal',
      refreshTokenId,
      expiresAt: new Date(Date.parse(now) + input.refreshTtlSeconds * 1000).toISOString(),
      now,
    },
    meta,
  );
  return { account: recorded.state, session: session.state, refreshTokenId, rememberMe: input.rememberMe, position: session.position! };
}

/** A session started before the last password change, other than the one that made it, has ended. */
export function portalSessionPredates(
  session: { sessionId: string; startedAt: string },
  account: Pick<PortalAccountState, 'credentialsChangedAt' | 'credentialsSessionId'>,
): boolean {
  return account.credentialsChangedAt !== null && session.startedAt < account.credentialsChangedAt && session.sessionId !== account.credentialsSessionId;
}

/** Rotates a portal session's refresh token (a reused one revokes the session). */
export async function refreshPortalSession(
  deps: PortalCommandDeps,
  input: { portalAccountId: string; sessionId: string; presentedTokenId: string; rememberMe: boolean; refreshTtlSeconds: number },
  meta: RequestMeta,
): Promise<PortalSessionGrant> {
  const now = nowOf(deps);
  const loaded = await loadAggregate(deps, sessionDecider, sessionStream(input.sessionId));
  if (!loaded.state.exists || loaded.state.audience !== 'portal' || loaded.state.userId !== input.portalAccountId) {
    throw new UnauthenticatedError('Unknown session');
  }
  const { state: account } = await loadAggregate(deps, portalAccountDecider, portalAccountStream(input.portalAccountId));
  const { state: customer } = await loadAggregate(deps, customerDecider, customerStream(account.customerId));
  if (!account.exists || !customer.exists || customer.closed || portalSessionPredates(loaded.state, account)) {
    await handleCommand(deps, sessionDecider, sessionStream(input.sessionId), { type: 'RevokeSession', reason: 'password_changed', now }, meta);
    throw new UnauthenticatedError('Session is no longer valid', 'revoked');
  }
  const rotated = await rotateRefreshToken(deps, input.sessionId, input.presentedTokenId, input.refreshTtlSeconds, now, meta);
  return { account, ...rotated, rememberMe: input.rememberMe };
}

export async function logoutPortal(deps: PortalCommandDeps, input: { sessionId: string }, meta: RequestMeta): Promise<number | null> {
  const result = await handleCommand(deps, sessionDecider, sessionStream(input.sessionId), { type: 'RevokeSession', reason: 'logout', now: nowOf(deps) }, meta);
  return result.position;
}

/**
 * Changes the password (document 004 POST /account/change-password): the current password
 * must be right, the new one strong and confirmed. The first change activates the account.
 * Every other session that started before the change ends; the caller's own goes on.
 */
export async function changePortalPassword(
  deps: PortalCommandDeps,
  input: { portalAccountId: string; sessionId: string; currentPassword: string; newPassword: string; confirmPassword: string; email: string | null },
  meta: RequestMeta,
): Promise<CommandResult<PortalAccountState>> {
  const account = await loadPortalAccount(deps, input.portalAccountId);
  const [currentPasswordOk, sameAsCurrent] = await Promise.all([
    deps.passwords.verify(input.currentPassword, account.passwordHash),
    deps.passwords.verify(input.newPassword, account.passwordHash),
  ]);
  return handleCommand(
    deps,
    portalAccountDecider,
    portalAccountStream(input.portalAccountId),
    {
      type: 'ChangePassword',
      currentPasswordOk,
      newPassword: input.newPassword,
      confirmPassword: input.confirmPassword,
      sameAsCurrent,
      newPasswordHash: await deps.passwords.hash(input.newPassword),
      email: input.email,
      sessionId: input.sessionId,
      now: nowOf(deps),
    },
    meta,
  );
}

/** Starts (or restarts) two-factor set-up: a new secret, stored sealed; on only after /enable. */
export async function startTwoFactorSetup(
  deps: PortalCommandDeps,
  portalAccountId: string,
  meta: RequestMeta,
): Promise<{ secret: string; otpauthUri: string; result: CommandResult<PortalAccountState> }> {
  const account = await loadPortalAccount(deps, portalAccountId);
  const secret = deps.totp.generateSecret();
  const result = await handleCommand(
    deps,
    portalAccountDecider,
    portalAccountStream(portalAccountId),
    { type: 'StartTwoFactorSetup', secretSealed: deps.secrets.seal(secret), now: nowOf(deps) },
    meta,
  );
  return { secret, otpauthUri: deps.totp.uri({ secret, issuer: deps.portal.totpIssuer, label: account.portalId }), result };
}

export async function enableTwoFactor(deps: PortalCommandDeps, portalAccountId: string, code: string, meta: RequestMeta): Promise<CommandResult<PortalAccountState>> {
  const account = await loadPortalAccount(deps, portalAccountId);
  const totp = (await checkCode(deps, account.twoFactor.pendingSecretSealed, code)) ?? { timeStep: null };
  return handleCommand(deps, portalAccountDecider, portalAccountStream(portalAccountId), { type: 'EnableTwoFactor', totp, now: nowOf(deps) }, meta);
}

/** Turns two-factor off, confirmed by a current code or by the password. */
export async function disableTwoFactor(
  deps: PortalCommandDeps,
  portalAccountId: string,
  confirmation: { code: string } | { password: string },
  meta: RequestMeta,
): Promise<CommandResult<PortalAccountState>> {
  const account = await loadPortalAccount(deps, portalAccountId);
  const checked =
    'code' in confirmation
      ? { kind: 'code' as const, totp: (await checkCode(deps, account.twoFactor.secretSealed, confirmation.code)) ?? { timeStep: null } }
      : { kind: 'password' as const, passwordOk: await deps.passwords.verify(confirmation.password, account.passwordHash) };
  return handleCommand(deps, portalAccountDecider, portalAccountStream(portalAccountId), { type: 'DisableTwoFactor', confirmation: checked, now: nowOf(deps) }, meta);
}

export function updatePortalPreferences(
  deps: PortalCommandDeps,
  portalAccountId: string,
  changes: Partial<PortalPreferences>,
  meta: RequestMeta,
): Promise<CommandResult<PortalAccountState>> {
  return handleCommand(deps, portalAccountDecider, portalAccountStream(portalAccountId), { type: 'UpdatePreferences', changes, now: nowOf(deps) }, meta);
}

/** Staff lift a lock before it runs out (nothing happens for an account that is not locked). */
export function unlockPortalAccount(deps: PortalCommandDeps, portalAccountId: string, meta: RequestMeta): Promise<CommandResult<PortalAccountState>> {
  return handleCommand(deps, portalAccountDecider, portalAccountStream(portalAccountId), { type: 'UnlockPortalAccount', now: nowOf(deps) }, meta);
}
