import { Router } from 'express';
import { z } from 'zod';
import { refreshSession } from '../../../../commands/auth';
import { settle, type ApiDeps } from '../../../deps';
import { metaFor } from '../../../http/context';
import { declareRoutes, route } from '../../../http/route';
import { constant, integer, object, string } from '../../../openapi/schema';
import { ok } from '../../envelope';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess } from '../../openapi';
import { dotmacLimiter } from '../../rate-limit';
import { ADMIN_TAGS, closeAdminRouter } from '../shared';

const refreshBody = z.object({ refresh_token: z.string().min(1, 'The refresh token is required.').max(4096) });

/**
 * Document 004 "Token Refresh" for staff tokens: `POST /api/v1/auth/refresh`, mounted at
 * /api/v1/auth. The same sessions as every staff API (src/commands/auth.ts): the refresh token
 * rotates on every use, a rotated one used again revokes its whole family, and a portal refresh
 * token is refused (its audience is the portal's).
 */
export function adminAuthRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(dotmacLimiter(deps, 'admin'));
  declareRoutes(
    router,
    [
      route({
        method: 'post',
        path: '/refresh',
        body: refreshBody,
        bodyLimit: '16kb',
        doc: {
          ...dotmacDoc,
          auth: false,
          tag: ADMIN_TAGS.auth,
          operationId: 'dotmacStaffRefresh',
          summary: 'A new access token for a staff refresh token',
          description:
            'Staff tokens only (the tokens of POST /api/auth/login, documents 000 and 001). The refresh token rotates: the answer carries the next one, and the one sent is spent (sent again, it revokes the session). An expired, revoked, tampered or portal refresh token is 401.',
          success: [
            dotmacSuccess(200, 'A new access token and the next refresh token.', object({ access_token: string(), refresh_token: string(), expires_in: integer('Seconds.'), token_type: constant('bearer') })),
          ],
          statuses: [401, 422, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const claims = deps.tokens.verifyRefresh(body.refresh_token, 'staff');
          const grant = await refreshSession(deps.commands, { sessionId: claims.sid, presentedTokenId: claims.jti }, metaFor(req));
          await settle(deps, req, grant.position);
          const { user, session } = grant;
          const accessToken = deps.tokens.signAccess({ userId: user.userId, role: user.role, sessionId: session.sessionId, sessionStartedAt: session.startedAt, audience: 'staff' });
          const refreshToken = deps.tokens.signRefresh({ userId: user.userId, sessionId: session.sessionId, tokenId: grant.refreshTokenId, expiresAt: session.expiresAt, audience: 'staff' });
          ok(deps, req, res, { access_token: accessToken, refresh_token: refreshToken, expires_in: deps.tokens.accessTtlSeconds, token_type: 'bearer' }, { message: 'Token refreshed' });
        },
      }),
    ],
    { ...DOTMAC_COMPONENTS, tags: [{ name: ADMIN_TAGS.auth, description: 'Document 004 "Token Refresh" for staff (admin) tokens.' }] },
  );
  return closeAdminRouter(router, deps);
}
