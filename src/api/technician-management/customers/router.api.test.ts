import express from 'express';
import request from 'supertest';
import type { Role } from '../../../domain/user';
import { startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { ALL_ROLES } from '../permissions';
import { customersRouter } from './router';
import { CUSTOMER_PERMISSIONS } from './permissions';

type Token = { token: string };
const auth = (u: Token) => ({ Authorization: `Bearer ${u.token}` });
const UNKNOWN = '7d0c3c53-0000-4000-8000-000000000000';

let n = 0;
const newCustomer = (over: Record<string, unknown> = {}) => {
  n++;
  return {
    full_name: `Pelanggan ${n}`,
    phone: `0812${String(n).padStart(8, '0')}`,
    email: `pelanggan.${n}@example.com`,
    address: `Jl. Contoh No. ${n}`,
    coordinates: { lat: -6.2, lng: 106.8 },
    service_area: 'Jakarta Pusat',
    ...over,
  };
};

interface CustomerBody {
  id: string;
  user_id: string;
  code: string;
  number: number;
  email: string;
  full_name: string;
}

describe('Customers API (document 000)', () => {
  let t: TestApp;
  let admin: TestUser;
  let cs: TestUser;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin', { full_name: 'Ada Admin' });
    cs = await t.user('customer_service', { full_name: 'Citra CS' });
  });
  afterEach(async () => {
    await t.stop();
  });

  const create = async (body: Record<string, unknown> = newCustomer(), by: Token = cs) => {
    const res = await t.http.post('/api/customers').set(auth(by)).send(body);
    expect(res.status).toBe(201);
    return res.body.data.customer as CustomerBody;
  };
  const get = (id: string, by: Token = admin) => t.http.get(`/api/customers/${id}`).set(auth(by));
  const put = (id: string, body: object, by: Token = cs) => t.http.put(`/api/customers/${id}`).set(auth(by)).send(body);
  const list = (query: string, by: Token = admin) => t.http.get(`/api/customers${query}`).set(auth(by));
  const ids = async (query: string) => (await list(query)).body.data.customers.map((c: { id: string }) => c.id);

  /** The customer sets their password through forgot/reset-password, then logs in. */
  const customerLogin = async (email: string): Promise<Token> => {
    expect((await t.http.post('/api/auth/forgot-password').send({ email })).status).toBe(200);
    const mail = t.mail.filter((m) => m.to === email).at(-1)!;
    const token = /Reset token: (\S+)/.exec(mail.text)![1];
    const reset = await t.http
      .post('/api/auth/reset-password')
      .send({ token, password: 'customer-secret', password_confirmation: 'customer-secret' });
    expect(reset.status).toBe(200);
    t.clock.advance(1000);
    const login = await t.login(email, 'customer-secret');
    expect(login.status).toBe(200);
    return { token: login.body.data.tokens.access_token };
  };

  describe('POST /api/customers', () => {
    it('registers a customer (201) with a CUST- number and a login account', async () => {
      const res = await t.http
        .post('/api/customers')
        .set(auth(cs))
        .send({
          full_name: 'Budi Santoso',
          phone: '0812-3456-7890',
          email: 'Budi@Example.com',
          nik: '3171234567890001',
          address: 'Jl. Merdeka No. 1',
          coordinates: { lat: -6.175392, lng: 106.827153 },
          service_area: 'Jakarta Pusat',
          service_package: 'Home 50 Mbps',
        });
      expect(res.status).toBe(201);
      const customer = res.body.data.customer;
      expect(res.body).toEqual({
        success: true,
        data: {
          customer: {
            id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            user_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            code: 'CUST-000001',
            number: 1,
            full_name: 'Budi Santoso',
            phone: '0812-3456-7890',
            email: 'budi@example.com',
            nik: '3171234567890001',
            address: 'Jl. Merdeka No. 1',
            address_parts: { line2: null, block: null, unit: null, city: null, province: null, postal_code: null, country: null },
            coordinates: { lat: -6.175392, lng: 106.827153 },
            service_area: 'Jakarta Pusat',
            service_package: 'Home 50 Mbps',
            brand: null,
            installation_date: null,
            customer_type: null,
            status: 'active',
            service_status: null,
            created_at: '2026-01-15T12:00:00.000Z',
            updated_at: '2026-01-15T12:00:00.000Z',
          },
        },
      });
      expect(res.headers.location).toBe(`/api/customers/${customer.id}`);
      expect(res.headers.etag).toBe('"0"');

      // The login account: a `customer` user with the customer's email, name and phone.
      const account = await t.http.get(`/api/users/${customer.user_id}`).set(auth(admin));
      expect(account.body.data.user).toMatchObject({
        email: 'budi@example.com',
        role: 'customer',
        is_active: true,
        profile: { full_name: 'Budi Santoso', phone: '0812-3456-7890' },
      });
      expect((await create()).code).toBe('CUST-000002');
    });

    it('accepts the canonical extras other documents use', async () => {
      const c = await create(
        newCustomer({
          address_parts: { line2: 'RT 01/RW 02', block: 'A', unit: '12', city: 'Jakarta', province: 'DKI Jakarta', postal_code: '10110' },
          brand: 'JAKINET',
          installation_date: '2026-01-10',
          customer_type: 'residential',
          nik: '',
        }),
      );
      expect((await get(c.id)).body.data.customer).toMatchObject({
        nik: null,
        address_parts: { line2: 'RT 01/RW 02', block: 'A', unit: '12', city: 'Jakarta', province: 'DKI Jakarta', postal_code: '10110', country: null },
        brand: 'JAKINET',
        installation_date: '2026-01-10',
        customer_type: 'residential',
      });
    });

    it('gives the customer a login that sees only their own record', async () => {
      const mine = await create(newCustomer({ email: 'sari@example.com' }));
      const other = await create();
      const me = await customerLogin('sari@example.com');
      const own = await get(mine.id, me);
      expect(own.status).toBe(200);
      expect(own.body.data.customer.id).toBe(mine.id);
      for (const res of [await get(other.id, me), await get(UNKNOWN, me), await list('', me)]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
      }
    });

    it('answers 422 with a message per missing field', async () => {
      const res = await t.http.post('/api/customers').set(auth(cs)).send({});
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        success: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: 'Validation failed',
          details: {
            full_name: ['The full name field is required.'],
            phone: ['The phone field is required.'],
            email: ['The email field is required.'],
            address: ['The address field is required.'],
            coordinates: ['The coordinates field is required.'],
            service_area: ['The service area field is required.'],
          },
        },
      });
      const coordinates = await t.http.post('/api/customers').set(auth(cs)).send(newCustomer({ coordinates: {} }));
      expect(coordinates.body.error.details).toEqual({
        'coordinates.lat': ['The coordinates lat field is required.'],
        'coordinates.lng': ['The coordinates lng field is required.'],
      });
    });

    it.each([
      [{ lat: 90.5, lng: 0 }, { 'coordinates.lat': ['The latitude must be between -90 and 90.'] }],
      [{ lat: -91, lng: 0 }, { 'coordinates.lat': ['The latitude must be between -90 and 90.'] }],
      [{ lat: 0, lng: 180.5 }, { 'coordinates.lng': ['The longitude must be between -180 and 180.'] }],
      [{ lat: 0, lng: -200 }, { 'coordinates.lng': ['The longitude must be between -180 and 180.'] }],
      [
        { lat: 95, lng: 190 },
        { 'coordinates.lat': ['The latitude must be between -90 and 90.'], 'coordinates.lng': ['The longitude must be between -180 and 180.'] },
      ],
      [{ lat: '-6.2', lng: 106.8 }, { 'coordinates.lat': ['The latitude must be a number.'] }],
      ['here', { coordinates: ['The coordinates must be an object with lat and lng.'] }],
    ])('answers 422 for coordinates %j', async (coordinates, details) => {
      const res = await t.http.post('/api/customers').set(auth(cs)).send(newCustomer({ coordinates }));
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual(details);
    });

    it('accepts coordinates on the edges of the range', async () => {
      const c = await create(newCustomer({ coordinates: { lat: 90, lng: -180 } }));
      expect((await get(c.id)).body.data.customer.coordinates).toEqual({ lat: 90, lng: -180 });
    });

    it('answers 422 for invalid values', async () => {
      const res = await t.http.post('/api/customers').set(auth(cs)).send(
        newCustomer({
          email: 'budi-at-example',
          phone: '12',
          nik: '12345',
          installation_date: '2026-02-30',
          customer_type: 'vip',
          service_area: ' ',
        }),
      );
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual({
        email: ['The email must be a valid email address.'],
        phone: ['The phone must have between 6 and 20 digits.'],
        nik: ['The nik must be 16 digits.'],
        installation_date: ['The installation date must be a date (YYYY-MM-DD).'],
        customer_type: ['The customer type must be one of: residential, business, enterprise.'],
        service_area: ['The service area field is required.'],
      });
    });

    it('answers 409 DUPLICATE_ENTRY when any user already has the email, creating nothing', async () => {
      await create(newCustomer({ email: 'taken@example.com' }));
      for (const email of ['TAKEN@example.com', admin.email]) {
        const res = await t.http.post('/api/customers').set(auth(cs)).send(newCustomer({ email }));
        expect(res.status).toBe(409);
        expect(res.body.error).toEqual({ code: 'DUPLICATE_ENTRY', message: 'email is already taken', details: { field: 'email' } });
      }
      expect((await list('')).body.data.pagination.total).toBe(1);
      // No number was taken by the refused registrations.
      expect((await create()).code).toBe('CUST-000002');
    });

    it('lets exactly one of many concurrent registrations with one email win', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          t.http.post('/api/customers').set(auth(cs)).send(newCustomer({ email: 'race@example.com', full_name: `Racer ${i}` })),
        ),
      );
      const statuses = attempts.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array(11).fill(409)]);
      const page = await list('?search=race%40example');
      expect(page.body.data.pagination.total).toBe(1);
      const users = await t.http.get('/api/users?search=race%40example').set(auth(admin));
      expect(users.body.data.users).toHaveLength(1);
    });

    it('hands out distinct numbers to concurrent registrations', async () => {
      const created = await Promise.all(Array.from({ length: 10 }, () => t.http.post('/api/customers').set(auth(cs)).send(newCustomer())));
      expect(created.every((r) => r.status === 201)).toBe(true);
      const numbers = created.map((r) => r.body.data.customer.number).sort((a, b) => a - b);
      expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('replays the first answer for the same Idempotency-Key and body', async () => {
      const body = newCustomer();
      const first = await t.http.post('/api/customers').set(auth(cs)).set('Idempotency-Key', 'cust-1').send(body);
      const again = await t.http.post('/api/customers').set(auth(cs)).set('Idempotency-Key', 'cust-1').send(body);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await list('')).body.data.pagination.total).toBe(1);
    });
  });

  describe('GET /api/customers', () => {
    it('lists customers newest first in the documented item shape, with pagination', async () => {
      const a = await create();
      t.clock.advance(1000);
      const b = await create();
      const res = await list('');
      expect(res.status).toBe(200);
      expect(res.body.data.customers.map((c: { id: string }) => c.id)).toEqual([b.id, a.id]);
      expect(res.body.data.pagination).toEqual({ current_page: 1, per_page: 20, total: 2, total_pages: 1 });
      expect(res.body.data.customers[0]).toMatchObject({
        id: b.id,
        user_id: b.user_id,
        full_name: b.full_name,
        phone: expect.any(String),
        nik: null,
        address: expect.any(String),
        coordinates: { lat: -6.2, lng: 106.8 },
        service_area: 'Jakarta Pusat',
        created_at: '2026-01-15T12:00:01.000Z',
      });
    });

    it('pages with page and limit', async () => {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await create()).id);
      const pages = [];
      for (const page of [1, 2, 3]) {
        const res = await list(`?limit=2&page=${page}`);
        expect(res.body.data.pagination).toEqual({ current_page: page, per_page: 2, total: 5, total_pages: 3 });
        pages.push(...res.body.data.customers.map((c: { id: string }) => c.id));
      }
      expect(pages).toEqual([...created].reverse());
    });

    it('searches name, phone, email and nik by word prefix, case-insensitively', async () => {
      const budi = await create(
        newCustomer({ full_name: 'Budi Santoso', phone: '0812-1111-2222', email: 'budi.s@mail.example', nik: '3171000011112222' }),
      );
      const sari = await create(newCustomer({ full_name: 'Sari Dewi', phone: '+62 857 3333 4444', email: 'sari@isp.example' }));
      expect(await ids('?search=budi')).toEqual([budi.id]);
      expect(await ids('?search=SANT')).toEqual([budi.id]);
      expect(await ids('?search=dewi%20sari')).toEqual([sari.id]);
      expect(await ids('?search=081211112222')).toEqual([budi.id]);
      expect(await ids('?search=0812-1111')).toEqual([budi.id]);
      expect(await ids('?search=62857')).toEqual([sari.id]);
      expect(await ids('?search=sari%40isp')).toEqual([sari.id]);
      expect(await ids('?search=3171000011112222')).toEqual([budi.id]);
      expect(await ids('?search=santoso%20dewi')).toEqual([]);
    });

    it('filters by service_area (case-insensitive) together with search', async () => {
      const pusat = await create(newCustomer({ service_area: 'Jakarta Pusat', full_name: 'Andi Pusat' }));
      const selatan = await create(newCustomer({ service_area: 'Jakarta Selatan', full_name: 'Andi Selatan' }));
      expect(await ids('?service_area=jakarta%20pusat')).toEqual([pusat.id]);
      expect(await ids('?service_area=Jakarta%20Selatan&search=andi')).toEqual([selatan.id]);
      expect(await ids('?service_area=Bandung')).toEqual([]);
    });

    it('filters by created_from / created_to, inclusive by day', async () => {
      t.clock.set('2026-01-10T23:59:59.999Z');
      const d10 = await create();
      t.clock.set('2026-01-11T00:00:00.000Z');
      const d11 = await create(newCustomer({ service_area: 'Depok' }));
      t.clock.set('2026-01-12T12:00:00.000Z');
      const d12 = await create();
      expect(await ids('?created_from=2026-01-11')).toEqual([d12.id, d11.id]);
      expect(await ids('?created_to=2026-01-11')).toEqual([d11.id, d10.id]);
      expect(await ids('?created_from=2026-01-11&created_to=2026-01-11')).toEqual([d11.id]);
      expect(await ids('?created_from=2026-01-10&created_to=2026-01-12')).toEqual([d12.id, d11.id, d10.id]);
      expect(await ids('?created_from=2026-01-11T00:00:00.001Z')).toEqual([d12.id]);
      expect(await ids('?created_from=2026-01-11&service_area=depok')).toEqual([d11.id]);
    });

    it('answers 422 for invalid query parameters', async () => {
      const res = await list('?limit=500&page=-1&created_from=yesterday&created_to=2026-02-30');
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual({
        page: ['page must be at least 1'],
        limit: ['limit may not be greater than 100'],
        created_from: ['The date must be a date (YYYY-MM-DD) or an ISO-8601 date-time.'],
        created_to: ['The date must be a date (YYYY-MM-DD) or an ISO-8601 date-time.'],
      });
      const reversed = await list('?created_from=2026-01-12&created_to=2026-01-11');
      expect(reversed.status).toBe(422);
      expect(reversed.body.error.details).toEqual({ created_to: ['The created to must be a date after or equal to created from.'] });
    });
  });

  describe('GET /api/customers/:id', () => {
    it('returns the customer with its ETag', async () => {
      const c = await create();
      const res = await get(c.id);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.body.data.customer).toMatchObject({ id: c.id, code: c.code, full_name: c.full_name });
    });

    it('answers 404 RESOURCE_NOT_FOUND for an unknown id or one that is not a UUID', async () => {
      for (const id of [UNKNOWN, '42']) {
        const res = await get(id);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ success: false, error: { code: 'RESOURCE_NOT_FOUND', message: 'Customer not found', details: {} } });
      }
    });

    it('leaves /api/customers/:id/tickets to the router after it', async () => {
      const app = express();
      app.use('/api/customers', customersRouter(t.app.deps));
      app.get('/api/customers/:id/tickets', (req, res) => {
        res.json({ reached: 'next router', id: req.params.id });
      });
      const c = await create();
      const res = await request(app).get(`/api/customers/${c.id}/tickets`).set(auth(admin));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ reached: 'next router', id: c.id });
    });
  });

  describe('PUT /api/customers/:id', () => {
    it('updates only the fields sent, merging address parts', async () => {
      const c = await create(newCustomer({ address_parts: { city: 'Jakarta', block: 'B' }, nik: '3171234567890001' }));
      const listedAs = async () => (await list('?limit=100')).body.data.customers.find((x: { id: string }) => x.id === c.id);
      expect(await listedAs()).toMatchObject({ full_name: c.full_name, email: c.email });
      t.clock.advance(60_000);
      const res = await put(c.id, {
        full_name: 'Budi Baru',
        address: 'Jl. Sudirman 5',
        address_parts: { unit: '7', block: null },
        coordinates: { lat: -6.3, lng: 106.9 },
        service_area: 'Depok',
        nik: null,
      });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body.data.customer).toMatchObject({
        id: c.id,
        full_name: 'Budi Baru',
        phone: expect.any(String),
        email: c.email,
        nik: null,
        address: 'Jl. Sudirman 5',
        address_parts: { city: 'Jakarta', block: null, unit: '7' },
        coordinates: { lat: -6.3, lng: 106.9 },
        service_area: 'Depok',
        created_at: '2026-01-15T12:00:00.000Z',
        updated_at: '2026-01-15T12:01:00.000Z',
      });
      expect(await ids('?service_area=depok&search=baru')).toEqual([c.id]);
      // The list, which showed it before, shows it changed.
      expect(await listedAs()).toEqual(res.body.data.customer);
      // The login account mirrors the name.
      const account = await t.http.get(`/api/users/${c.user_id}`).set(auth(admin));
      expect(account.body.data.user.profile.full_name).toBe('Budi Baru');
    });

    it('keeps the history in the stream: changes with their previous values', async () => {
      const c = await create(newCustomer({ phone: '0811111111' }));
      await put(c.id, { phone: '0822222222' });
      const events = await t.eventStore.readStream(`customer-${c.id}`);
      expect(events.map((e) => e.type)).toEqual(['CustomerRegistered', 'CustomerUpdated']);
      expect(events[1].data).toMatchObject({ changes: { phone: '0822222222' }, previous: { phone: '0811111111' } });
      expect(events[1].metadata.actor).toEqual({ userId: cs.userId, role: 'customer_service' });
    });

    it('changes nothing (and keeps the ETag) when nothing differs', async () => {
      const c = await create();
      const res = await put(c.id, { full_name: c.full_name });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"0"');
    });

    it('changes the email of the customer and of their login; the old email is released', async () => {
      const c = await create(newCustomer({ email: 'old@example.com' }));
      const res = await put(c.id, { email: 'New@Example.com' });
      expect(res.status).toBe(200);
      expect(res.body.data.customer.email).toBe('new@example.com');
      const account = await t.http.get(`/api/users/${c.user_id}`).set(auth(admin));
      expect(account.body.data.user.email).toBe('new@example.com');
      await create(newCustomer({ email: 'old@example.com' }));
      expect((await list('?search=new%40example')).body.data.customers.map((x: { id: string }) => x.id)).toEqual([c.id]);
    });

    it('answers 409 for an email another user has, changing nothing', async () => {
      const c = await create();
      const res = await put(c.id, { email: admin.email, full_name: 'Changed' });
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({ code: 'DUPLICATE_ENTRY', message: 'email is already taken', details: { field: 'email' } });
      expect((await get(c.id)).body.data.customer).toMatchObject({ email: c.email, full_name: c.full_name });
    });

    it('answers 422 with the same rules as creation; required fields cannot be cleared', async () => {
      const c = await create();
      const res = await put(c.id, { coordinates: { lat: -100, lng: 500 }, full_name: '', email: null, address: '' });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual({
        full_name: ['The full name field is required.'],
        email: ['The email field is required.'],
        address: ['The address field is required.'],
        'coordinates.lat': ['The latitude must be between -90 and 90.'],
        'coordinates.lng': ['The longitude must be between -180 and 180.'],
      });
    });

    it('honours If-Match and answers 404 for an unknown customer', async () => {
      const c = await create();
      const stale = await put(c.id, { full_name: 'X Y' }).set('If-Match', '"7"');
      expect(stale.status).toBe(412);
      expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
      expect((await put(c.id, { full_name: 'X Y' }).set('If-Match', '"0"')).status).toBe(200);
      const unknown = await put(UNKNOWN, { full_name: 'Nobody' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('RESOURCE_NOT_FOUND');
    });
  });

  describe('authentication and permissions', () => {
    it('answers 401 on every endpoint without a valid token', async () => {
      const calls = [
        t.http.get('/api/customers'),
        t.http.post('/api/customers').send(newCustomer()),
        t.http.get(`/api/customers/${UNKNOWN}`),
        t.http.put(`/api/customers/${UNKNOWN}`).send({}),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
    });

    const endpoints: {
      permission: keyof typeof CUSTOMER_PERMISSIONS;
      call: (actor: TestUser, targetId: string) => Promise<{ status: number; body: { error?: { code: string } } }>;
    }[] = [
      { permission: 'list', call: (a) => list('', a) },
      { permission: 'create', call: (a) => t.http.post('/api/customers').set(auth(a)).send(newCustomer()) },
      { permission: 'view', call: (a, id) => get(id, a) },
      { permission: 'update', call: (a, id) => put(id, { service_package: 'Home 100 Mbps' }, a) },
    ];

    it.each(ALL_ROLES)('enforces the permission table for %s on every endpoint', async (role) => {
      const actor = await t.user(role);
      const target = await create();
      for (const { permission, call } of endpoints) {
        const res = await call(actor, target.id);
        const allowed = (CUSTOMER_PERMISSIONS[permission] as readonly Role[]).includes(role);
        if (allowed) {
          expect([permission, res.status < 300]).toEqual([permission, true]);
        } else {
          expect([permission, res.status, res.body.error?.code]).toEqual([permission, 403, 'INSUFFICIENT_PERMISSIONS']);
        }
      }
    });
  });
});
