import { ROLES } from '../../../domain/user';
import { operation, type Area } from '../builder';
import { boolean, constant, integer, nullable, object, oneOfValues, ref, string, uuid } from '../schema';

/**
 * /api/auth/* (src/api/auth/router.ts), shared by documents 000 and 001: one body that satisfies
 * both (`sessionBody`), errors in both formats at once (src/api/auth/errors.ts).
 *
 * The request schemas are written here by hand: the router keeps its zod schemas private
 * (src/api/auth/ has no input.ts to export them from). The API test checks them against the
 * router: an empty body must be refused naming exactly the fields marked required here.
 */

const TAG = 'Authentication';

export const AUTH_REQUEST_SCHEMAS = {
  AuthLoginRequest: object(
    {
      email: { type: 'string', minLength: 1, maxLength: 254 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      remember_me: boolean('Refresh tokens live 30 days with it, one day without.'),
    },
    { optional: ['remember_me'] },
  ),
  AuthRefreshRequest: object({ refresh_token: { type: 'string', minLength: 1 } }),
  AuthForgotPasswordRequest: object({ email: { type: 'string', minLength: 1, maxLength: 254 } }),
  AuthResetPasswordRequest: object(
    {
      token: { type: 'string', minLength: 1, description: 'The token from the reset mail.' },
      password: { type: 'string', minLength: 8, maxLength: 1024 },
      password_confirmation: { type: 'string', description: 'Must equal password.' },
    },
    { description: 'password_confirmation must equal password (422 on password_confirmation otherwise).' },
  ),
};

const schemas = {
  ...AUTH_REQUEST_SCHEMAS,
  AuthSession: object(
    {
      success: constant(true),
      token: string('Document 001: the access token.'),
      user: object(
        {
          id: integer("The user's number (document 001's integer id)."),
          name: string(),
          email: string(),
          role: oneOfValues(ROLES),
          department: nullable(string()),
        },
        { description: "Document 001's user." },
      ),
      data: object(
        {
          user: object({
            id: uuid(),
            email: string(),
            role: oneOfValues(ROLES),
            profile: object({ full_name: string(), phone: nullable(string()), avatar: nullable(string()) }),
          }),
          tokens: object({
            access_token: string(),
            refresh_token: string(),
            expires_in: integer('Seconds the access token lives.'),
          }),
        },
        { description: "Document 000's `data`." },
      ),
    },
    { description: 'Login and refresh: document 001 reads `token` and `user`, document 000 `success` and `data`.' },
  ),
  AuthMessage: object({ success: constant(true), message: string(), data: { type: 'null' } }),
};

export function authArea(): Area {
  const base = { tag: TAG, errors: 'auth' as const, envelope: 'none' as const };
  return {
    tag: { name: TAG, description: 'Login, token refresh, logout and password reset, shared by documents 000 and 001 (docs/api/auth.md).' },
    schemas,
    operations: [
      operation({
        ...base,
        method: 'post',
        path: '/api/auth/login',
        operationId: 'authLogin',
        summary: 'Log in with email and password',
        description:
          'Rate limited per IP and per IP and email (429 with Retry-After when exceeded; a successful login clears the per-email count). A wrong email or password is 401 INVALID_CREDENTIALS.',
        auth: false,
        body: { required: true, json: ref('AuthLoginRequest') },
        success: [{ status: 200, description: 'Signed in.', schema: ref('AuthSession') }],
        statuses: [401, 429],
      }),
      operation({
        ...base,
        method: 'post',
        path: '/api/auth/refresh',
        operationId: 'authRefresh',
        summary: 'Rotate the refresh token and get a new access token',
        description: 'A refresh token that was already rotated away revokes its whole session (401).',
        auth: false,
        body: { required: true, json: ref('AuthRefreshRequest') },
        success: [{ status: 200, description: 'New tokens.', schema: ref('AuthSession') }],
        statuses: [401],
      }),
      operation({
        ...base,
        method: 'post',
        path: '/api/auth/logout',
        operationId: 'authLogout',
        summary: 'Log out: revoke the session (access and refresh tokens)',
        auth: true,
        success: [{ status: 200, description: 'Logged out.', schema: ref('AuthMessage') }],
      }),
      operation({
        ...base,
        method: 'post',
        path: '/api/auth/forgot-password',
        operationId: 'authForgotPassword',
        summary: 'Mail a password reset token',
        description: 'Always the same answer, whether or not an account exists for the email.',
        auth: false,
        body: { required: true, json: ref('AuthForgotPasswordRequest') },
        success: [{ status: 200, description: 'Accepted.', schema: ref('AuthMessage') }],
      }),
      operation({
        ...base,
        method: 'post',
        path: '/api/auth/reset-password',
        operationId: 'authResetPassword',
        summary: 'Set a new password with the mailed token',
        description: 'A bad, used or expired token is 422. Sessions started before the reset stop working.',
        auth: false,
        body: { required: true, json: ref('AuthResetPasswordRequest') },
        success: [{ status: 200, description: 'Password changed.', schema: ref('AuthMessage') }],
      }),
    ],
  };
}
