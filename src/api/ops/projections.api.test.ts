import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth, createCustomer } from '../../../test/support/audit';
import { registerUser } from '../../commands/users';
import { systemMeta } from '../../commands/context';

/**
 * GET /api/v1/ops/projections (also /ops/projections) reports every projector's checkpoint, its
 * lag behind the log (events and seconds), and the rebuilds and comparisons in progress or done.
 */
describe('GET /api/v1/ops/projections', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin');
    manager = await t.user('manager');
    await createCustomer(t, manager);
  });
  afterAll(async () => {
    await t.stop();
  });

  const status = async () => {
    const res = await t.http.get('/api/v1/ops/projections').set(auth(admin));
    expect(res.status).toBe(200);
    return res.body.data;
  };

  it('shows every projector up to date when the runner has caught up', async () => {
    const data = await status();
    expect(data.position).toBe(data.head);
    const names = data.projectors.map((p: { name: string }) => p.name);
    expect(data.lags.map((l: { name: string }) => l.name)).toEqual(names);
    expect(names).toEqual(expect.arrayContaining(['tickets', 'users', 'audit-index']));
    for (const lag of data.lags) expect(lag).toMatchObject({ events: 0, capped: false, seconds: 0 });
    // The same router answers at /ops.
    expect((await t.http.get('/ops/projections').set(auth(admin))).body.data.lags).toHaveLength(names.length);
  });

  it('shows the lag in events and seconds while the runner is held, and the rebuild progress', async () => {
    await t.app.runner.pause();
    try {
      // Written through the commands: an HTTP write would wait for the held read models.
      const meta = systemMeta(t.app.deps.commands.ids, 'test');
      await registerUser(t.app.deps.commands, { email: 'held@example.com', password: 'held-password-1', role: 'technician', profile: { full_name: 'Held', department: null } }, meta);
      t.clock.advance(30_000);
      const held = await status();
      const users = held.lags.find((l: { name: string }) => l.name === 'users');
      expect(users.events).toBeGreaterThanOrEqual(2);
      expect(users.seconds).toBe(30);
      expect(users.position).toBe(held.position);
      expect(held.head).toBeGreaterThan(held.position);
    } finally {
      t.app.runner.resume();
    }
    await t.http.post('/api/v1/ops/projections/tickets/rebuild').set(auth(admin));
    await t.app.deps.rebuilds.waitAll();
    const after = await status();
    expect(after.rebuilds).toEqual([expect.objectContaining({ projector: 'tickets', state: 'done' })]);
    expect(after.lags.every((l: { events: number }) => l.events === 0)).toBe(true);
  });
});
