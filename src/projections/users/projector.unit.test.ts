import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { Doc } from '../../ports/read-store';
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

  it('serves role, is_active and search from indexes', async () => {
    const roles = ['technician', 'supervisor', 'customer_service', 'manager'];
    for (let i = 1; i <= 300; i++) await apply(registered(`u${i}`, i, {}, roles[i % roles.length]));
    for (let i = 1; i <= 300; i += 7) await apply(ev('UserDeactivated', `u${i}`, 1, { reason: null, deactivatedAt: 'x' }));
    const users = store.collection<UserDoc>(USERS);
    const explain = (q: Parameters<typeof userListFilter>[0]) => users.explain(userListFilter(q), { sort: USER_LIST_SORT, skip: 0, limit: 20 });

    expect(explain({})).toMatchObject({ index: 'created_at_-1_number_-1', sortedByIndex: true, examined: 20 });
    expect(explain({ role: 'supervisor' })).toMatchObject({ index: 'role_1_created_at_-1_number_-1', sortedByIndex: true, examined: 20 });
    expect(explain({ isActive: false })).toMatchObject({ index: 'is_active_1_created_at_-1_number_-1', sortedByIndex: true, examined: 20 });
    expect(explain({ role: 'manager', isActive: true })).toMatchObject({
      index: 'role_1_is_active_1_created_at_-1_number_-1',
      sortedByIndex: true,
      examined: 20,
    });
    const search = explain({ search: 'u123' });
    expect(search).toMatchObject({ index: 'search_tokens_1', returned: 1 });
    expect(search.examined).toBeLessThanOrEqual(2);
  });
});
