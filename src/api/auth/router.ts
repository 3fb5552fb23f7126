import { Router } from 'express';
import { login, logout, refreshSession, requestPasswordReset, resetPassword, type SessionGrant } from '../../commands/auth';
import { authenticate } from '../http/authenticate';
import { metaFor, requireAuth } from '../http/context';
import { declareRoutes, route } from '../http/route';
import { ref } from '../openapi/schema';
import { settle, type ApiDeps } from '../deps';
import { rateLimit, loginPolicies } from '../http/rate-limit';
import { authErrorHandler, sharedAuthErrorBody } from './errors';
import { forgotBody, loginBody, refreshBody, resetBody } from './input';
import { AUTH_SCHEMAS } from './schemas';
import type { TokenService } from './tokens';

const TAG = 'Authentication';

/** One answer for login and refresh that satisfies document 000 and document 001 at once. */
export function sessionBody(tokens: TokenService, grant: SessionGrant) {
  const { user, session } = grant;
  const accessToken = tokens.signAccess({
    userId: user.userId,
    role: user.role,
    sessionId: session.sessionId,
    sessionStartedAt: session.startedAt,
    audience: 'staff',
  });
  const refreshToken = tokens.signRefresh({
    userId: user.userId,
    sessionId: session.sessionId,
    tokenId: grant.refreshTokenId,
    expiresAt: session.expiresAt,
    audience: 'staff',
  });
  return {
    success: true as const,
    // Document 001: { token, user }
    token: accessToken,
    user: {
      id: user.number,
      name: user.profile.full_name,
      email: user.email,
      role: user.role,
      department: user.profile.department,
    },
    // Document 000: { success, data: { user, tokens } }
    data: {
      user: {
        id: user.userId,
        email: user.email,
        role: user.role,
        profile: { full_name: user.profile.full_name, phone: user.profile.phone, avatar: user.profile.avatar },
      },
      tokens: { access_token: accessToken, refresh_token: refreshToken, expires_in: tokens.accessTtlSeconds },
    },
  };
}

/** POST /api/auth/{login,refresh,logout,forgot-password,reset-password} (documents 000 and 001). */
export function authRouter(deps: ApiDeps): Router {
  const router = Router();
  // Brute-force guard, counted in the shared read store (so it holds across instances): per IP,
  // and per IP and e-mail (cleared by a successful login). 429 with Retry-After when exceeded.
  const loginLimit = rateLimit({
    limiter: deps.rateLimiter,
    policies: loginPolicies(deps.settings.loginRateLimit),
    clock: deps.commands.clock,
    refuse: (res, r) =>
      res.json(
        sharedAuthErrorBody({
          status: 429,
          code: 'RATE_LIMIT_EXCEEDED',
          message: `Too many login attempts. Try again in ${r.retryAfterSeconds} seconds.`,
          details: { limit: r.limit, retry_after: r.retryAfterSeconds, reset_time: r.resetAt.toISOString() },
        }),
      ),
  });

  const doc = { tag: TAG, errors: 'auth' as const, envelope: 'none' as const, auth: false };
  declareRoutes(
    router,
    [
      route({
        method: 'post',
        path: '/login',
        body: loginBody,
        bodyLimit: '64kb',
        // After the body is read: one of the limits counts per IP and email.
        after: [loginLimit],
        doc: {
          ...doc,
          operationId: 'authLogin',
          summary: 'Log in with email and password',
          description:
            'Rate limited per IP and per IP and email (429 with Retry-After when exceeded; a successful login clears the per-email count). A wrong email or password is 401 INVALID_CREDENTIALS.',
          success: [{ status: 200, description: 'Signed in.', schema: ref('AuthSession') }],
          statuses: [401, 429],
        },
        handle: async (req, res, { body }) => {
          const grant = await login(
            deps.commands,
            { email: body.email, password: body.password, audience: 'staff', rememberMe: body.remember_me },
            metaFor(req),
          );
          await settle(deps, req, grant.position);
          res.json(sessionBody(deps.tokens, grant));
        },
      }),
      route({
        method: 'post',
        path: '/refresh',
        body: refreshBody,
        bodyLimit: '64kb',
        doc: {
          ...doc,
          operationId: 'authRefresh',
          summary: 'Rotate the refresh token and get a new access token',
          description: 'A refresh token that was already rotated away revokes its whole session (401).',
          success: [{ status: 200, description: 'New tokens.', schema: ref('AuthSession') }],
          statuses: [401],
        },
        handle: async (req, res, { body }) => {
          const claims = deps.tokens.verifyRefresh(body.refresh_token, 'staff');
          const grant = await refreshSession(deps.commands, { sessionId: claims.sid, presentedTokenId: claims.jti }, metaFor(req));
          await settle(deps, req, grant.position);
          res.json(sessionBody(deps.tokens, grant));
        },
      }),
      route({
        method: 'post',
        path: '/logout',
        before: [authenticate(deps, 'staff')],
        doc: {
          ...doc,
          auth: true,
          operationId: 'authLogout',
          summary: 'Log out: revoke the session (access and refresh tokens)',
          success: [{ status: 200, description: 'Logged out.', schema: ref('AuthMessage') }],
        },
        handle: async (req, res) => {
          const auth = requireAuth(req);
          const position = await logout(deps.commands, { sessionId: auth.sessionId }, metaFor(req));
          await settle(deps, req, position);
          res.json({ success: true, message: 'Logged out', data: null });
        },
      }),
      route({
        method: 'post',
        path: '/forgot-password',
        body: forgotBody,
        bodyLimit: '64kb',
        doc: {
          ...doc,
          operationId: 'authForgotPassword',
          summary: 'Mail a password reset token',
          description: 'Always the same answer, whether or not an account exists for the email.',
          success: [{ status: 200, description: 'Accepted.', schema: ref('AuthMessage') }],
        },
        handle: async (req, res, { body }) => {
          await requestPasswordReset(deps.commands, { email: body.email }, metaFor(req));
          res.json({
            success: true,
            message: 'If an account exists for this email, a password reset link has been sent.',
            data: null,
          });
        },
      }),
      route({
        method: 'post',
        path: '/reset-password',
        body: resetBody,
        bodyLimit: '64kb',
        doc: {
          ...doc,
          operationId: 'authResetPassword',
          summary: 'Set a new password with the mailed token',
          description: 'A bad, used or expired token is 422. Sessions started before the reset stop working.',
          success: [{ status: 200, description: 'Password changed.', schema: ref('AuthMessage') }],
        },
        handle: async (req, res, { body }) => {
          const position = await resetPassword(deps.commands, { token: body.token, password: body.password }, metaFor(req));
          await settle(deps, req, position);
          res.json({ success: true, message: 'Your password has been reset. Please log in again.', data: null });
        },
      }),
    ],
    {
      tags: [{ name: TAG, description: 'Login, token refresh, logout and password reset, shared by documents 000 and 001 (docs/api/auth.md).' }],
      schemas: AUTH_SCHEMAS,
    },
  );

  router.use(authErrorHandler(deps.logger));
  return router;
}
