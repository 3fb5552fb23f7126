import jwt from 'jsonwebtoken';
import { handleCommand } from '../../commands/handle-command';
import { systemMeta } from '../../commands/context';
import { userDecider, userStream } from '../../domain/user';
import { startTestApp, type TestApp } from '../../../test/support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /api/auth/* (documents 000 and 001)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.stop();
  });

  const logoutWith = (token: string) => t.http.post('/api/auth/logout').set('Authorization', `Bearer ${token}`);

  describe('login', () => {
    it('answers one body that satisfies both documents', async () => {
      const u = await t.user('technician', { full_name: 'John Doe', department: 'IT' });
      const res = await t.login(u.email, u.password);
      expect(res.status).toBe(200);
      // Document 001: { token, user: { id, name, email, role, department } }
      expect(res.body.token).toEqual(expect.any(String));
      expect(res.body.user).toEqual({ id: u.number, name: 'John Doe', email: u.email, role: 'technician', department: 'IT' });
      // Document 000: { success, data: { user: { id, email, role, profile }, tokens } }
      expect(res.body.success).toBe(true);
      expect(res.body.data.user).toMatchObject({ email: u.email, role: 'technician', profile: { full_name: 'John Doe' } });
      expect(res.body.data.user.id).toMatch(UUID);
      expect(res.body.data.tokens).toEqual({
        access_token: res.body.token,
        refresh_token: expect.any(String),
        expires_in: 900,
      });
    });

    it('pins HS256 and names the user, session and audience in the token', async () => {
      const u = await t.user('manager');
      const decoded = jwt.decode(u.token, { complete: true })!;
      expect(decoded.header.alg).toBe('HS256');
      expect(decoded.payload).toMatchObject({ sub: u.userId, aud: 'staff', typ: 'access', role: 'manager' });
    });

    it.each([
      ['a wrong password', async (u: { email: string }) => ({ email: u.email, password: 'not-it' })],
      ['an unknown email', async () => ({ email: 'nobody@example.com', password: 'whatever1' })],
    ])('refuses %s with 401 in both formats', async (_name, body) => {
      const u = await t.user('technician');
      const res = await t.http.post('/api/auth/login').send(await body(u));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        success: false,
        message: 'Invalid credentials',
        error: { code: 'INVALID_CREDENTIALS', message: 'Invalid credentials', details: {} },
      });
    });

    it('records failed logins in the user stream', async () => {
      const u = await t.user('technician');
      await t.http.post('/api/auth/login').send({ email: u.email, password: 'wrong' });
      const events = await t.eventStore.readStream(userStream(u.userId));
      expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'UserLoggedIn', 'UserLoginFailed']);
      expect(events[2]!.data).toMatchObject({ reason: 'wrong_password' });
      expect(JSON.stringify(events)).not.toContain(u.password);
    });

    it('validates the body with per-field messages (422)', async () => {
      const res = await t.http.post('/api/auth/login').send({ password: 'x' });
      expect(res.status).toBe(422);
      expect(res.body.message).toBe('Validation failed');
      expect(res.body.errors).toEqual({ email: ['The email field is required.'] });
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{"email":');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    });

    it('refuses a deactivated user', async () => {
      const u = await t.user('technician');
      const r = await handleCommand(t.app.deps.commands, userDecider, userStream(u.userId), {
        type: 'DeactivateUser',
        reason: null,
        now: t.clock.now().toISOString(),
      }, systemMeta(t.app.deps.commands.ids, 'test'));
      await t.app.runner.waitFor(r.position!, 5000);
      expect((await t.login(u.email, u.password)).status).toBe(401);
      // and its existing tokens stop working
      expect((await logoutWith(u.token)).status).toBe(401);
    });
  });

  describe('tokens', () => {
    it('401 for a missing, malformed, tampered, foreign-signed or unsigned token', async () => {
      const u = await t.user('technician');
      const [header, payload, signature] = u.token.split('.');
      const tamperedPayload = Buffer.from(
        JSON.stringify({ ...(jwt.decode(u.token) as object), role: 'super_admin' }),
      ).toString('base64url');
      const foreign = jwt.sign({ typ: 'access', sid: 'x', role: 'super_admin', sst: 0 }, 'another-secret-another-secret-another', {
        algorithm: 'HS256',
        subject: u.userId,
        audience: 'staff',
        issuer: 'isp-ops',
      });
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      for (const token of [null, 'garbage', `${header}.${tamperedPayload}.${signature}`, foreign, unsigned]) {
        const req = t.http.post('/api/auth/logout');
        const res = token === null ? await req : await req.set('Authorization', `Bearer ${token}`);
        expect(res.status).toBe(401);
        expect(res.body.success).toBe(false);
      }
    });

    it('answers TOKEN_EXPIRED once the access token is older than expires_in', async () => {
      const u = await t.user('technician');
      t.clock.advance(901 * 1000);
      const res = await logoutWith(u.token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('TOKEN_EXPIRED');
    });

    it('refuses a refresh token where an access token is expected, and the reverse', async () => {
      const u = await t.user('technician');
      expect((await logoutWith(u.refreshToken)).status).toBe(401);
      expect((await t.http.post('/api/auth/refresh').send({ refresh_token: u.token })).status).toBe(401);
    });
  });

  describe('refresh', () => {
    it('rotates the refresh token on every use', async () => {
      const u = await t.user('technician');
      t.clock.advance(1000);
      const first = await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken });
      expect(first.status).toBe(200);
      const next = first.body.data.tokens.refresh_token;
      expect(next).not.toBe(u.refreshToken);
      expect(first.body.token).toEqual(first.body.data.tokens.access_token);
      const second = await t.http.post('/api/auth/refresh').send({ refresh_token: next });
      expect(second.status).toBe(200);
    });

    it('revokes the whole family when a rotated refresh token is used again', async () => {
      const u = await t.user('technician');
      const rotated = await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken });
      const newest = rotated.body.data.tokens.refresh_token;
      const newestAccess = rotated.body.data.tokens.access_token;

      const reuse = await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken });
      expect(reuse.status).toBe(401);
      // The legitimate newest token and every access token of the family are dead too.
      expect((await t.http.post('/api/auth/refresh').send({ refresh_token: newest })).status).toBe(401);
      expect((await logoutWith(newestAccess)).status).toBe(401);
      expect((await logoutWith(u.token)).status).toBe(401);
      // Another login still works.
      expect((await t.login(u.email, u.password)).status).toBe(200);
    });

    it('validates the body', async () => {
      const res = await t.http.post('/api/auth/refresh').send({});
      expect(res.status).toBe(422);
      expect(res.body.errors.refresh_token).toEqual(['The refresh token field is required.']);
    });
  });

  describe('logout', () => {
    it('revokes the access token and the refresh family', async () => {
      const u = await t.user('technician');
      const res = await logoutWith(u.token);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect((await logoutWith(u.token)).status).toBe(401);
      expect((await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken })).status).toBe(401);
    });

    it('leaves the user’s other sessions alone', async () => {
      const u = await t.user('technician');
      const other = await t.login(u.email, u.password);
      await logoutWith(u.token);
      expect((await logoutWith(other.body.token)).status).toBe(200);
    });
  });

  describe('forgot and reset password', () => {
    it('always answers 200 and mails only existing accounts', async () => {
      const u = await t.user('technician');
      const unknown = await t.http.post('/api/auth/forgot-password').send({ email: 'ghost@example.com' });
      const known = await t.http.post('/api/auth/forgot-password').send({ email: u.email });
      expect(unknown.status).toBe(200);
      expect(known.status).toBe(200);
      expect(unknown.body).toEqual(known.body);
      expect(t.mail).toHaveLength(1);
      expect(t.mail[0]!.to).toBe(u.email);
    });

    it('resets with the mailed token once; old password and old sessions stop working', async () => {
      const u = await t.user('technician');
      await t.http.post('/api/auth/forgot-password').send({ email: u.email });
      const token = /Reset token: (\S+)/.exec(t.mail[0]!.text)![1]!;
      t.clock.advance(1000);
      const reset = await t.http
        .post('/api/auth/reset-password')
        .send({ token, password: 'brand-new-password', password_confirmation: 'brand-new-password' });
      expect(reset.status).toBe(200);
      expect((await t.login(u.email, u.password)).status).toBe(401);
      expect((await t.login(u.email, 'brand-new-password')).status).toBe(200);
      expect((await logoutWith(u.token)).status).toBe(401);
      expect((await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken })).status).toBe(401);
      const again = await t.http
        .post('/api/auth/reset-password')
        .send({ token, password: 'another-password', password_confirmation: 'another-password' });
      expect(again.status).toBe(422);
      expect(again.body.errors.token).toEqual(['The reset token is invalid or has expired.']);
    });

    it('refuses an expired token and a confirmation that does not match', async () => {
      const u = await t.user('technician');
      await t.http.post('/api/auth/forgot-password').send({ email: u.email });
      const token = /Reset token: (\S+)/.exec(t.mail[0]!.text)![1]!;
      const mismatch = await t.http
        .post('/api/auth/reset-password')
        .send({ token, password: 'brand-new-password', password_confirmation: 'other-password' });
      expect(mismatch.status).toBe(422);
      expect(mismatch.body.errors.password_confirmation).toEqual(['The password confirmation does not match.']);
      t.clock.advance(61 * 60 * 1000);
      const expired = await t.http
        .post('/api/auth/reset-password')
        .send({ token, password: 'brand-new-password', password_confirmation: 'brand-new-password' });
      expect(expired.status).toBe(422);
    });
  });
});
