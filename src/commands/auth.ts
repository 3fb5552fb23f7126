import { createHash, randomBytes } from 'node:crypto';
import { sessionDecider, sessionStream, type Audience, type SessionState } from '../domain/session';
import { userDecider, userStream, type UserState } from '../domain/user';
import { InvalidCredentialsError, UnauthenticatedError, ValidationError } from '../domain/shared/errors';
import type { Mailer } from '../ports/mailer';
import type { PasswordHasher } from '../ports/password-hasher';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, loadAggregate } from './handle-command';
import { lookupUnique } from './reservations';
import type { UserCommandDeps } from './users';

export interface AuthDeps extends UserCommandDeps {
  mailer: Mailer;
  /** Lifetime of a refresh token (and so of a session without activity). */
  refreshTtlSeconds: number;
  /** Base URL put in password-reset mails. */
  publicUrl: string;
}

export interface SessionGrant {
  user: UserState;
  session: SessionState;
  refreshTokenId: string;
  /** Position to wait for before answering (read-your-writes). */
  position: number;
}

/**
 * The password was right but the account is deactivated. Still an InvalidCredentialsError (401
 * for documents 000 and 001, which do not tell the two apart); document 002 answers it 403.
 */
export class InactiveAccountError extends InvalidCredentialsError {
  constructor() {
    // The message 000 and 001 show stays the one of a wrong password.
    super();
    this.name = 'InactiveAccountError';
  }
}

const RESET_TTL_MS = 60 * 60 * 1000;
// Verified against when the email is unknown, so both paths take as long (no account enumeration by timing).
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();

export async function login(
  deps: AuthDeps,
  input: { email: string; password: string; audience: Audience; rememberMe?: boolean },
  meta: RequestMeta,
): Promise<SessionGrant> {
  const userId = await lookupUnique(deps, 'user_email', input.email.trim().toLowerCase());
  if (!userId) {
    let dummy = dummyHashes.get(deps.passwords);
    if (!dummy) dummyHashes.set(deps.passwords, (dummy = deps.passwords.hash('not-a-password')));
    await deps.passwords.verify(input.password, await dummy);
    throw new InvalidCredentialsError();
  }
  const { state: user } = await loadAggregate(deps, userDecider, userStream(userId));
  // The email can be reserved a moment before the user is registered: not a login yet.
  if (!user.exists) throw new InvalidCredentialsError();
  const now = deps.clock.now().toISOString();
  const passwordOk = await deps.passwords.verify(input.password, user.passwordHash);
  if (!passwordOk || !user.isActive) {
    await handleCommand(deps, userDecider, userStream(userId), {
      type: 'RecordLoginFailure',
      reason: passwordOk ? 'inactive' : 'wrong_password',
      now,
    }, meta);
    throw passwordOk ? new InactiveAccountError() : new InvalidCredentialsError();
  }
  const sessionId = deps.ids.uuid();
  const refreshTokenId = deps.ids.uuid();
  const ttl = input.rememberMe === false ? Math.min(deps.refreshTtlSeconds, 86_400) : deps.refreshTtlSeconds;
  const session = await handleCommand(
    deps,
    sessionDecider,
    sessionStream(sessionId),
    {
      type: 'StartSession',
      sessionId,
      userId,
      audience: input.audience,
      refreshTokenId,
      expiresAt: new Date(Date.parse(now) + ttl * 1000).toISOString(),
      now,
    },
    meta,
  );
  const recorded = await handleCommand(deps, userDecider, userStream(userId), { type: 'RecordLogin', sessionId, now }, meta);
  return { user: recorded.state, session: session.state, refreshTokenId, position: recorded.position! };
}

/** Rotates the session's refresh token. A reused (already rotated) token revokes the session. */
export async function refreshSession(
  deps: AuthDeps,
  input: { sessionId: string; presentedTokenId: string },
  meta: RequestMeta,
): Promise<SessionGrant> {
  const now = deps.clock.now().toISOString();
  const loaded = await loadAggregate(deps, sessionDecider, sessionStream(input.sessionId));
  if (!loaded.state.exists) throw new UnauthenticatedError('Unknown session');
  const { state: user } = await loadAggregate(deps, userDecider, userStream(loaded.state.userId));
  if (!user.exists || !user.isActive || sessionPredates(loaded.state, user)) {
    await handleCommand(deps, sessionDecider, sessionStream(input.sessionId), {
      type: 'RevokeSession',
      reason: user.isActive ? 'password_changed' : 'user_deactivated',
      now,
    }, meta);
    throw new UnauthenticatedError('Session is no longer valid', 'revoked');
  }
  return { user, ...(await rotateRefreshToken(deps, input.sessionId, input.presentedTokenId, deps.refreshTtlSeconds, now, meta)) };
}

/**
 * The refresh step both token families share (staff here, the portal in portal-accounts.ts),
 * once the session's owner is known to be still valid: the presented refresh token is replaced
 * by a new one; a token presented a second time revokes the session (reuse detection).
 */
export async function rotateRefreshToken(
  deps: CommandDeps,
  sessionId: string,
  presentedTokenId: string,
  refreshTtlSeconds: number,
  now: string,
  meta: RequestMeta,
): Promise<{ session: SessionState; refreshTokenId: string; position: number }> {
  const refreshTokenId = deps.ids.uuid();
  const result = await handleCommand(
    deps,
    sessionDecider,
    sessionStream(sessionId),
    { type: 'RotateRefreshToken', presentedTokenId, refreshTokenId, expiresAt: new Date(Date.parse(now) + refreshTtlSeconds * 1000).toISOString(), now },
    meta,
  );
  if (result.state.revoked) throw new UnauthenticatedError('Refresh token was already used; the session is revoked', 'revoked');
  return { session: result.state, refreshTokenId, position: result.position! };
}

export async function logout(deps: AuthDeps, input: { sessionId: string }, meta: RequestMeta): Promise<number | null> {
  const result = await handleCommand(deps, sessionDecider, sessionStream(input.sessionId), {
    type: 'RevokeSession',
    reason: 'logout',
    now: deps.clock.now().toISOString(),
  }, meta);
  return result.position;
}

export function sessionPredates(session: Pick<SessionState, 'startedAt'>, user: Pick<UserState, 'credentialsChangedAt'>): boolean {
  return user.credentialsChangedAt !== null && session.startedAt < user.credentialsChangedAt;
}

const hashToken = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/**
 * Sends a reset link when the email belongs to an active user; does nothing visible otherwise,
 * so the answer never tells whether an account exists. The token is `<userId>.<secret>`; only
 * the secret's hash is stored.
 */
export async function requestPasswordReset(deps: AuthDeps, input: { email: string }, meta: RequestMeta): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const userId = await lookupUnique(deps, 'user_email', email);
  if (!userId) return;
  const secret = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const result = await handleCommand(deps, userDecider, userStream(userId), {
    type: 'RequestPasswordReset',
    tokenHash: hashToken(secret),
    expiresAt: new Date(now.getTime() + RESET_TTL_MS).toISOString(),
    now: now.toISOString(),
  }, meta);
  if (result.newEvents.length === 0) return;
  const token = `${userId}.${secret}`;
  await deps.mailer.send({
    to: email,
    subject: 'Reset your password',
    text:
      `Someone asked to reset the password of this account.\n\n` +
      `Reset token: ${token}\n` +
      `Or open: ${deps.publicUrl.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}\n\n` +
      `The token is valid for one hour. If you did not ask for this, ignore this mail.`,
  });
}

/** Completes a reset; sessions started before it stop working. Returns the append position. */
export async function resetPassword(
  deps: AuthDeps,
  input: { token: string; password: string },
  meta: RequestMeta,
): Promise<number> {
  const dot = input.token.indexOf('.');
  const invalid = new ValidationError({ token: ['The reset token is invalid or has expired.'] }, 'Invalid reset token');
  if (dot <= 0) throw invalid;
  const userId = input.token.slice(0, dot);
  const secret = input.token.slice(dot + 1);
  const { state } = await loadAggregate(deps, userDecider, userStream(userId));
  if (!state.exists) throw invalid;
  const passwordHash = await deps.passwords.hash(input.password);
  const result = await handleCommand(deps, userDecider, userStream(userId), {
    type: 'CompletePasswordReset',
    tokenHash: hashToken(secret),
    passwordHash,
    now: deps.clock.now().toISOString(),
  }, meta);
  return result.position!;
}
