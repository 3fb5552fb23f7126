import { auth, startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `POST /api/v1/identity/users`: the same users every document sees, 004's role names, unique username and email. */
describe('POST /api/v1/identity/users (document 004)', () => {
  let t: TestApp;
  let admin: TestUser;
  let superAdmin: TestUser;
    let n = 0;
  const body = (over: Record<string, unknown> = {}) => {
    n++;
    return { username: `new_user${n}`, email: `user${n}@isp.com`, password: 'secure_password', first_name: 'John', last_name: 'Doe', roles: ['support'], phone: '+1-555-0123', timezone: 'America/New_York', ...over };
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('manager');
    superAdmin = await t.user('super_admin');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates a user with a 004 role, who then signs in with the email like any user', async () => {
    const res = await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body({ username: 'jdoe', email: 'jdoe@isp.com' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ success: true, message: 'User created successfully' });
    expect(res.body.data.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      username: 'jdoe',
      email: 'jdoe@isp.com',
      first_name: 'John',
      last_name: 'Doe',
      roles: ['support'],
      is_active: true,
      phone: '+1-555-0123',
      timezone: 'America/New_York',
      last_login: null,
      created_at: '2026-01-15T12:00:00Z',
    });
    const login = await t.login('jdoe@isp.com', 'secure_password');
    expect(login.status).toBe(200);
    // The same user in document 000, as a customer_service user named John Doe.
    const same = await t.http.get(`/api/users/${res.body.data.user.id}`).set(auth(admin));
    expect(same.body.data.user).toMatchObject({ role: 'customer_service', profile: { full_name: 'John Doe' } });
  });

  it('maps tenant_admin to manager and technician to technician', async () => {
    const a = await t.http.post('/api/v1/identity/users').set(auth(superAdmin)).send(body({ roles: ['tenant_admin'] }));
    expect(a.body.data.user.roles).toEqual(['tenant_admin']);
    const tech = await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body({ roles: ['technician'] }));
    expect(tech.body.data.user.roles).toEqual(['technician']);
  });

  it('refuses a taken username or email (409), and leaves the username free when the email is taken', async () => {
    expect((await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body({ username: 'taken' }))).status).toBe(201);
    const dupUser = await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body({ username: 'TAKEN' }));
    expect(dupUser.status).toBe(409);
    expect(dupUser.body.error).toMatchObject({ code: 'DUPLICATE_RESOURCE', details: { field: 'username' } });
    const dupEmail = await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body({ username: 'free_name', email: 'jdoe@isp.com' }));
    expect(dupEmail.status).toBe(409);
    expect(dupEmail.body.error.details.field).toBe('email');
    expect((await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body({ username: 'free_name' }))).status).toBe(201);
  });

  it('answers validation errors per field in the document format', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: 'invalid-email' }, 'email'],
      [{ roles: [] }, 'roles'],
      [{ roles: ['support', 'technician'] }, 'roles'],
      [{ roles: ['customer'] }, 'roles'],
      [{ roles: ['janitor'] }, 'roles.0'],
      [{ password: 'short' }, 'password'],
      [{ username: 'a b' }, 'username'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ first_name: '' }, 'first_name'],
    ];
    for (const [over, field] of cases) {
      const res = await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body(over));
      expect({ over, status: res.status, field: res.body.error?.details?.field }).toEqual({ over, status: 422, field });
    }
    const invalid = await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body({ email: 'invalid-email' }));
    expect(invalid.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: 'Invalid input data', details: { field: 'email', issue: 'Invalid email format' } });
  });

  it('lets only a super admin create super admins and auditors; the matrix decides the rest', async () => {
    expect((await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body({ roles: ['auditor'] }))).status).toBe(403);
    expect((await t.http.post('/api/v1/identity/users').set(auth(admin)).send(body({ roles: ['super_admin'] }))).status).toBe(403);
    expect((await t.http.post('/api/v1/identity/users').set(auth(superAdmin)).send(body({ roles: ['auditor'] }))).status).toBe(201);
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      const res = await t.http.post('/api/v1/identity/users').set(auth(u)).send(body());
      expect({ role, status: res.status }).toEqual({ role, status: allows('users.create', role) ? 201 : 403 });
    }
    expect((await t.http.post('/api/v1/identity/users').send(body())).status).toBe(401);
  });
});
