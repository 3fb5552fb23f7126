import type { Doc } from '../../ports/read-store';
import { runSlaJob } from '../../jobs/sla';
import { customerWithLogin, startTestApp, type TestApp } from '../../../test/support/test-app';
import { rebuildProjector } from '../engine/rebuild';
import type { Projector } from '../engine/projector';
import { mobileSyncProjector } from './mobile-sync-projector';
import { notificationsProjector } from './projector';

/**
 * On the whole product, driven through HTTP: rebuilding the notifications and mobile sync
 * projections from position zero gives exactly the live documents (ids, read marks and the
 * bookkeeping positions that sync tokens rely on).
 */
describe('notifications and mobile sync rebuild', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.stop();
  });

  const dump = async (p: Projector): Promise<Record<string, Doc[]>> => {
    const out: Record<string, Doc[]> = {};
    for (const name of Object.keys(p.collections)) out[name] = await t.app.deps.readStore.collection(name).find({}, { sort: { _id: 1 } });
    return out;
  };

  it('rebuilds into identical collections', async () => {
    t = await startTestApp();
    const manager = await t.user('manager');
    await t.user('supervisor');
    const cs = await t.user('customer_service');
    const tech = await t.user('technician');
    const tech2 = await t.user('technician');
    const { customerId, user: customer } = await customerWithLogin(t, manager);
    const as = (u: { token: string }) => ({ Authorization: `Bearer ${u.token}` });
    const ok = (status: number) => expect(status).toBeLessThan(300);

    const created = await t.http
      .post('/api/tickets')
      .set(as(cs))
      .send({ customer_id: customerId, type: 'repair', priority: 'normal', title: 'Mati', description: 'LOS', location: { lat: 1, lng: 2 } });
    const id = created.body.data.ticket.id as string;
    ok((await t.http.post(`/api/tickets/${id}/assign`).set(as(manager)).send({ technician_id: tech.userId })).status);
    ok((await t.http.put(`/api/tickets/${id}/status`).set(as(tech)).send({ status: 'in_progress' })).status);
    ok((await t.http.post(`/api/tickets/${id}/comments`).set(as(customer)).send({ comment: 'Kapan datang?' })).status);
    const inbox = await t.http.get('/api/notifications').set(as(tech));
    ok((await t.http.put(`/api/notifications/${inbox.body.data.notifications[0].id}/read`).set(as(tech))).status);
    ok((await t.http.post(`/api/tickets/${id}/assign`).set(as(manager)).send({ technician_id: tech2.userId })).status);
    ok((await t.http.put('/api/notifications/mark-all-read').set(as(cs))).status);
    const sla = await runSlaJob(
      { commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger },
      new Date(t.clock.now().getTime() + 100 * 3_600_000),
    );
    await t.app.runner.waitFor(sla.position!, 5000);

    for (const projector of [notificationsProjector, mobileSyncProjector]) {
      const live = await dump(projector);
      expect(Object.values(live).every((docs) => docs.length > 0)).toBe(true);
      const result = await rebuildProjector({ eventStore: t.eventStore, readStore: t.app.deps.readStore, runner: t.app.runner, projector });
      expect(result).toMatchObject({ state: 'done', error: null });
      expect(await dump(projector)).toEqual(live);
    }
    const after = await t.http.get('/api/notifications?is_read=true').set(as(tech));
    expect(after.body.data.notifications).toHaveLength(1);
  });
});
