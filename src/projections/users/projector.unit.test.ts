import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { Doc } from '../../ports/read-store';
import { inIndexOrder, openTempSqliteReadStore, project, summarizePlan } from '../../../test/support/sqlite-plans';
import type { ProjectedEvent, ProjectorContext } from '../engine/projector';
import { USERS, usersProjector as projector, type UserDoc } from './projector';
import { findUserById, USER_LIST_SORT, userListFilter } from './queries';

/** Given user events, then documents: the fields GET /api/users needs, and its query plans. */

let position = 0;
function ev(type: string, userId: string, revision: number, data: Record<string, unknown>, at = '2026-01-15T12:00:00.000Z'): ProjectedEvent {
  position += 10;
  return {
    id: `e${position}`,
    type,
    streamName: `user-${userId}`,
    revision,
    position,
    data: { userId, ...data },
    metadata: { timestamp: at, schemaVersion: 1, prevHash: '', hash: '' },
  };
}
const registered = (id: string, number: number, extra: Record<string, unknown> = {}, role = 'technician') =>
  ev('UserRegistered', id, 0, {
    number,
    email: `${id}@example.com`,
    role,
    passwordHash: 'h',
    profile: { full_name: `Name ${id}`, phone: null, avatar: null, department: null },
    registeredAt: '2026-01-15T12:00:00.000Z',
    ...extra,
  });

describe('users projector (list fields)', () => {
  let store: MemoryReadStore;
  let ctx: ProjectorContext;
  const apply = async (...events: ProjectedEvent[]) => {
    for (const e of events) await projector.apply(e, ctx);
  };

  beforeEach(async () => {
    position = 0;
    store = createMemoryReadStore();
    ctx = { collection: <T extends Doc>(name: string) => store.collection<T>(name) };
    for (const [name, indexes] of Object.entries(projector.collections)) await store.collection(name).createIndexes(indexes);
  });

  it('keeps search tokens, the customer link and the stream revision', async () => {
    await apply(
      registered('ana', 1, { profile: { full_name: 'Ana Wijaya', phone: null, avatar: null, department: null }, customerId: 'c9' }, 'customer'),
      ev('UserLoginFailed', 'ana', 1, { reason: 'wrong_password', failedAt: 'x' }),
      ev('UserProfileUpdated', 'ana', 2, { changes: { full_name: 'Ana Putri' }, updatedAt: 'x' }, '2026-01-16T00:00:00.000Z'),
      ev('UserEmailChanged', 'ana', 3, { previousEmail: 'ana@example.com', email: 'putri@isp.example', changedAt: 'x' }),
    );
    const doc = (await findUserById(store, 'ana'))!;
    expect(doc).toMatchObject({ customer_id: 'c9', revision: 3, email: 'putri@isp.example', updated_at: '2026-01-15T12:00:00.000Z' });
    expect(doc.search_tokens).toEqual(['ana', 'anaputri', 'example', 'isp', 'putri', 'putriispexample']);
    expect((await findUserById(store, 'ana'))?.profile.full_name).toBe('Ana Putri');
  });

  it('serves role, is_active and search from indexes on the SQLite read store (the embedded default)', async () => {
    const roles = ['technician', 'supervisor', 'customer_service', 'manager'];
    const events: ProjectedEvent[] = [];
    for (let i = 1; i <= 300; i++) events.push(registered(`u${i}`, i, {}, roles[i % roles.length]));
    for (let i = 1; i <= 300; i += 7) events.push(ev('UserDeactivated', `u${i}`, 1, { reason: null, deactivatedAt: 'x' }));
    const sqlite = openTempSqliteReadStore();
    try {
      await project(sqlite.store, [projector], events);
      const users = sqlite.store.collection<UserDoc>(USERS);
      const plan = (q: Parameters<typeof userListFilter>[0]) => summarizePlan(users.explain(userListFilter(q), { sort: USER_LIST_SORT, skip: 0, limit: 20 }));
      // A page read in index order: SQLite stops after it (LIMIT), without sorting the matches.
      expect(plan({})).toEqual(inIndexOrder('created_at_-1_number_-1'));
      expect(plan({ role: 'supervisor' })).toEqual(inIndexOrder('role_1_created_at_-1_number_-1'));
      expect(plan({ isActive: false })).toEqual(inIndexOrder('is_active_1_created_at_-1_number_-1'));
      expect(plan({ role: 'manager', isActive: true })).toEqual(inIndexOrder('role_1_is_active_1_created_at_-1_number_-1'));
      // A search looks its narrowest word up in the side table of search_tokens (a prefix range on
      // one element), then sorts those few matches; a word every user has ("name") is checked on
      // each of them instead of read in full. The count is count(*) over the same lookups.
      for (const [search, searches, checks] of [['u123', 1, 0], ['name u12', 1, 1]] as const) {
        expect(plan({ search })).toMatchObject({ exact: true, sideTableSearches: searches, sideTableChecks: checks, elementSearches: 0, fullScans: [] });
        expect(summarizePlan(users.explainCount(userListFilter({ search })))).toMatchObject({ exact: true, sideTableSearches: searches, sideTableChecks: checks, fullScans: [] });
      }
      expect((await users.find(userListFilter({ search: 'u123' }), { sort: USER_LIST_SORT })).map((d) => d._id)).toEqual(['u123']);
      expect(await users.countDocuments(userListFilter({ search: 'name u12' }))).toBe(11);
    } finally {
      await sqlite.dispose();
    }
  });
});
