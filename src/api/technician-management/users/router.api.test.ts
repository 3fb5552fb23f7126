import type { Role } from '../../../domain/user';
import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { ALL_ROLES } from '../permissions';
import { USER_PERMISSIONS } from './permissions';

type Token = { token: string };
const auth = (u: Token) => ({ Authorization: `Bearer ${u.token}` });

let n = 0;
const newUser = (over: Record<string, unknown> = {}) => {
  n++;
  return {
    email: `person.${n}@example.com`,
    password: 'password-123',
    role: 'technician',
    profile: { full_name: `Person ${n}`, phone: '081234567890' },
    ...over,
  };
};

describe('Users API (document 000)', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin', { full_name: 'Ada Admin' });
    manager = await t.user('manager', { full_name: 'Mia Manager' });
  });
  afterEach(async () => {
    await t.stop();
  });

  const create = async (body: Record<string, unknown> = newUser(), by: Token = admin) => {
    const res = await t.http.post('/api/users').set(auth(by)).send(body);
    expect(res.status).toBe(201);
    return res.body.data.user as { id: string; email: string; role: Role };
  };
  const get = (id: string, by: Token = admin) => t.http.get(`/api/users/${id}`).set(auth(by));
  const put = (id: string, body: object, by: Token = admin) => t.http.put(`/api/users/${id}`).set(auth(by)).send(body);
  const list = (query: string, by: Token = admin) => t.http.get(`/api/users${query}`).set(auth(by));
  const tokenOf = async (email: string, password: string) => {
    const res = await t.login(email, password);
    expect(res.status).toBe(200);
    return { token: res.body.data.tokens.access_token as string, refresh: res.body.data.tokens.refresh_token as string };
  };

  describe('POST /api/users', () => {
    it('creates a user (201) in the documented shape, who can then log in', async () => {
      const body = newUser({
        email: 'Rina.Tech@Example.com',
        profile: { full_name: 'Rina Teknisi', phone: '+62 812-3456-7890', avatar: 'https://cdn.example.com/rina.png' },
      });
      const res = await t.http.post('/api/users').set(auth(admin)).send(body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        success: true,
        data: {
          user: {
            id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            email: 'rina.tech@example.com',
            role: 'technician',
            is_active: true,
            profile: {
              full_name: 'Rina Teknisi',
              phone: '+62 812-3456-7890',
              avatar: 'https://cdn.example.com/rina.png',
              department: null,
              // Document 003's employee fields, never set for this user.
              pn: null,
              position: null,
              department_id: null,
              branch_id: null,
            },
            created_at: '2026-01-15T12:00:00.000Z',
            updated_at: '2026-01-15T12:00:00.000Z',
          },
        },
      });
      expect(res.headers.location).toBe(`/api/users/${res.body.data.user.id}`);
      expect(res.headers.etag).toBe('"0"');
      const login = await t.login('rina.tech@example.com', 'password-123');
      expect(login.status).toBe(200);
      expect(login.body.data.user.id).toBe(res.body.data.user.id);
      // Read-your-writes: the new user is in the list at once.
      expect((await list('?search=rina')).body.data.users.map((u: { id: string }) => u.id)).toEqual([res.body.data.user.id]);
    });

    it('answers 422 with a message per missing field', async () => {
      const res = await t.http.post('/api/users').set(auth(admin)).send({});
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        success: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: 'Validation failed',
          details: {
            email: ['The email field is required.'],
            password: ['The password field is required.'],
            role: ['The role field is required.'],
            profile: ['The profile field is required.'],
          },
        },
      });
      const nested = await t.http.post('/api/users').set(auth(admin)).send({ ...newUser(), profile: {} });
      expect(nested.body.error.details).toEqual({
        'profile.full_name': ['The profile full name field is required.'],
        'profile.phone': ['The profile phone field is required.'],
      });
    });

    it('answers 422 for invalid values', async () => {
      const res = await t.http
        .post('/api/users')
        .set(auth(admin))
        .send({ email: 'not-an-email', password: 'short', role: 'king', profile: { full_name: '  ', phone: 'call me' } });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual({
        email: ['The email must be a valid email address.'],
        password: ['The password must be at least 8 characters.'],
        role: ['The role must be one of: super_admin, manager, supervisor, customer_service, technician, customer, auditor.'],
        'profile.full_name': ['The full name field is required.'],
        'profile.phone': ['The phone may only contain digits, spaces, +, -, ( and ).', 'The phone must have between 6 and 20 digits.'],
      });
    });

    it('answers 409 DUPLICATE_ENTRY for an email any user already has (case-insensitive), creating nothing', async () => {
      const before = (await list('')).body.data.pagination.total;
      const res = await t.http.post('/api/users').set(auth(admin)).send(newUser({ email: manager.email.toUpperCase() }));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        success: false,
        error: { code: 'DUPLICATE_ENTRY', message: 'email is already taken', details: { field: 'email' } },
      });
      expect((await list('')).body.data.pagination.total).toBe(before);
    });

    it('lets only a super admin create a super admin', async () => {
      const denied = await t.http.post('/api/users').set(auth(manager)).send(newUser({ role: 'super_admin' }));
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
      expect((await create(newUser({ role: 'manager' }), manager)).role).toBe('manager');
      expect((await create(newUser({ role: 'super_admin' }), admin)).role).toBe('super_admin');
    });

    it('replays the first answer for the same Idempotency-Key and body', async () => {
      const body = newUser();
      const first = await t.http.post('/api/users').set(auth(admin)).set('Idempotency-Key', 'k-1').send(body);
      const again = await t.http.post('/api/users').set(auth(admin)).set('Idempotency-Key', 'k-1').send(body);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await list(`?search=${encodeURIComponent(body.email)}`)).body.data.pagination.total).toBe(1);
    });
  });

  describe('GET /api/users', () => {
    it('lists users newest first with the pagination block', async () => {
      const a = await create();
      t.clock.advance(1000);
      const b = await create();
      const res = await list('');
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      const ids = res.body.data.users.map((u: { id: string }) => u.id);
      expect(ids.slice(0, 2)).toEqual([b.id, a.id]);
      expect(ids).toHaveLength(4);
      expect(res.body.data.pagination).toEqual({ current_page: 1, per_page: 20, total: 4, total_pages: 1 });
      expect(res.body.data.users[0]).toEqual({
        id: b.id,
        email: b.email,
        role: 'technician',
        is_active: true,
        profile: { full_name: expect.any(String), phone: '081234567890', avatar: null, department: null, pn: null, position: null, department_id: null, branch_id: null },
        created_at: '2026-01-15T12:00:01.000Z',
        updated_at: '2026-01-15T12:00:01.000Z',
      });
    });

    it('pages with page and limit; pages neither overlap nor miss anyone', async () => {
      for (let i = 0; i < 5; i++) await create();
      const seen: string[] = [];
      for (const page of [1, 2, 3]) {
        const res = await list(`?role=technician&limit=2&page=${page}`);
        expect(res.body.data.pagination).toEqual({ current_page: page, per_page: 2, total: 5, total_pages: 3 });
        seen.push(...res.body.data.users.map((u: { id: string }) => u.id));
      }
      expect(new Set(seen).size).toBe(5);
      expect((await list('?role=technician&limit=2&page=4')).body.data.users).toEqual([]);
    });

    it('filters by role and by is_active, alone and together', async () => {
      const tech = await create();
      const gone = await create();
      await create(newUser({ role: 'supervisor' }));
      expect((await t.http.delete(`/api/users/${gone.id}`).set(auth(admin))).status).toBe(200);

      const techs = (await list('?role=technician')).body.data.users.map((u: { id: string }) => u.id);
      expect(techs.sort()).toEqual([tech.id, gone.id].sort());
      const inactive = (await list('?is_active=false')).body.data.users.map((u: { id: string }) => u.id);
      expect(inactive).toEqual([gone.id]);
      const activeTechs = (await list('?role=technician&is_active=true')).body.data.users.map((u: { id: string }) => u.id);
      expect(activeTechs).toEqual([tech.id]);
      const activeCount = (await list('?is_active=1')).body.data.pagination.total;
      expect(activeCount).toBe(4);
    });

    it('searches name and email by word prefix, case- and accent-insensitively', async () => {
      const rina = await create(newUser({ email: 'rina.w@isp.example', profile: { full_name: 'Rina Wijaya', phone: '0811111111' } }));
      const andre = await create(newUser({ email: 'andre@isp.example', profile: { full_name: 'André Gunawan', phone: '0822222222' } }));
      const ids = async (q: string) => (await list(`?search=${encodeURIComponent(q)}`)).body.data.users.map((u: { id: string }) => u.id);
      expect(await ids('WIJ')).toEqual([rina.id]);
      expect(await ids('rina wij')).toEqual([rina.id]);
      expect(await ids('andre')).toEqual([andre.id]);
      expect(await ids('isp.example')).toEqual([andre.id, rina.id]);
      expect(await ids('rina.w@isp')).toEqual([rina.id]);
      expect(await ids('gunawan rina')).toEqual([]);
      expect(await ids('nomatch')).toEqual([]);
      const combined = await list('?search=isp&role=supervisor');
      expect(combined.body.data.users).toEqual([]);
    });

    it('answers 422 for invalid query parameters', async () => {
      const res = await list('?limit=101&page=0&role=king&is_active=maybe');
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual({
        page: ['page must be at least 1'],
        limit: ['limit may not be greater than 100'],
        role: ['The role must be one of: super_admin, manager, supervisor, customer_service, technician, customer, auditor.'],
        is_active: ['must be true or false'],
      });
    });
  });

  describe('GET /api/users/:id', () => {
    it('returns the user with its ETag', async () => {
      const u = await create();
      const res = await get(u.id);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.body.data.user).toMatchObject({ id: u.id, email: u.email, role: 'technician', is_active: true });
    });

    it('answers 404 RESOURCE_NOT_FOUND for an unknown id or one that is not a UUID', async () => {
      for (const id of ['7d0c3c53-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const res = await get(id);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ success: false, error: { code: 'RESOURCE_NOT_FOUND', message: 'User not found', details: {} } });
      }
    });
  });

  describe('PUT /api/users/:id', () => {
    it('updates profile and role, keeping what is not sent', async () => {
      const u = await create();
      t.clock.advance(60_000);
      const res = await put(u.id, { role: 'supervisor', profile: { full_name: 'Sari Supervisor', avatar: 'https://cdn.example.com/s.png' } });
      expect(res.status).toBe(200);
      expect(res.body.data.user).toMatchObject({
        id: u.id,
        role: 'supervisor',
        profile: { full_name: 'Sari Supervisor', phone: '081234567890', avatar: 'https://cdn.example.com/s.png' },
        created_at: '2026-01-15T12:00:00.000Z',
        updated_at: '2026-01-15T12:01:00.000Z',
      });
      expect((await get(u.id)).body.data.user).toEqual(res.body.data.user);
      const cleared = await put(u.id, { profile: { avatar: null } });
      expect(cleared.body.data.user.profile.avatar).toBeNull();
    });

    it('changes the email: the new one logs in, the old one is released', async () => {
      const u = await create(newUser({ email: 'old.mail@example.com' }));
      const res = await put(u.id, { email: 'New.Mail@Example.com' });
      expect(res.status).toBe(200);
      expect(res.body.data.user.email).toBe('new.mail@example.com');
      expect((await t.login('old.mail@example.com', 'password-123')).status).toBe(401);
      expect((await t.login('new.mail@example.com', 'password-123')).status).toBe(200);
      expect((await list('?search=new.mail')).body.data.users.map((x: { id: string }) => x.id)).toEqual([u.id]);
      expect((await list('?search=old.mail')).body.data.users).toEqual([]);
      await create(newUser({ email: 'old.mail@example.com' }));
    });

    it('lets one of several users renamed to the same email at once win; the others keep theirs', async () => {
      const users = [await create(), await create(), await create(), await create()];
      const results = await Promise.all(users.map((u) => put(u.id, { email: 'contested@example.com' })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
      const winner = users[results.findIndex((r) => r.status === 200)];
      const emails = await Promise.all(users.map(async (u) => (await get(u.id)).body.data.user.email));
      expect(emails.filter((e) => e === 'contested@example.com')).toHaveLength(1);
      expect(emails).toEqual(users.map((u) => (u === winner ? 'contested@example.com' : u.email)));
      const created = await Promise.all([1, 2, 3].map(() => t.http.post('/api/users').set(auth(admin)).send(newUser({ email: 'twice@example.com' }))));
      expect(created.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    });

    it('answers 409 for an email another user has, changing nothing', async () => {
      const u = await create();
      const res = await put(u.id, { email: manager.email, profile: { full_name: 'Changed' } });
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({ code: 'DUPLICATE_ENTRY', message: 'email is already taken', details: { field: 'email' } });
      expect((await get(u.id)).body.data.user).toMatchObject({ email: u.email, profile: { full_name: expect.not.stringMatching('Changed') } });
    });

    it('sets a new password: old sessions stop working, the new password logs in', async () => {
      const body = newUser();
      const u = await create(body);
      const session = await tokenOf(body.email, body.password);
      t.clock.advance(1000);
      expect((await put(u.id, { password: 'brand-new-secret' })).status).toBe(200);
      expect((await get(u.id, session)).status).toBe(401);
      expect((await t.login(body.email, body.password)).status).toBe(401);
      expect((await t.login(body.email, 'brand-new-secret')).status).toBe(200);
    });

    it('lets anyone change their own profile, and their password with the current one', async () => {
      const body = newUser();
      const u = await create(body);
      const me = await tokenOf(body.email, body.password);
      const profile = await put(u.id, { profile: { full_name: 'Tono Teknisi', phone: '0899 1234 567' } }, me);
      expect(profile.status).toBe(200);
      expect(profile.body.data.user.profile).toMatchObject({ full_name: 'Tono Teknisi', phone: '0899 1234 567' });

      const missing = await put(u.id, { password: 'another-secret' }, me);
      expect(missing.status).toBe(422);
      expect(missing.body.error.details).toEqual({ current_password: ['The current password field is required to change your own password.'] });
      const wrong = await put(u.id, { password: 'another-secret', current_password: 'guess-guess' }, me);
      expect(wrong.status).toBe(422);
      expect(wrong.body.error.details).toEqual({ current_password: ['The current password is incorrect.'] });
      t.clock.advance(1000);
      const right = await put(u.id, { password: 'another-secret', current_password: body.password }, me);
      expect(right.status).toBe(200);
      expect((await t.login(body.email, 'another-secret')).status).toBe(200);
    });

    it('refuses (403) self-service changes of email, role or activation without the update permission', async () => {
      const body = newUser();
      const u = await create(body);
      const me = await tokenOf(body.email, body.password);
      for (const change of [{ email: 'mine@example.com' }, { role: 'manager' }, { is_active: false }]) {
        const res = await put(u.id, change, me);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
      }
      // Sending current values back is not a change.
      expect((await put(u.id, { email: body.email, role: 'technician', is_active: true }, me)).status).toBe(200);
    });

    it('keeps managers away from super admins and admins from locking themselves out', async () => {
      const tech = await create();
      const cases: [Token, string, object, string][] = [
        [manager, admin.userId, { profile: { full_name: 'Hijacked' } }, 'Only a super admin may change a super admin or grant the role'],
        [manager, admin.userId, { password: 'taken-over-1' }, 'Only a super admin may change a super admin or grant the role'],
        [manager, tech.id, { role: 'super_admin' }, 'Only a super admin may change a super admin or grant the role'],
        [manager, tech.id, { is_active: false }, 'You do not have permission to deactivate or reactivate users'],
        [admin, admin.userId, { role: 'manager' }, 'You cannot change your own role'],
        [admin, admin.userId, { is_active: false }, 'You cannot deactivate your own account'],
      ];
      for (const [by, id, body, message] of cases) {
        const res = await put(id, body, by);
        expect(res.status).toBe(403);
        expect(res.body.error).toEqual({ code: 'INSUFFICIENT_PERMISSIONS', message, details: {} });
      }
      expect((await put(tech.id, { role: 'supervisor' }, manager)).body.data.user.role).toBe('supervisor');
      expect((await put(tech.id, { role: 'super_admin' }, admin)).body.data.user.role).toBe('super_admin');
    });

    it('deactivates and reactivates through is_active (super admin)', async () => {
      const body = newUser();
      const u = await create(body);
      expect((await put(u.id, { is_active: false })).body.data.user.is_active).toBe(false);
      expect((await t.login(body.email, body.password)).status).toBe(401);
      expect((await put(u.id, { is_active: true })).body.data.user.is_active).toBe(true);
      expect((await t.login(body.email, body.password)).status).toBe(200);
    });

    it('honours If-Match: the current ETag applies, a stale one is 412 and changes nothing', async () => {
      const u = await create();
      const etag = (await get(u.id)).headers.etag;
      const first = await put(u.id, { profile: { full_name: 'First' } }).set('If-Match', etag);
      expect(first.status).toBe(200);
      expect(first.headers.etag).toBe('"1"');
      const stale = await put(u.id, { profile: { full_name: 'Second' } }).set('If-Match', etag);
      expect(stale.status).toBe(412);
      expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
      expect((await get(u.id)).body.data.user.profile.full_name).toBe('First');
      const bad = await put(u.id, { profile: { full_name: 'Third' } }).set('If-Match', 'yesterday');
      expect(bad.status).toBe(422);
      expect(bad.body.error.details).toEqual({ 'If-Match': ['The If-Match header must be an ETag from this API.'] });
    });

    it('answers 422 for invalid values and 404 for an unknown user', async () => {
      const u = await create();
      const res = await put(u.id, { email: 'nope', role: 'boss', is_active: 'yes', profile: { phone: '12' } });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual({
        email: ['The email must be a valid email address.'],
        role: ['The role must be one of: super_admin, manager, supervisor, customer_service, technician, customer, auditor.'],
        is_active: ['The is active field must be true or false.'],
        'profile.phone': ['The phone must have between 6 and 20 digits.'],
      });
      const missing = await put('7d0c3c53-0000-4000-8000-000000000000', { role: 'manager' });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('RESOURCE_NOT_FOUND');
    });

    it("sends a customer's login account to the customers API for mirrored fields", async () => {
      const customer = await t.http.post('/api/customers').set(auth(admin)).send({
        full_name: 'Budi Santoso',
        phone: '081234567890',
        email: 'budi@example.com',
        address: 'Jl. Merdeka 1',
        coordinates: { lat: -6.2, lng: 106.8 },
        service_area: 'Jakarta Pusat',
      });
      expect(customer.status).toBe(201);
      const { id: customerId, user_id: userId } = customer.body.data.customer;
      const res = await put(userId, { email: 'budi2@example.com', profile: { full_name: 'Budi S' } });
      expect(res.status).toBe(422);
      const message = `This is a customer's login account; change it through PUT /api/customers/${customerId}.`;
      expect(res.body.error.details).toEqual({ email: [message], 'profile.full_name': [message] });
      const avatar = await put(userId, { profile: { avatar: 'https://cdn.example.com/budi.png' } });
      expect(avatar.status).toBe(200);
      expect(avatar.body.data.user).toMatchObject({ role: 'customer', email: 'budi@example.com' });
    });
  });

  describe('DELETE /api/users/:id', () => {
    it('soft-deletes: is_active false, existing tokens get 401, login and refresh fail', async () => {
      const body = newUser();
      const u = await create(body);
      const session = await tokenOf(body.email, body.password);
      expect((await get(u.id, session)).status).toBe(200);

      const res = await t.http.delete(`/api/users/${u.id}`).set(auth(admin)).send({ reason: 'Left the company' });
      expect(res.status).toBe(200);
      expect(res.body.data.user).toMatchObject({ id: u.id, is_active: false });

      const withOldToken = await get(u.id, session);
      expect(withOldToken.status).toBe(401);
      expect(withOldToken.body.success).toBe(false);
      expect(withOldToken.body.error.code).toBe('UNAUTHORIZED');
      expect((await t.login(body.email, body.password)).status).toBe(401);
      expect((await t.http.post('/api/auth/refresh').send({ refresh_token: session.refresh })).status).toBe(401);
      // Still there for the admins, and deleting again changes nothing.
      const current = await get(u.id);
      expect(current.body.data.user.is_active).toBe(false);
      const again = await t.http.delete(`/api/users/${u.id}`).set(auth(admin));
      expect(again.status).toBe(200);
      expect(again.headers.etag).toBe(current.headers.etag);
    });

    it('refuses to deactivate oneself (403) and answers 404 for an unknown user', async () => {
      const self = await t.http.delete(`/api/users/${admin.userId}`).set(auth(admin));
      expect(self.status).toBe(403);
      expect(self.body.error.message).toBe('You cannot deactivate your own account');
      const unknown = await t.http.delete('/api/users/7d0c3c53-0000-4000-8000-000000000000').set(auth(admin));
      expect(unknown.status).toBe(404);
    });
  });

  describe('authentication and permissions', () => {
    it('answers 401 on every endpoint without a valid token', async () => {
      const id = admin.userId;
      const calls = [
        t.http.get('/api/users'),
        t.http.post('/api/users').send(newUser()),
        t.http.get(`/api/users/${id}`),
        t.http.put(`/api/users/${id}`).send({}),
        t.http.delete(`/api/users/${id}`),
        t.http.get('/api/users').set('Authorization', 'Bearer not.a.token'),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(401);
        expect(res.body.success).toBe(false);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
    });

    const endpoints: { permission: keyof typeof USER_PERMISSIONS; call: (actor: TestUser, targetId: string) => Promise<{ status: number; body: { error?: { code: string } } }> }[] = [
      { permission: 'list', call: (a) => list('', a) },
      { permission: 'create', call: (a) => t.http.post('/api/users').set(auth(a)).send(newUser()) },
      { permission: 'view', call: (a, id) => get(id, a) },
      { permission: 'update', call: (a, id) => put(id, { profile: { phone: '0811 2222 3333' } }, a) },
      { permission: 'deactivate', call: (a, id) => t.http.delete(`/api/users/${id}`).set(auth(a)) },
    ];

    it.each(ALL_ROLES)('enforces the permission table for %s on every endpoint', async (role) => {
      const actor = await t.user(role);
      for (const { permission, call } of endpoints) {
        const target = await create();
        const res = await call(actor, target.id);
        const allowed = (USER_PERMISSIONS[permission] as readonly Role[]).includes(role);
        if (allowed) {
          expect([permission, res.status]).toEqual([permission, expect.any(Number)]);
          expect(res.status).toBeLessThan(300);
        } else {
          expect([permission, res.status, res.body.error?.code]).toEqual([permission, 403, 'INSUFFICIENT_PERMISSIONS']);
        }
      }
      // Everyone may read their own user.
      const own = await get(actor.userId, actor);
      expect(own.status).toBe(200);
      expect(own.body.data.user.role).toBe(role);
    });
  });
});
