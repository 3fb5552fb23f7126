import type { Request, RequestHandler } from 'express';
import { portalSessionPredates } from '../../commands/portal-accounts';
import { ForbiddenError, UnauthenticatedError } from '../../domain/shared/errors';
import { findSession } from '../../projections/auth-sessions/queries';
import { getPortalAccount } from '../../projections/portal-accounts/queries';
import type { PortalAccountDoc } from '../../projections/portal-accounts/projector';
import type { ApiDeps } from '../deps';
import { bearerToken } from '../http/authenticate';
import type { PortalAuthContext } from '../http/context';

/**
 * Authentication of document 004's portal API: only a portal token (audience `portal`, with
 * `portal_id`, `session_id`, `account_type`; TokenService.verifyPortalAccess) is accepted; a
 * staff token is refused (401), as a portal token is on every staff API (verifyAccess). Then
 * the read models: the session must be a live portal session of this account, the account must
 * exist and its customer not be closed, and the session must not predate a password change
 * made from another session. Sets `req.portal` (event metadata names the portal account as
 * the actor, role `customer`).
 *
 * While the temporary password has not been replaced (`require_password_change`), only the
 * routes marked `passwordChangeAllowed` (the profile, change-password, logout) answer; the
 * others are 403 ACCESS_DENIED with `details.require_password_change: true`.
 */
export class PasswordChangeRequiredError extends ForbiddenError {
  constructor() {
    super('The temporary password must be changed first (POST /api/portal/v1/account/change-password)');
    this.name = 'PasswordChangeRequiredError';
  }
}

export async function resolvePortalToken(deps: ApiDeps, token: string): Promise<{ context: PortalAuthContext; account: PortalAccountDoc }> {
  const claims = deps.tokens.verifyPortalAccess(token);
  const [session, account] = await Promise.all([findSession(deps.readStore, claims.session_id), getPortalAccount(deps.readStore, claims.sub)]);
  if (!session || session.revoked || session.audience !== 'portal' || session.user_id !== claims.sub) {
    throw new UnauthenticatedError('Token has been revoked', 'revoked');
  }
  if (!account || account.closed) throw new UnauthenticatedError('Account is not active', 'revoked');
  if (
    portalSessionPredates(
      { sessionId: claims.session_id, startedAt: session.started_at },
      { credentialsChangedAt: account.credentials_changed_at, credentialsSessionId: account.credentials_session_id },
    )
  ) {
    throw new UnauthenticatedError('Token has been revoked', 'revoked');
  }
  return {
    context: {
      portalAccountId: claims.sub,
      portalId: account.portal_id,
      customerId: account.customer_id,
      sessionId: claims.session_id,
      accountType: account.account_type,
    },
    account,
  };
}

/** Middleware: a valid portal token, else 401 through 004's error handler. */
export function authenticatePortal(deps: ApiDeps, options: { passwordChangeAllowed?: boolean } = {}): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) throw new UnauthenticatedError('Unauthenticated', 'missing');
    const { context, account } = await resolvePortalToken(deps, token);
    if (account.require_password_change && !options.passwordChangeAllowed) throw new PasswordChangeRequiredError();
    req.portal = context;
    next();
  };
}

export function requirePortal(req: Request): PortalAuthContext {
  if (!req.portal) throw new Error('route is missing its authenticatePortal middleware');
  return req.portal;
}
