import { as, device, inventoryWorld } from '../../../test/support/inventory';
import { countReads, expectSentAgain, headersBesidesRequest } from '../../../test/support/kept-answers';
import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';

/**
 * Use case: the Mobile Inventory App's admins keep the device list open and poll it, as does the
 * office's wall screen. A list answered before is sent again as it was while nothing it read has
 * changed (src/api/http/kept-answers.ts), for the same caller only, and made again after any
 * change. The per-user rate limit (router middleware, before the handler) still counts and
 * answers each request, kept or not.
 */
describe('document 003 device list polled again', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;
  let deviceId: number;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin', { full_name: 'Ana Admin' });
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    await inventoryWorld(t, admin);
    ({ deviceId } = await device(t, admin, { brand: 'Lenovo', brand_name: 'ThinkPad T14' }));
    await device(t, admin, { brand: 'HP', brand_name: 'EliteBook 840', condition: 'Rusak' });
  });
  afterAll(() => t.stop());

  const deviceReads = () => countReads(t.app.deps.readStore, 'devices');
  /** The headers but those each request has anew, the rate limit's remaining budget among them. */
  const headersOf = (res: { headers: Record<string, string> }) => headersBesidesRequest(res, ['x-ratelimit-remaining']);
  const ids = (res: { body: { data: Array<{ deviceId: number }> } }) => res.body.data.map((d) => d.deviceId);

  it('is sent again with the same bytes and headers, without reading the devices, while nothing changed; the rate limit counts it', async () => {
    const path = '/api/v1/admin/devices?page=1&perPage=20';
    const { first, third: again } = await expectSentAgain(() => t.http.get(path).set(as(admin)), deviceReads, headersOf);
    expect(first.body.meta).toEqual({ currentPage: 1, lastPage: 1, total: 2 });
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.headers['x-ratelimit-limit']).toBe('100');
    expect(Number(again.headers['x-ratelimit-remaining'])).toBe(Number(first.headers['x-ratelimit-remaining']) - 2);
  });

  it('is made again after a write to what it shows', async () => {
    const path = '/api/v1/admin/devices?search=thinkpad';
    const before = await t.http.get(path).set(as(admin));
    expect(before.body.data).toEqual([expect.objectContaining({ deviceId, brand: 'Lenovo', condition: 'Baik' })]);
    expect((await t.http.put(`/api/v1/admin/devices/${deviceId}`).set(as(admin)).send({ condition: 'Perlu Pengecekan' })).status).toBe(200);
    const reads = deviceReads();
    const after = await t.http.get(path).set(as(admin));
    expect(reads()).toBeGreaterThan(0);
    expect(after.body.data).toEqual([expect.objectContaining({ deviceId, brand: 'Lenovo', condition: 'Perlu Pengecekan' })]);

    // A new device shows on the kept page too.
    const all = '/api/v1/admin/devices';
    const listed = ids(await t.http.get(all).set(as(admin)));
    const added = await device(t, manager, { brand: 'Asus', brand_name: 'ExpertBook B1' });
    expect(ids(await t.http.get(all).set(as(admin)))).toEqual([added.deviceId, ...listed]);
  });

  it('is never sent to another caller: each admin gets an answer made for them, a technician is refused', async () => {
    const path = '/api/v1/admin/devices?condition=Rusak';
    const technician = await t.user('technician');
    const mine = await t.http.get(path).set(as(admin));
    expect(mine.status).toBe(200);
    expect((await t.http.get(path).set(as(admin))).text).toBe(mine.text);

    const reads = deviceReads();
    const theirs = await t.http.get(path).set(as(manager));
    expect(reads()).toBeGreaterThan(0);
    expect(theirs.text).toBe(mine.text);

    const refused = await t.http.get(path).set(as(technician));
    expect(refused.status).toBe(403);
    expect(refused.body.errorCode).toBe('ERR_FORBIDDEN');
  });

  it('keeps no answer that was refused', async () => {
    const bad = '/api/v1/admin/devices?perPage=500';
    const first = await t.http.get(bad).set(as(admin));
    expect(first.status).toBe(422);
    const reads = deviceReads();
    const again = await t.http.get(bad).set(as(admin));
    expect(reads()).toBe(0); // refused by validation, before any read
    expect(again.body).toEqual(first.body);
  });
});
