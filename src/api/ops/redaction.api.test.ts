import type { RecordedEvent } from '../../ports/event-store';
import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { isSecretField } from '../http/secrets';

/**
 * No answer of the operations API shows a password hash, a reset-token hash, a refresh-token id
 * or any other stored credential, while the hash chain of the stream still verifies over what is
 * stored (issue 11: /ops/streams/user-<id> showed the password hash).
 */

/** Every value stored under a secret field name in these events, at any depth. */
function storedSecrets(events: RecordedEvent[]): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    for (const [key, inner] of Object.entries(v)) {
      if (isSecretField(key) && typeof inner === 'string') found.push(inner);
      else walk(inner);
    }
  };
  events.forEach((e) => walk(e.data));
  return found;
}

describe('operations API: secrets stay in the store', () => {
  let t: TestApp;
  let admin: TestUser;
  let user: TestUser;
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin');
    user = await t.user('technician');
    // Every kind of credential a user's and a session's streams hold: the registration's password
    // hash, a refresh-token rotation, a reset token's hash, and the new password's hash.
    expect((await t.http.post('/api/auth/refresh').send({ refresh_token: user.refreshToken })).status).toBe(200);
    await t.http.post('/api/auth/forgot-password').send({ email: user.email });
    const token = /Reset token: (\S+)/.exec(t.mail.at(-1)!.text)![1]!;
    t.clock.advance(1000);
    const reset = await t.http.post('/api/auth/reset-password').send({ token, password: 'brand-new-password', password_confirmation: 'brand-new-password' });
    expect(reset.status).toBe(200);
  });
  afterAll(() => t.stop());

  const streamsOfUser = async () => {
    const events = await t.eventStore.readStream(`user-${user.userId}`);
    const sessions = [...new Set(events.filter((e) => e.type === 'UserLoggedIn').map((e) => String(e.data.sessionId)))];
    return [`user-${user.userId}`, ...sessions.map((id) => `session-${id}`)];
  };

  it('shows every event of the user and session streams with each secret replaced, and names what was redacted', async () => {
    const streams = await streamsOfUser();
    expect(streams.length).toBeGreaterThanOrEqual(2);
    let redactedSeen = 0;
    for (const stream of streams) {
      const stored = await t.eventStore.readStream(stream);
      const secrets = storedSecrets(stored);
      expect(secrets.length).toBeGreaterThan(0);
      const res = await t.http.get(`/ops/streams/${stream}`).set(as(admin));
      expect(res.status).toBe(200);
      expect(res.body.data.events).toHaveLength(stored.length);
      const text = res.text;
      for (const secret of secrets) expect(text.includes(secret)).toBe(false);
      for (const e of res.body.data.events as Array<{ data: Record<string, unknown>; redacted: string[] }>) {
        for (const path of e.redacted) expect(e.data[path.replace(/^data\./, '')]).toBe('[redacted]');
        redactedSeen += e.redacted.length;
      }
      const verify = await t.http.get(`/ops/streams/${stream}/verify`).set(as(admin));
      expect(verify.status).toBe(200);
      expect(verify.body.data.verification.valid).toBe(true);
    }
    // Registration + reset completion (password hashes), reset request (token hash), session start and rotation.
    expect(redactedSeen).toBeGreaterThanOrEqual(5);
  });

  it('redacts as of a revision too', async () => {
    const res = await t.http.get(`/ops/streams/user-${user.userId}?as_of_revision=0`).set(as(admin));
    expect(res.status).toBe(200);
    expect(res.body.data.events[0].type).toBe('UserRegistered');
    expect(res.body.data.events[0].data.passwordHash).toBe('[redacted]');
    expect(res.body.data.events[0].redacted).toEqual(['data.passwordHash']);
  });

  it('shows no stored credential in any answer about the user: the user, the ops read models', async () => {
    const secrets = (await Promise.all((await streamsOfUser()).map((s) => t.eventStore.readStream(s)))).flatMap(storedSecrets);
    const answers = [
      await t.http.get(`/api/users/${user.userId}`).set(as(admin)),
      await t.http.get(`/ops/read-models/users/${user.userId}`).set(as(admin)),
      await t.http.get('/api/users').set(as(admin)),
    ];
    for (const res of answers) {
      expect(res.status).toBe(200);
      for (const secret of secrets) expect(res.text.includes(secret)).toBe(false);
    }
  });
});
