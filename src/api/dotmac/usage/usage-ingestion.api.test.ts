import { bearer, portalCustomer, startPortalApp, type PortalCustomer } from '../../../../test/support/portal';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/**
 * Use case: an accounting integration sends daily usage counters (document 004 admin API
 * POST /api/v1/services/usage). Daily aggregates: a repeated batch replaces, never adds.
 */
describe('POST /api/v1/services/usage', () => {
  let t: TestApp;
  let admin: TestUser;
  let c: PortalCustomer;
  const send = (records: object[], by: { token: string } = admin, headers: Record<string, string> = {}) =>
    t.http.post('/api/v1/services/usage').set(bearer(by.token)).set(headers).send({ records });
  const currentMonth = async () => {
    const res = await t.http.get('/api/portal/v1/services').set(bearer(c.token));
    return res.body.data.services[0].data_usage.current_month as number;
  };

  beforeAll(async () => {
    t = await startPortalApp();
    admin = await t.user('super_admin');
    c = await portalCustomer(t, admin);
  });
  afterAll(() => t.stop());

  it('records days, and a repeated batch replaces (the same values record nothing)', async () => {
    const id = String(c.subscriptionId);
    const first = await send([
      { service_id: id, date: '2026-01-01', download_gb: 25.6, upload_gb: 5.2 },
      { service_id: Number(id), date: '2026-01-02', download_gb: 10, upload_gb: 1 },
    ]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ success: true, message: 'Usage recorded', data: { received: 2, recorded: 2, unchanged: 0 } });
    expect(first.headers['x-ratelimit-limit']).toEqual(expect.any(String));
    expect(await currentMonth()).toBe(41.8);

    const again = await send([{ service_id: id, date: '2026-01-01', download_gb: 25.6, upload_gb: 5.2 }]);
    expect(again.body.data).toEqual({ received: 1, recorded: 0, unchanged: 1 });
    expect(await currentMonth()).toBe(41.8);

    const corrected = await send([{ service_id: id, date: '2026-01-01', download_gb: 30, upload_gb: 6 }]);
    expect(corrected.body.data).toEqual({ received: 1, recorded: 1, unchanged: 0 });
    expect(await currentMonth()).toBe(47);

    // One event per service and day per batch, in the service's month stream; the replaced values named.
    const events = await t.eventStore.readStream(`service_usage-${id}-2026-01`);
    expect(events.map((e) => [e.type, e.data.date])).toEqual([
      ['DailyUsageRecorded', '2026-01-01'],
      ['DailyUsageRecorded', '2026-01-02'],
      ['DailyUsageRecorded', '2026-01-01'],
    ]);
    expect(events[2]!.data.previous).toEqual({ downloadMb: 25_600, uploadMb: 5_200 });
  });

  it('refuses the whole batch for an unknown service, a day twice, a future day or a bad amount (422, nothing recorded)', async () => {
    const id = String(c.subscriptionId);
    const before = (await t.eventStore.readStream(`service_usage-${id}-2026-01`)).length;
    const cases: Array<[object[], string]> = [
      [[{ service_id: id, date: '2026-01-03', download_gb: 1, upload_gb: 1 }, { service_id: '999999', date: '2026-01-03', download_gb: 1, upload_gb: 1 }], 'records.1.service_id'],
      [[{ service_id: id, date: '2026-01-03', download_gb: 1, upload_gb: 1 }, { service_id: id, date: '2026-01-03', download_gb: 2, upload_gb: 1 }], 'records.1.date'],
      [[{ service_id: id, date: '2026-03-01', download_gb: 1, upload_gb: 1 }], 'records.0.date'],
      [[{ service_id: id, date: '2026-01-03', download_gb: -1, upload_gb: 1 }], 'records.0.download_gb'],
      [[{ service_id: id, date: '2026-02-30', download_gb: 1, upload_gb: 1 }], 'records.0.date'],
      [[], 'records'],
    ];
    for (const [records, field] of cases) {
      const res = await send(records);
      expect({ field, status: res.status }).toEqual({ field, status: 422 });
      expect(Object.keys(res.body.error.details.fields)).toContain(field);
    }
    expect((await t.eventStore.readStream(`service_usage-${id}-2026-01`)).length).toBe(before);
  });

  it('is for admins with staff tokens: 401 without, 403 for a technician or a portal token', async () => {
    const records = [{ service_id: String(c.subscriptionId), date: '2026-01-04', download_gb: 1, upload_gb: 1 }];
    expect((await t.http.post('/api/v1/services/usage').send({ records })).status).toBe(401);
    expect((await send(records, c)).status).toBe(401);
    const tech = await t.user('technician');
    const refused = await send(records, tech);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ACCESS_DENIED');
    expect((await send(records, await t.user('manager'))).status).toBe(200);
  });

  it('replays a batch sent again with the same Idempotency-Key', async () => {
    const records = [{ service_id: String(c.subscriptionId), date: '2026-01-05', download_gb: 2, upload_gb: 1 }];
    const first = await send(records, admin, { 'Idempotency-Key': 'usage-batch-42' });
    const second = await send(records, admin, { 'Idempotency-Key': 'usage-batch-42' });
    expect(second.headers['idempotency-replayed']).toBe('true');
    expect(second.body.data).toEqual(first.body.data);
  });
});
