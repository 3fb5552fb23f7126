import type { Request } from 'express';
import type { RequestMeta } from '../../commands/context';
import type { Role } from '../../domain/user';
import type { UserDoc } from '../../projections/users/projector';

export interface AuthContext {
  userId: string;
  role: Role;
  sessionId: string;
  audience: 'staff' | 'portal';
  user: UserDoc;
}

/** A customer signed in to document 004's portal with a portal token (src/api/dotmac/portal-auth.ts). */
export interface PortalAuthContext {
  portalAccountId: string;
  portalId: string;
  customerId: string;
  sessionId: string;
  accountType: string;
}

export interface RequestContext {
  requestId: string;
  correlationId: string;
  startedAt: bigint;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      ctx: RequestContext;
      auth?: AuthContext;
      portal?: PortalAuthContext;
    }
  }
}

/** Event metadata for a command run on behalf of this request. */
export function metaFor(req: Request): RequestMeta {
  return {
    actor: req.auth
      ? { userId: req.auth.userId, role: req.auth.role }
      : req.portal
        ? { userId: req.portal.portalAccountId, role: 'customer' }
        : null,
    requestId: req.ctx.requestId,
    correlationId: req.ctx.correlationId,
    causationId: req.ctx.requestId,
  };
}

export function requireAuth(req: Request): AuthContext {
  if (!req.auth) throw new Error('route is missing its authenticate middleware');
  return req.auth;
}
