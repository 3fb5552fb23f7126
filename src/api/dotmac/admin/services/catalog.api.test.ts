import { auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 `GET` and `POST /api/v1/services/catalog`: the same packages as document 002's paket_layanan. */
describe('/api/v1/services/catalog (document 004)', () => {
  let t: TestApp;
  let admin: TestUser;
  const body = (over: Record<string, unknown> = {}) => ({
    name: 'High-Speed Internet 100Mbps',
    service_type: 'internet',
    description: 'Residential high-speed internet service',
    monthly_price: 59.99,
    setup_fee: 99.0,
    features: { download_speed: 100, upload_speed: 20, data_limit: null, static_ip: false },
    availability: { residential: true, business: true, enterprise: false },
    ...over,
  });

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_DEFAULT_BRAND: 'DOTMAC' });
    admin = await t.user('manager');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('adds a service in the document shape, which is a package of document 002', async () => {
    const res = await t.http.post('/api/v1/services/catalog').set(auth(admin)).send(body());
    expect(res.status).toBe(201);
    const service = res.body.data.service;
    expect(service).toEqual({
      id: expect.stringMatching(/^\d+$/),
      name: 'High-Speed Internet 100Mbps',
      service_type: 'internet',
      description: 'Residential high-speed internet service',
      monthly_price: 59.99,
      setup_fee: 99,
      currency: 'USD',
      features: { download_speed: 100, upload_speed: 20, data_limit: null, static_ip: false },
      availability: { residential: true, business: true, enterprise: false },
      brand_id: 'DOTMAC',
    });
    const paket = await t.http.get(`/api/paket_layanan/${service.id}`).set(auth(await t.user('super_admin')));
    expect(paket.status).toBe(200);
    expect(paket.body).toMatchObject({ nama_paket: 'High-Speed Internet 100Mbps', kecepatan: 100, harga: 5999, id_brand: 'DOTMAC' });
  });

  it('lists the catalog newest first, filtered by service type', async () => {
    const tv = (await t.http.post('/api/v1/services/catalog').set(auth(admin)).send(body({ name: 'TV Basic', service_type: 'tv', features: { download_speed: 10 } }))).body.data.service;
    const all = await t.http.get('/api/v1/services/catalog').set(auth(admin));
    expect(all.status).toBe(200);
    expect(all.body.data.services[0]).toMatchObject({ id: tv.id, name: 'TV Basic', service_type: 'tv' });
    expect(all.body.pagination).toMatchObject({ total: 2, limit: 20, offset: 0 });
    expect((await t.http.get('/api/v1/services/catalog?service_type=tv').set(auth(admin))).body.data.services.map((s: { id: string }) => s.id)).toEqual([tv.id]);
    expect((await t.http.get('/api/v1/services/catalog?service_type=internet').set(auth(admin))).body.data.services).toHaveLength(1);
  });

  it('answers validation errors per field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: '' }, 'name'],
      [{ monthly_price: -1 }, 'monthly_price'],
      [{ monthly_price: 9.999 }, 'monthly_price'],
      [{ service_type: 'radio' }, 'service_type'],
      [{ features: { download_speed: 0 } }, 'features.download_speed'],
      [{ brand_id: 'NOPE' }, 'brand_id'],
    ];
    for (const [over, field] of cases) {
      const res = await t.http.post('/api/v1/services/catalog').set(auth(admin)).send(body(over));
      expect({ field, status: res.status, got: res.body.error?.details?.field ?? res.body.error?.code }).toEqual({ field, status: field === 'brand_id' ? 404 : 422, got: field === 'brand_id' ? 'RESOURCE_NOT_FOUND' : field });
    }
  });

  it('follows the role matrix for listing and adding', async () => {
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({ role, list: (await t.http.get('/api/v1/services/catalog').set(auth(u))).status, add: (await t.http.post('/api/v1/services/catalog').set(auth(u)).send(body())).status }).toEqual({
        role,
        list: allows('catalog.list', role) ? 200 : 403,
        add: allows('catalog.create', role) ? 201 : 403,
      });
    }
  });
});
