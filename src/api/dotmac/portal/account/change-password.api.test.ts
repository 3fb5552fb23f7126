import { bearer, NEW_PASSWORD, portalCustomer, portalLogin, startPortalApp, TEMP_PASSWORD } from '../../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../../test/support/test-app';

/** Use case: a customer replaces the temporary password, later changes it again (document 004 POST /api/portal/v1/account/change-password). */
describe('portal change password', () => {
  let t: TestApp;
  let admin: TestUser;
  const change = (token: string, body: object) => t.http.post('/api/portal/v1/account/change-password').set(bearer(token)).send(body);

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
  });
  afterAll(() => t.stop());

  it('activates the account with the first change; the temporary password stops working', async () => {
    const c = await portalCustomer(t, admin, { activate: false });
    const res = await change(c.token, { current_password: TEMP_PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, message: 'Password changed successfully', data: { portal_id: c.portalId, account_status: 'active', require_password_change: false } });
    // The session that changed it goes on, now with everything open.
    expect((await t.http.post('/api/portal/v1/account/two-factor/setup').set(bearer(c.token))).status).toBe(200);
    expect((await portalLogin(t, c.portalId, TEMP_PASSWORD)).status).toBe(400);
    const login = await portalLogin(t, c.portalId, NEW_PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body.data.require_password_change).toBe(false);
  });

  it('requires the current password, an equal confirmation and a strong new password', async () => {
    const c = await portalCustomer(t, admin);
    const cases: Array<[object, string]> = [
      [{ current_password: 'wrong-password-1', new_password: 'another-strong-pass-2', confirm_password: 'another-strong-pass-2' }, 'current_password'],
      [{ current_password: c.password, new_password: 'another-strong-pass-2', confirm_password: 'another-strong-pass-3' }, 'confirm_password'],
      [{ current_password: c.password, new_password: 'short-1', confirm_password: 'short-1' }, 'new_password'],
      [{ current_password: c.password, new_password: 'password123', confirm_password: 'password123' }, 'new_password'],
      [{ current_password: c.password, new_password: `x-${c.portalId}-9`, confirm_password: `x-${c.portalId}-9` }, 'new_password'],
      [{ current_password: c.password, new_password: c.password, confirm_password: c.password }, 'new_password'],
      [{ new_password: 'another-strong-pass-2', confirm_password: 'another-strong-pass-2' }, 'current_password'],
    ];
    for (const [body, field] of cases) {
      const res = await change(c.token, body);
      expect({ field, status: res.status }).toEqual({ field, status: 422 });
      expect(res.body.error.details.fields).toHaveProperty(field);
    }
  });

  it('ends the other sessions that started before the change, keeps the caller\'s', async () => {
    const c = await portalCustomer(t, admin);
    const elsewhere = (await portalLogin(t, c.portalId, c.password)).body.data as { access_token: string; refresh_token: string };
    t.clock.advance(1000);
    const res = await change(c.token, { current_password: c.password, new_password: 'a-brand-new-pass-4', confirm_password: 'a-brand-new-pass-4' });
    expect(res.status).toBe(200);
    expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(c.token))).status).toBe(200);
    expect((await t.http.get('/api/portal/v1/account/profile').set(bearer(elsewhere.access_token))).status).toBe(401);
    expect((await t.http.post('/api/portal/v1/auth/refresh').send({ refresh_token: elsewhere.refresh_token })).status).toBe(401);
  });
});
