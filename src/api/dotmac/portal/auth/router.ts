import { Router } from 'express';
import { loginPortal, logoutPortal, refreshPortalSession, type PortalSessionGrant } from '../../../../commands/portal-accounts';
import { TWO_FACTOR_METHODS } from '../../../../domain/portal-account';
import { metaFor } from '../../../http/context';
import { declareRoutes, route } from '../../../http/route';
import { array, boolean, constant, integer, object, string } from '../../../openapi/schema';
import { settle, type ApiDeps } from '../../../deps';
import { ok } from '../../envelope';
import { dotmacNotFound } from '../../errors';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess, PORTAL_TAGS } from '../../openapi';
import { authenticatePortal, requirePortal } from '../../portal-auth';
import { dotmacLimiter } from '../../rate-limit';
import { loginBody, refreshBody } from './input';

const base = { ...dotmacDoc, tag: PORTAL_TAGS.auth };

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: PORTAL_TAGS.auth,
      description:
        'Document 004 Portal ID login, refresh and logout (docs/api/004-portal.md). Portal tokens (audience `portal`: `portal_id`, `session_id`, `account_type`) are accepted only by /api/portal/v1; staff tokens are refused there. 10 requests per minute per IP. 5 failed logins in a row lock the account for 30 minutes (423 ACCOUNT_LOCKED); with two-factor on and no code, 428 TWO_FACTOR_REQUIRED.',
    },
  ],
};

/** The portal's session answer: a portal access token and the session's refresh token. */
function tokensOf(deps: ApiDeps, grant: PortalSessionGrant) {
  const { account, session } = grant;
  const portal = deps.settings.dotmac.portal;
  return {
    access_token: deps.tokens.signPortalAccess({
      portalAccountId: account.portalAccountId,
      portalId: account.portalId,
      sessionId: session.sessionId,
      accountType: account.accountType,
      tenantId: deps.settings.dotmac.tenantId,
      ttlSeconds: portal.accessTtlSeconds,
    }),
    refresh_token: deps.tokens.signPortalRefresh({
      portalAccountId: account.portalAccountId,
      sessionId: session.sessionId,
      tokenId: grant.refreshTokenId,
      expiresAt: session.expiresAt,
      rememberMe: grant.rememberMe,
    }),
    expires_in: portal.accessTtlSeconds,
    token_type: 'bearer' as const,
  };
}

/**
 * Document 004 "Portal Authentication", mounted at /api/portal/v1/auth: its own limit (10 per
 * minute per IP), counted before anything else so every answer has the rate-limit headers.
 */
export function portalAuthRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(dotmacLimiter(deps, 'portalAuth'));
  const ttl = (rememberMe: boolean) => (rememberMe ? deps.settings.dotmac.portal.rememberMeTtlSeconds : deps.settings.dotmac.portal.refreshTtlSeconds);

  declareRoutes(
    router,
    [
      route({
        method: 'post',
        path: '/login',
        body: loginBody,
        bodyLimit: '16kb',
        doc: {
          ...base,
          auth: false,
          operationId: 'portalLogin',
          summary: 'Log in with the Portal ID and password',
          description:
            'Unknown Portal ID and wrong password answer alike (400 INVALID_CREDENTIALS). Each failure counts; the 5th in a row locks the account for 30 minutes (423 ACCOUNT_LOCKED, `details.locked_until`). With two-factor on: no `two_factor_code` is 428 TWO_FACTOR_REQUIRED (`details.two_factor_methods`), a wrong or already used code is a failure. `remember_me` makes the refresh token live 30 days instead of one. `require_password_change`: the temporary password must be changed before anything but the profile.',
          success: [
            dotmacSuccess(
              200,
              'Signed in.',
              object({
                access_token: string(),
                refresh_token: string(),
                expires_in: integer(),
                token_type: constant('bearer'),
                portal_id: string(),
                account_type: string(),
                require_password_change: boolean(),
                require_two_factor: boolean(),
                two_factor_methods: array(string()),
              }),
            ),
          ],
          statuses: [400, 423, 428, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const grant = await loginPortal(
            deps.commands,
            {
              portalId: body.portal_id,
              password: body.password,
              twoFactorCode: body.two_factor_code ? body.two_factor_code : null,
              rememberMe: body.remember_me,
              deviceFingerprint: body.device_fingerprint ?? null,
              refreshTtlSeconds: ttl(body.remember_me),
            },
            metaFor(req),
          );
          await settle(deps, req, grant.position);
          ok(
            deps,
            req,
            res,
            {
              ...tokensOf(deps, grant),
              portal_id: grant.account.portalId,
              account_type: grant.account.accountType,
              require_password_change: grant.account.requirePasswordChange,
              require_two_factor: false,
              two_factor_methods: grant.account.twoFactor.enabled ? [...TWO_FACTOR_METHODS] : [],
            },
            { message: 'Login successful' },
          );
        },
      }),
      route({
        method: 'post',
        path: '/refresh',
        body: refreshBody,
        bodyLimit: '16kb',
        doc: {
          ...base,
          auth: false,
          operationId: 'portalRefresh',
          summary: 'A new access token for a refresh token',
          description:
            'Refresh tokens rotate: the answer carries the session\'s new `refresh_token`, and presenting one that was already used revokes the whole session (401). A session ends with logout, a password change made elsewhere, or when its refresh token expires.',
          success: [dotmacSuccess(200, 'A new access token.', object({ access_token: string(), refresh_token: string(), expires_in: integer(), token_type: constant('bearer') }))],
          statuses: [401, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const claims = deps.tokens.verifyPortalRefresh(body.refresh_token);
          const grant = await refreshPortalSession(
            deps.commands,
            { portalAccountId: claims.sub, sessionId: claims.sid, presentedTokenId: claims.jti, rememberMe: claims.rmb, refreshTtlSeconds: ttl(claims.rmb) },
            metaFor(req),
          );
          await settle(deps, req, grant.position);
          ok(deps, req, res, tokensOf(deps, grant), { message: 'Token refreshed' });
        },
      }),
      route({
        method: 'post',
        path: '/logout',
        before: [authenticatePortal(deps, { passwordChangeAllowed: true })],
        doc: {
          ...base,
          operationId: 'portalLogout',
          summary: 'Log out: the session ends (its access and refresh tokens stop working)',
          success: [dotmacSuccess(200, 'Logged out.', null)],
          statuses: [...ALWAYS],
        },
        handle: async (req, res) => {
          const portal = requirePortal(req);
          const position = await logoutPortal(deps.commands, { sessionId: portal.sessionId }, metaFor(req));
          await settle(deps, req, position);
          ok(deps, req, res, null, { message: 'Logged out successfully' });
        },
      }),
    ],
    components,
  );
  router.use(dotmacNotFound(deps));
  return router;
}
