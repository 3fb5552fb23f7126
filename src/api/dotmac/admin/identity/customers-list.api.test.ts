import { auth, startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `GET /api/v1/identity/customers`: customer_type, status, search, limit, offset. */
describe('GET /api/v1/identity/customers (document 004)', () => {
  let t: TestApp;
  let cs: TestUser;
    const list = (q = '') => t.http.get(`/api/v1/identity/customers${q}`).set(auth(cs));
  const numbers = (res: { body: { data: { customers: Array<{ customer_number: string }> } } }) => res.body.data.customers.map((c) => c.customer_number);
  const create = async (first: string, type: string, email: string) => {
    t.clock.advance(1000);
    const res = await t.http
      .post('/api/v1/identity/customers')
      .set(auth(cs))
      .send({ customer_type: type, first_name: first, last_name: 'Customer', email, phone: '+15550100', address: { street: '1 Road' } });
    expect(res.status).toBe(201);
    return res.body.data.customer.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    cs = await t.user('customer_service');
    await create('Alice', 'residential', 'alice@example.com');
    await create('Bob', 'business', 'bob@corp.example');
    await create('Carol', 'enterprise', 'carol@big.example');
    // Document 000 creates customers active: the same list.
    t.clock.advance(1000);
    const d = await t.http.post('/api/customers').set(auth(cs)).send({ full_name: 'Dewi Lestari', phone: '0812000111', email: 'dewi@example.id', address: 'Jl. Mawar 1', coordinates: { lat: -6.2, lng: 106.8 }, service_area: 'Depok' });
    expect(d.status).toBe(201);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists newest first with the documented pagination', async () => {
    const res = await list('?limit=3');
    expect(res.status).toBe(200);
    expect(numbers(res)).toEqual(['CUST-000004', 'CUST-000003', 'CUST-000002']);
    expect(res.body.pagination).toEqual({ total: 4, limit: 3, offset: 0, has_more: true, next_offset: 3, prev_offset: null });
    expect(res.body.data).toMatchObject({ total: 4, limit: 3, offset: 0 });
    expect(numbers(await list('?limit=3&offset=3'))).toEqual(['CUST-000001']);
  });

  it('filters by customer_type, status and search (name, email, customer number)', async () => {
    expect(numbers(await list('?customer_type=business'))).toEqual(['CUST-000002']);
    expect(numbers(await list('?status=pending'))).toEqual(['CUST-000003', 'CUST-000002', 'CUST-000001']);
    expect(numbers(await list('?status=active'))).toEqual(['CUST-000004']);
    expect(numbers(await list('?customer_type=enterprise&status=pending'))).toEqual(['CUST-000003']);
    expect(numbers(await list('?search=carol'))).toEqual(['CUST-000003']);
    expect(numbers(await list('?search=bob%40corp'))).toEqual(['CUST-000002']);
    expect(numbers(await list('?search=CUST-000001'))).toEqual(['CUST-000001']);
    expect(numbers(await list('?search=dewi'))).toEqual(['CUST-000004']);
    expect((await list('?status=cancelled')).body.data.customers).toEqual([]);
  });

  it('refuses bad filters and follows the role matrix', async () => {
    for (const q of ['?customer_type=government', '?status=deleted', '?limit=500']) expect({ q, status: (await list(q)).status }).toEqual({ q, status: 422 });
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, status: (await t.http.get('/api/v1/identity/customers').set(auth(u))).status }).toEqual({ role, status: allows('customers.list', role) ? 200 : 403 });
    }
  });
});
