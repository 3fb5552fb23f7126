import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth, createCustomer, createTicket } from '../../../test/support/audit';

/**
 * "Does a rebuild equal the live read model?" on the running server: POST
 * /api/v1/ops/projections/{name}/compare replays the projector into scratch collections and
 * compares them with the live ones, document for document, without writing the live ones.
 */
describe('POST /api/v1/ops/projections/{name}/compare', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin');
    manager = await t.user('manager');
    const customerId = await createCustomer(t, manager);
    for (let i = 0; i < 3; i++) {
      const ticketId = await createTicket(t, manager, customerId, { title: `Ticket ${i}` });
      await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(manager)).send({ comment: 'Noted' });
    }
  });
  afterAll(async () => {
    await t.stop();
  });

  const compare = async (name: string) => {
    const started = await t.http.post(`/api/v1/ops/projections/${name}/compare`).set(auth(admin));
    expect([started.status, started.body.data.comparison.projector]).toEqual([202, name]);
    await t.app.deps.comparisons.waitAll();
    const done = await t.http.get(`/api/v1/ops/projections/${name}/compare`).set(auth(admin));
    expect(done.status).toBe(200);
    return done.body.data.comparison;
  };

  it('finds the rebuilt tickets equal to the live ones, and leaves no scratch collection behind', async () => {
    const result = await compare('tickets');
    expect(result).toMatchObject({ state: 'equal', processed: 6, differences: [] });
    expect(result.collections).toEqual([
      expect.objectContaining({ name: 'ticket_comments', live: 3, rebuilt: 3, missing: 0, extra: 0, different: 0 }),
      expect.objectContaining({ name: 'tickets', live: 3, rebuilt: 3, missing: 0, extra: 0, different: 0 }),
    ]);
    expect((await t.app.deps.readStore.listCollections()).filter((c) => c.includes('__compare_'))).toEqual([]);
  });

  it('reports a live document that differs from what the log rebuilds', async () => {
    const [doc] = await t.app.deps.readStore.collection('tickets').find({}, { sort: { _id: 1 }, limit: 1 });
    await t.app.deps.readStore.collection('tickets').updateOne({ _id: doc!._id }, { $set: { title: 'Edited behind the log' } });
    await t.app.deps.readStore.collection('tickets').insertOne({ _id: 'stray', title: 'Never happened' });
    const result = await compare('tickets');
    expect(result.state).toBe('different');
    expect(result.collections.find((c: { name: string }) => c.name === 'tickets')).toMatchObject({ live: 4, rebuilt: 3, different: 1, extra: 0, missing: 1 });
    expect(result.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: doc!._id, kind: 'different', live: expect.objectContaining({ title: 'Edited behind the log' }), rebuilt: expect.objectContaining({ title: doc!.title }) }),
        expect.objectContaining({ id: 'stray', kind: 'missing', rebuilt: null }),
      ]),
    );
    // A rebuild puts the live model back to what the log says.
    await t.http.post('/api/v1/ops/projections/tickets/rebuild').set(auth(admin));
    await t.app.deps.rebuilds.waitAll();
    expect((await compare('tickets')).state).toBe('equal');
  });

  it('answers 404 for an unknown projector and is for the super admin only', async () => {
    expect((await t.http.post('/api/v1/ops/projections/nope/compare').set(auth(admin))).status).toBe(404);
    expect((await t.http.get('/api/v1/ops/projections/users/compare').set(auth(admin))).status).toBe(404);
    expect((await t.http.post('/api/v1/ops/projections/tickets/compare').set(auth(manager))).status).toBe(403);
    const auditor = await t.user('auditor');
    expect((await t.http.post('/api/v1/ops/projections/tickets/compare').set(auth(auditor))).status).toBe(403);
  });
});
