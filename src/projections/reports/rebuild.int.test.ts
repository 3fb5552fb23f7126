import type { Doc } from '../../ports/read-store';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { rebuildProjector } from '../engine/rebuild';
import { reportsProjector } from './projector';

/**
 * A rebuild of the reports projection from position zero must give exactly the live read
 * models (documents and their bookkeeping), on the whole product, with tickets driven through
 * the tickets API (create, assign, status changes with ratings, a reopen, a priority change).
 */
describe('reports projection rebuild', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.stop();
  });

  const dump = async (): Promise<Record<string, Doc[]>> => {
    const out: Record<string, Doc[]> = {};
    for (const name of Object.keys(reportsProjector.collections)) {
      out[name] = await t.app.deps.readStore.collection(name).find({}, { sort: { _id: 1 } });
    }
    return out;
  };

  it('rebuilds into identical collections', async () => {
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '86400' });
    const manager = await t.user('manager');
    const tech = await t.user('technician');
    const as = { Authorization: `Bearer ${manager.token}` };
    const customer = await t.http.post('/api/customers').set(as).send({
      full_name: 'Budi',
      phone: '081200000001',
      email: 'budi@example.com',
      address: 'Jl. Satu',
      coordinates: { lat: -6.2, lng: 106.8 },
      service_area: 'Depok',
    });
    expect(customer.status).toBe(201);
    const ticketIds: string[] = [];
    for (const priority of ['normal', 'high', 'low']) {
      t.clock.advance(3_600_000);
      const res = await t.http.post('/api/tickets').set(as).send({
        customer_id: customer.body.data.customer.id,
        type: 'repair',
        priority,
        title: 'Internet mati',
        description: 'LOS',
        location: { lat: -6.2, lng: 106.8 },
      });
      expect(res.status).toBe(201);
      ticketIds.push(res.body.data.ticket.id);
    }
    const [a, b, c] = ticketIds as [string, string, string];
    const step = async (path: string, method: 'post' | 'put', body: object) => {
      t.clock.advance(1_800_000);
      const res = await t.http[method](`/api/tickets/${path}`).set(as).send(body);
      expect(res.status).toBe(200);
    };
    for (const id of [a, b]) await step(`${id}/assign`, 'post', { technician_id: tech.userId });
    for (const id of [a, b]) await step(`${id}/status`, 'put', { status: 'in_progress' });
    await step(`${a}/status`, 'put', { status: 'resolved', rating: 5 });
    await step(`${a}/status`, 'put', { status: 'closed' });
    await step(`${b}/status`, 'put', { status: 'resolved', rating: 3 });
    await step(`${b}/status`, 'put', { status: 'in_progress' });
    await step(c, 'put', { priority: 'emergency' });

    const live = await dump();
    expect(Object.values(live).every((docs) => docs.length > 0)).toBe(true);
    const result = await rebuildProjector({ eventStore: t.eventStore, readStore: t.app.deps.readStore, runner: t.app.runner, projector: reportsProjector });
    expect(result).toMatchObject({ state: 'done', error: null });
    expect(await dump()).toEqual(live);

    const dashboard = await t.http.get('/api/reports/dashboard').set(as);
    expect(dashboard.body.data.summary).toMatchObject({ total_tickets: 3, pending_tickets: 2, customer_satisfaction: 5 });
    expect(dashboard.body.data.charts.tickets_by_priority).toContainEqual({ priority: 'emergency', label: 'Emergency', count: 1 });
  });
});
