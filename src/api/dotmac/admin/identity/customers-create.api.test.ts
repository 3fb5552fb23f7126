import { auth, startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/**
 * Document 004 `POST /api/v1/identity/customers`: a customer numbered CUST-…, pending until a
 * service starts, with a portal account when asked (the portal engineer's createPortalAccount);
 * the same customer in document 000.
 */
describe('POST /api/v1/identity/customers (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
    let n = 0;
  const body = (over: Record<string, unknown> = {}) => {
    n++;
    return {
      customer_type: 'residential',
      first_name: 'Jane',
      last_name: 'Smith',
      email: `jane${n}@example.com`,
      phone: '+1-555-0124',
      address: { street: '123 Main St', city: 'Anytown', state: 'ST', postal_code: '12345', country: 'US' },
      service_address: 'Same as billing',
      ...over,
    };
  };
  const create = (b: Record<string, unknown>, as: { token: string } = cs) => t.http.post('/api/v1/identity/customers').set(auth(as)).send(b);

  beforeAll(async () => {
    t = await startTestApp();
    cs = await t.user('customer_service');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates a customer with a portal account and its Portal ID, which signs in with the temporary password', async () => {
    const res = await create(body({ create_portal_account: true, portal_password: 'temp_password123' }));
    expect(res.status).toBe(201);
    const { customer, portal_account } = res.body.data;
    expect(customer).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      customer_number: 'CUST-000001',
      display_name: 'Jane Smith',
      customer_type: 'residential',
      account_status: 'pending',
      email: 'jane1@example.com',
      phone: '+1-555-0124',
      address: { street: '123 Main St', city: 'Anytown', state: 'ST', postal_code: '12345', country: 'US' },
      service_address: 'Same as billing',
      portal_id: portal_account.portal_id,
      created_at: '2026-01-15T12:00:00Z',
    });
    expect(portal_account).toEqual({ portal_id: expect.stringMatching(/^[A-Z0-9]{8}$/), status: 'pending_activation', activation_required: true });
    expect(res.body.message).toBe(`Customer created successfully with Portal ID: ${portal_account.portal_id}`);

    const login = await t.http.post('/api/portal/v1/auth/login').send({ portal_id: portal_account.portal_id, password: 'temp_password123' });
    expect(login.status).toBe(200);
    expect(login.body.data).toMatchObject({ portal_id: portal_account.portal_id, require_password_change: true });
    // A portal refresh token is not a staff one.
    expect((await t.http.post('/api/v1/auth/refresh').send({ refresh_token: login.body.data.refresh_token })).status).toBe(401);
    // The same customer for document 000.
    const same = await t.http.get(`/api/customers/${customer.id}`).set(auth(cs));
    expect(same.status).toBe(200);
    expect(same.body.data.customer).toMatchObject({ full_name: 'Jane Smith', email: 'jane1@example.com', code: 'CUST-000001' });
  });

  it('generates a temporary password when none is given and answers it once; without the flag no portal account', async () => {
    const res = await create(body({ create_portal_account: true }));
    expect(res.status).toBe(201);
    expect(res.body.data.portal_account.temporary_password).toMatch(/^\S{8,}$/);
    const plain = await create(body({ customer_type: 'business' }));
    expect(plain.status).toBe(201);
    expect(plain.body.data).toMatchObject({ customer: { customer_number: 'CUST-000003', customer_type: 'business', portal_id: null }, portal_account: null });
    expect(plain.body.message).toBe('Customer created successfully');
  });

  it('refuses a second customer with the same email (409) and invalid input per field (422)', async () => {
    expect((await create(body({ email: 'dup@example.com' }))).status).toBe(201);
    const dup = await create(body({ email: 'DUP@example.com' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'DUPLICATE_RESOURCE', details: { field: 'email' } });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ customer_type: 'government' }, 'customer_type'],
      [{ email: 'invalid-email' }, 'email'],
      [{ phone: 'call me' }, 'phone'],
      [{ address: { city: 'Anytown' } }, 'address.street'],
      [{ first_name: ' ' }, 'first_name'],
      [{ create_portal_account: true, portal_password: 'short' }, 'portal_password'],
      [{ portal_password: 'temp_password123' }, 'portal_password'],
    ];
    for (const [over, field] of cases) {
      const res = await create(body(over));
      expect({ over, status: res.status, field: res.body.error?.details?.field }).toEqual({ over, status: 422, field });
    }
  });

  it('follows the role matrix', async () => {
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, status: (await create(body(), u)).status }).toEqual({ role, status: allows('customers.create', role) ? 201 : 403 });
    }
  });
});
