import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../../test/support/test-app';

/** Use case: a customer reads and changes the profile and settings (document 004 GET/PUT /api/portal/v1/account/profile). */
describe('portal profile', () => {
  let t: TestApp;
  let admin: TestUser;
  let c: PortalCustomer;
  const put = (body: object) => t.http.put('/api/portal/v1/account/profile').set(bearer(c.token)).send(body);

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    c = await portalCustomer(t, admin);
  });
  afterAll(() => t.stop());

  it('shows the Portal ID, the customer in 004 words and the account settings', async () => {
    const res = await t.http.get('/api/portal/v1/account/profile').set(bearer(c.token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, data: { portal_id: c.portalId, account_status: 'active', require_password_change: false } });
    expect(res.body.data.customer).toEqual({
      id: c.customerId,
      customer_number: expect.stringMatching(/^CUST-\d{6}$/),
      display_name: expect.any(String),
      customer_type: 'residential',
      account_status: 'active',
      email: c.email,
      phone: expect.any(String),
    });
    expect(res.body.data.account_settings).toEqual({
      two_factor_enabled: false,
      email_notifications: true,
      sms_notifications: false,
      theme_preference: 'light',
      language_preference: 'en',
      timezone_preference: 'UTC',
    });
  });

  it('changes e-mail, phone and preferences; the customer is the same one the other documents show', async () => {
    const res = await put({ email: 'NewEmail@Example.com', phone: '+1-555-9876', email_notifications: false, theme_preference: 'dark', timezone_preference: 'America/New_York' });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Profile updated successfully');
    expect(res.body.data.customer).toMatchObject({ email: 'newemail@example.com', phone: '+1-555-9876' });
    expect(res.body.data.account_settings).toMatchObject({ email_notifications: false, theme_preference: 'dark', timezone_preference: 'America/New_York', sms_notifications: false });
    const pelanggan = await t.http.get(`/api/pelanggan/${c.pelangganId}`).set({ Authorization: `Bearer ${admin.token}` });
    expect(pelanggan.body).toMatchObject({ email: 'newemail@example.com', no_telp: '+1-555-9876' });
  });

  it('validates again: e-mail and phone formats, known preferences, something to change, no unknown fields', async () => {
    for (const [body, field] of [
      [{ email: 'invalid-email' }, 'email'],
      [{ phone: 'call me' }, 'phone'],
      [{ phone: '+1 23' }, 'phone'],
      [{ theme_preference: 'neon' }, 'theme_preference'],
      [{ timezone_preference: 'Mars/Olympus' }, 'timezone_preference'],
      [{ language_preference: 'not a tag!' }, 'language_preference'],
      [{}, 'body'],
      [{ portal_id: 'ZZZZZZZZ' }, 'body'],
    ] as const) {
      const res = await put(body);
      expect({ body, status: res.status }).toEqual({ body, status: 422 });
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.fields).toHaveProperty(field);
    }
  });

  it("refuses another customer's e-mail (409 DUPLICATE_RESOURCE)", async () => {
    const other = await portalCustomer(t, admin);
    const res = await put({ email: other.email });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'DUPLICATE_RESOURCE', details: { field: 'email' } });
  });
});
