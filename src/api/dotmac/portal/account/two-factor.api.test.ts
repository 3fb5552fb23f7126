import { bearer, portalCustomer, portalLogin, startPortalApp, type PortalCustomer } from '../../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../../test/support/test-app';

/**
 * Use case: a customer turns two-factor authentication on (TOTP), logs in with codes from the
 * authenticator app (the injected clock gives the time), and turns it off again.
 */
describe('portal two-factor authentication', () => {
  let t: TestApp;
  let admin: TestUser;
  let c: PortalCustomer;
  const codeNow = (secret: string, offsetMs = 0) => t.app.deps.commands.totp.codeAt(secret, new Date(t.clock.now().getTime() + offsetMs));
  const post = (path: string, body: object = {}) => t.http.post(`/api/portal/v1/account/two-factor/${path}`).set(bearer(c.token)).send(body);

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    c = await portalCustomer(t, admin);
  });
  afterAll(() => t.stop());

  it('sets up, enables only with a valid code, asks for a code at login (428), refuses a reused code, disables', async () => {
    expect((await post('enable', { code: '123456' })).status).toBe(409);
    const setup = await post('setup');
    expect(setup.status).toBe(200);
    const { secret, otpauth_uri: uri } = setup.body.data as { secret: string; otpauth_uri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toContain(`otpauth://totp/`);
    expect(uri).toContain(`:${c.portalId}?secret=${secret}`);
    // The secret is stored sealed, never in clear.
    const stored = JSON.stringify(await t.eventStore.readStream(`portal_account-${c.portalAccountId}`));
    expect(stored).not.toContain(secret);

    const wrong = await post('enable', { code: (Number(await codeNow(secret)) ^ 1).toString().padStart(6, '0').slice(-6) });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'code' } });
    const enabled = await post('enable', { code: await codeNow(secret) });
    expect(enabled.status).toBe(200);
    expect(enabled.body.data).toEqual({ two_factor_enabled: true, two_factor_methods: ['totp'] });
    const profile = await t.http.get('/api/portal/v1/account/profile').set(bearer(c.token));
    expect(profile.body.data.account_settings.two_factor_enabled).toBe(true);
    expect((await post('setup')).status).toBe(409);

    // No code: 428 with the methods; nothing counted against the account.
    const noCode = await portalLogin(t, c.portalId, c.password);
    expect(noCode.status).toBe(428);
    expect(noCode.body.error).toMatchObject({ code: 'TWO_FACTOR_REQUIRED', details: { require_two_factor: true, two_factor_methods: ['totp'] } });
    // The code that enabled two-factor was used: not again.
    t.clock.advance(5_000);
    const reused = await portalLogin(t, c.portalId, c.password, { two_factor_code: await codeNow(secret, -5_000) });
    expect(reused.status).toBe(400);

    // A code of the next step, then the same code again (reuse), then a code a step late (skew).
    t.clock.advance(30_000);
    const code = await codeNow(secret);
    const ok = await portalLogin(t, c.portalId, c.password, { two_factor_code: code });
    expect(ok.status).toBe(200);
    expect(ok.body.data.two_factor_methods).toEqual(['totp']);
    expect((await portalLogin(t, c.portalId, c.password, { two_factor_code: code })).status).toBe(400);
    t.clock.advance(30_000);
    const late = await codeNow(secret);
    t.clock.advance(30_000);
    expect((await portalLogin(t, c.portalId, c.password, { two_factor_code: late })).status).toBe(200);
    t.clock.advance(30_000);
    const tooOld = await codeNow(secret, -60_000);
    expect((await portalLogin(t, c.portalId, c.password, { two_factor_code: tooOld })).status).toBe(400);

    // Off with the password (a wrong one is 422), then on→off again is 409.
    expect((await post('disable', { password: 'not-my-password-1' })).status).toBe(422);
    const off = await post('disable', { password: c.password });
    expect(off.status).toBe(200);
    expect(off.body.data).toEqual({ two_factor_enabled: false, two_factor_methods: [] });
    expect((await post('disable', { password: c.password })).status).toBe(409);
    expect((await portalLogin(t, c.portalId, c.password)).status).toBe(200);
  });

  it('disables with a fresh code', async () => {
    const other = await portalCustomer(t, admin);
    const as = (path: string, body: object = {}) => t.http.post(`/api/portal/v1/account/two-factor/${path}`).set(bearer(other.token)).send(body);
    const { secret } = (await as('setup')).body.data as { secret: string };
    expect((await as('enable', { code: await codeNow(secret) })).status).toBe(200);
    expect((await as('disable', {})).status).toBe(422);
    t.clock.advance(30_000);
    expect((await as('disable', { code: await codeNow(secret) })).status).toBe(200);
  });
});
