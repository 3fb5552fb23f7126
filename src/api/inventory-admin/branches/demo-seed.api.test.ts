import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { as } from '../../../../test/support/inventory';
import { seedInventoryDemo } from '../../../commands/inventory-seed';

/**
 * INVENTORY_DEMO_SEED=true: a small, clearly fictional set of reference data on the first start
 * only; without the flag, nothing.
 */
describe('document 003 demo reference data', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.stop();
  });

  it('is seeded once when the flag is given, and marked as fictional', async () => {
    t = await startTestApp({ INVENTORY_DEMO_SEED: 'true' });
    const admin = await t.user('super_admin');
    const branches = await t.http.get('/api/v1/admin/branches').set(as(admin));
    expect(branches.body.data.map((b: { branchCode: string }) => b.branchCode)).toEqual(['DEMO01', 'DEMO02', 'DEMO03']);
    for (const b of branches.body.data) expect(b.unitName).toMatch(/\(demo\)$/);
    const categories = await t.http.get('/api/v1/admin/categories').set(as(admin));
    expect(categories.body.data.map((c: { briboxId: string }) => c.briboxId)).toEqual(['D01', 'D02', 'D03']);
    expect((await t.http.get('/api/v1/admin/departments').set(as(admin))).body.data).toHaveLength(3);
    // A second ready() (a restart of the same process) writes nothing more.
    const head = await t.eventStore.headPosition();
    expect(await seedInventoryDemo(t.app.deps.commands)).toBe(false);
    expect(await t.eventStore.headPosition()).toBe(head);
  });

  it('is not seeded without the flag', async () => {
    t = await startTestApp();
    const admin = await t.user('super_admin');
    expect((await t.http.get('/api/v1/admin/branches').set(as(admin))).body).toEqual({ data: [] });
  });
});
