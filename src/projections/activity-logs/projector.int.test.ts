import { gatherStatistics, inIndexOrder, openTempSqliteReadStore, project, summarizePlan, type TempSqliteReadStore } from '../../../test/support/sqlite-plans';
import { ACTIVITY_LOGS, ACTIVITY_SORT, activityLogsProjector, type ActivityDoc } from './projector';
import { activityFilter, listActivity } from './queries';

describe('activity logs: indexes (on the SQLite read store, the embedded default)', () => {
  // 4,000 entries, most of them the system's (no user), as in a billing log.
  let sqlite: TempSqliteReadStore;
  beforeAll(async () => {
    sqlite = openTempSqliteReadStore();
    await project(sqlite.store, [activityLogsProjector], []);
    const docs: ActivityDoc[] = Array.from({ length: 4000 }, (_, i) => ({
      _id: `a${i}`,
      position: i,
      timestamp: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      user_id: i % 10 === 0 ? (i % 30) / 10 : null,
      user_uuid: null,
      user_role: null,
      action: ['invoice_created', 'invoice_paid', 'invoice_marked_overdue'][i % 3]!,
      record_type: 'invoice',
      record_id: `inv-${i}`,
      pelanggan_id: i % 50,
    })) as unknown as ActivityDoc[];
    await sqlite.store.collection(ACTIVITY_LOGS).insertMany(docs);
    await gatherStatistics(sqlite.store, ACTIVITY_LOGS);
  });
  afterAll(() => sqlite.dispose());

  it('serves a user and an action from their own index, in list order, with the total counted in it', async () => {
    const filter = activityFilter({ userId: 1, action: 'invoice_paid' });
    const col = sqlite.store.collection(ACTIVITY_LOGS);
    expect(summarizePlan(col.explain(filter, { sort: ACTIVITY_SORT, skip: 0, limit: 20 }))).toEqual(inIndexOrder('user_id_1_action_1_timestamp_-1_position_-1'));
    expect(col.explainCount(filter).plan).toEqual([expect.stringMatching(/USING COVERING INDEX d\d+:user_id_1_action_1_timestamp_-1_position_-1 /)]);
    const page = await listActivity(sqlite.store, { userId: 1, action: 'invoice_paid', skip: 0, limit: 3 });
    expect({ ids: page.items.map((d) => d._id), total: page.total }).toEqual({ ids: ['a3970', 'a3940', 'a3910'], total: 133 });
  });
});
