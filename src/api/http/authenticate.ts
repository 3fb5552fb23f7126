import type { RequestHandler } from 'express';
import { UnauthenticatedError } from '../../domain/shared/errors';
import type { Role } from '../../domain/user';
import type { ReadStore } from '../../ports/read-store';
import { findSession } from '../../projections/auth-sessions/queries';
import { findUserById } from '../../projections/users/queries';
import type { Audience, TokenService } from '../auth/tokens';

/** Reads the bearer token from the Authorization header. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/**
 * Resolves a token to the user behind it: signature, expiry and audience first, then the read
 * models: the session must not be revoked (logout, refresh-token reuse), the user must exist
 * and be active, and the session must not predate a password change. The role is the user's
 * current role, not the one in the token.
 */
export async function resolveAccessToken(
  deps: { tokens: TokenService; readStore: ReadStore },
  token: string,
  audience: Audience,
) {
  const claims = deps.tokens.verifyAccess(token, audience);
  const [session, user] = await Promise.all([
    findSession(deps.readStore, claims.sid),
    // Shared and frozen: the request only reads it, and kept answers know it by identity (kept-answers.ts).
    findUserById(deps.readStore, claims.sub, { readonly: true }),
  ]);
  if (session?.revoked) throw new UnauthenticatedError('Token has been revoked', 'revoked');
  if (!user || !user.is_active) throw new UnauthenticatedError('Account is not active', 'revoked');
  if (user.sessions_valid_after && claims.sst < Date.parse(user.sessions_valid_after)) {
    throw new UnauthenticatedError('Token has been revoked', 'revoked');
  }
  return { userId: claims.sub, role: user.role as Role, sessionId: claims.sid, audience, user };
}

/** Middleware: 401 (through the router's error format) unless a valid bearer token is present. */
export function authenticate(deps: { tokens: TokenService; readStore: ReadStore }, audience: Audience): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) throw new UnauthenticatedError('Unauthenticated', 'missing');
    req.auth = await resolveAccessToken(deps, token, audience);
    next();
  };
}
