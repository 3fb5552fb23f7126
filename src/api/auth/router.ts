import express, { Router } from 'express';
import { z } from 'zod';
import { login, logout, refreshSession, requestPasswordReset, resetPassword, type SessionGrant } from '../../commands/auth';
import { authenticate } from '../http/authenticate';
import { metaFor, requireAuth } from '../http/context';
import { validate } from '../http/validation';
import { settle, type ApiDeps } from '../deps';
import { rateLimit, loginPolicies } from '../http/rate-limit';
import { authErrorHandler, sharedAuthErrorBody } from './errors';
import type { TokenService } from './tokens';

const loginBody = z.object({
  email: z.string().trim().min(1, 'The email field is required.').max(254),
  password: z.string().min(1, 'The password field is required.').max(1024),
  remember_me: z.boolean().optional(),
});
const refreshBody = z.object({ refresh_token: z.string().min(1, 'The refresh token field is required.') });
const forgotBody = z.object({ email: z.string().trim().min(1, 'The email field is required.').max(254) });
const resetBody = z
  .object({
    token: z.string().min(1, 'The token field is required.'),
    password: z.string().min(8, 'The password must be at least 8 characters.').max(1024),
    password_confirmation: z.string(),
  })
  .refine((b) => b.password === b.password_confirmation, {
    path: ['password_confirmation'],
    message: 'The password confirmation does not match.',
  });

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
  router.use(express.json({ limit: '64kb' }));

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

  router.post('/login', loginLimit, async (req, res) => {
    const body = validate(loginBody, req.body);
    const grant = await login(
      deps.commands,
      { email: body.email, password: body.password, audience: 'staff', rememberMe: body.remember_me },
      metaFor(req),
    );
    await settle(deps, req, grant.position);
    res.json(sessionBody(deps.tokens, grant));
  });

  router.post('/refresh', async (req, res) => {
    const body = validate(refreshBody, req.body);
    const claims = deps.tokens.verifyRefresh(body.refresh_token, 'staff');
    const grant = await refreshSession(deps.commands, { sessionId: claims.sid, presentedTokenId: claims.jti }, metaFor(req));
    await settle(deps, req, grant.position);
    res.json(sessionBody(deps.tokens, grant));
  });

  router.post('/logout', authenticate(deps, 'staff'), async (req, res) => {
    const auth = requireAuth(req);
    const position = await logout(deps.commands, { sessionId: auth.sessionId }, metaFor(req));
    await settle(deps, req, position);
    res.json({ success: true, message: 'Logged out', data: null });
  });

  router.post('/forgot-password', async (req, res) => {
    const body = validate(forgotBody, req.body);
    await requestPasswordReset(deps.commands, { email: body.email }, metaFor(req));
    res.json({
      success: true,
      message: 'If an account exists for this email, a password reset link has been sent.',
      data: null,
    });
  });

  router.post('/reset-password', async (req, res) => {
    const body = validate(resetBody, req.body);
    const position = await resetPassword(deps.commands, { token: body.token, password: body.password }, metaFor(req));
    await settle(deps, req, position);
    res.json({ success: true, message: 'Your password has been reset. Please log in again.', data: null });
  });

  router.use(authErrorHandler(deps.logger));
  return router;
}
