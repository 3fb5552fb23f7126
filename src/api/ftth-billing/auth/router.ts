import express, { Router } from 'express';
import { z } from 'zod';
import { login, logout, refreshSession, type SessionGrant } from '../../../commands/auth';
import { metaFor } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import { object, string } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import type { TokenService } from '../../auth/tokens';
import { billingDoc, TAGS } from '../envelope';
import { billingErrorHandler } from '../errors';
import { billingComponents } from '../schemas';
import type { BillingLimiters } from '../rate-limit';

/** OAuth2 password grant: `username` is the email (form or JSON, as the document shows both). */
const tokenBody = z.object({
  username: z.string().trim().min(1, 'The username field is required.').max(254),
  password: z.string().min(1, 'The password field is required.').max(1024),
  grant_type: z.string().optional().describe('OAuth2 password grant: `password` when given.'),
  scope: z.string().optional(),
});
const refreshBody = z.object({ refresh_token: z.string().min(1, 'The refresh token field is required.') });

/** `{ access_token, token_type, expires_in, refresh_token }` from a session of the shared token service. */
function tokenAnswer(tokens: TokenService, grant: SessionGrant) {
  const { user, session } = grant;
  return {
    access_token: tokens.signAccess({ userId: user.userId, role: user.role, sessionId: session.sessionId, sessionStartedAt: session.startedAt, audience: 'staff' }),
    token_type: 'bearer' as const,
    expires_in: tokens.accessTtlSeconds,
    refresh_token: tokens.signRefresh({ userId: user.userId, sessionId: session.sessionId, tokenId: grant.refreshTokenId, expiresAt: session.expiresAt, audience: 'staff' }),
  };
}

/**
 * Document 002 authentication, mounted at /api/users before document 000's /api/users router
 * (which authenticates every request): POST /token (OAuth2 password form, or JSON), /refresh and
 * /logout. Same users, sessions (refresh-token families that rotate and revoke on reuse) and
 * TokenService as /api/auth. Rate limited per IP (5 per 5 minutes by default).
 */
export function billingAuthRouter(deps: ApiDeps, limits: BillingLimiters): Router {
  const router = Router();
  const base = { ...billingDoc, auth: false, tag: TAGS.auth };
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  declareRoutes(
    router,
    [
      route({
        method: 'post',
        path: '/token',
        body: tokenBody,
        bodyLimit: '16kb',
        before: [limits.auth, form],
        doc: {
          ...base,
          operationId: 'billingToken',
          summary: 'Log in (OAuth2 password grant)',
          bodyDescription: 'As `application/x-www-form-urlencoded` (OAuth2) or as JSON; `username` is the email.',
          success: [{ status: 200, description: 'The tokens.', schema: { $ref: '#/components/schemas/BillingToken' } }],
          statuses: [401, 403, 429],
        },
        handle: async (req, res, { body }) => {
          const grant = await login(deps.commands, { email: body.username, password: body.password, audience: 'staff' }, metaFor(req));
          await settle(deps, req, grant.position);
          res.json(tokenAnswer(deps.tokens, grant));
        },
      }),
      route({
        method: 'post',
        path: '/refresh',
        body: refreshBody,
        bodyLimit: '16kb',
        before: [limits.auth, form],
        doc: {
          ...base,
          operationId: 'billingRefresh',
          summary: 'A new access token (and a new refresh token) for a refresh token',
          success: [{ status: 200, description: 'The tokens.', schema: { $ref: '#/components/schemas/BillingToken' } }],
          statuses: [401, 429],
        },
        handle: async (req, res, { body }) => {
          const claims = deps.tokens.verifyRefresh(body.refresh_token, 'staff');
          const grant = await refreshSession(deps.commands, { sessionId: claims.sid, presentedTokenId: claims.jti }, metaFor(req));
          await settle(deps, req, grant.position);
          res.json(tokenAnswer(deps.tokens, grant));
        },
      }),
      route({
        method: 'post',
        path: '/logout',
        body: refreshBody,
        bodyLimit: '16kb',
        before: [limits.auth, form],
        doc: {
          ...base,
          operationId: 'billingLogout',
          summary: 'Log out: the refresh token (its whole session) is revoked',
          description: 'The refresh token stops working at once, and so do the access tokens of its session.',
          success: [{ status: 200, description: 'Logged out.', schema: object({ detail: string() }) }],
          statuses: [401, 429],
        },
        handle: async (req, res, { body }) => {
          const sid = deps.tokens.verifyRefresh(body.refresh_token, 'staff').sid;
          const position = await logout(deps.commands, { sessionId: sid }, metaFor(req));
          await settle(deps, req, position);
          res.json({ detail: 'Successfully logged out' });
        },
      }),
    ],
    billingComponents,
  );
  router.use(billingErrorHandler(deps.logger));
  return router;
}
