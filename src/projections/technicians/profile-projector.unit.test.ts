import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { Doc } from '../../ports/read-store';
import type { SqliteReadStore } from '../../adapters/read-store/sqlite/sqlite-read-store';
import { openTempSqliteReadStore, summarizePlan } from '../../../test/support/sqlite-plans';
import type { ProjectedEvent, ProjectorContext } from '../engine/projector';
import { TECHNICIANS, technicianProfileProjector as projector, type TechnicianDoc } from './profile-projector';
import { findTechnician, listTechnicians } from './queries';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
let position = 0;
const revisions = new Map<string, number>();
function ev(type: string, data: Record<string, unknown>, timestamp = '2026-01-15T12:00:00.000Z'): ProjectedEvent {
  position += 1;
  const stream = type.startsWith('Technician') ? `technician-${data.technicianId}` : `user-${data.userId}`;
  const revision = (revisions.get(stream) ?? -1) + 1;
  revisions.set(stream, revision);
  return { id: `e${position}`, type, streamName: stream, revision, position, data, metadata: { timestamp, schemaVersion: 1, prevHash: '', hash: '' } };
}
const registered = (n: number, role: string, full_name: string, phone: string | null = null) =>
  ev('UserRegistered', {
    userId: id(n),
    number: n,
    email: `u${n}@example.com`,
    role,
    passwordHash: 'x',
    profile: { full_name, phone, avatar: null, department: null },
    registeredAt: '2026-01-15T12:00:00.000Z',
  });
const skills = (n: number, list: string[], areas: string[]) =>
  ev('TechnicianSkillsUpdated', { technicianId: id(n), skills: list, serviceAreas: areas, updatedAt: '2026-01-15T12:05:00.000Z' });
const availability = (n: number, isAvailable: boolean, reason: string | null) =>
  ev('TechnicianAvailabilityChanged', { technicianId: id(n), isAvailable, reason, changedAt: '2026-01-15T12:06:00.000Z' });

async function project<S extends MemoryReadStore | SqliteReadStore = MemoryReadStore>(events: readonly ProjectedEvent[], store: S = createMemoryReadStore() as S): Promise<S> {
  for (const [name, indexes] of Object.entries(projector.collections)) await store.collection(name).createIndexes(indexes);
  const ctx: ProjectorContext = { collection: <T extends Doc>(name: string) => store.collection<T>(name) };
  for (const e of events) await projector.apply(e, ctx);
  return store;
}

describe('technicians read model', () => {
  beforeEach(() => {
    position = 0;
    revisions.clear();
  });

  it('builds the profile from the user registration and the technician events', async () => {
    const store = await project([
      registered(7, 'technician', 'Budi Santoso', '+62811000007'),
      skills(7, ['Fiber Splicing', 'ONT Setup'], ['Jakarta Selatan']),
      availability(7, false, 'Sick leave'),
      ev('TechnicianLocationUpdated', { technicianId: id(7), lat: -6.26, lng: 106.81, updatedAt: '2026-01-15T12:07:00.000Z' }, '2026-01-15T12:07:00.000Z'),
    ]);
    const doc = await findTechnician(store, id(7));
    expect(doc).toEqual<TechnicianDoc>({
      _id: id(7),
      id: id(7),
      user_id: id(7),
      number: 7,
      employee_id: 'EMP-0007',
      full_name: 'Budi Santoso',
      name_key: 'budi santoso',
      phone: '+62811000007',
      is_technician: true,
      is_active: true,
      skills: ['Fiber Splicing', 'ONT Setup'],
      skill_keys: ['fiber splicing', 'ont setup'],
      service_areas: ['Jakarta Selatan'],
      service_area_keys: ['jakarta selatan'],
      is_available: false,
      unavailable_reason: 'Sick leave',
      availability_changed_at: '2026-01-15T12:06:00.000Z',
      current_location: { lat: -6.26, lng: 106.81, updated_at: '2026-01-15T12:07:00.000Z' },
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-01-15T12:07:00.000Z',
      revision: 2,
    });
  });

  it('follows the user: profile updates, role changes, deactivation', async () => {
    const events = [
      registered(1, 'customer_service', 'Citra'),
      registered(2, 'technician', 'Dewi'),
      ev('UserProfileUpdated', { userId: id(2), changes: { full_name: 'Dewi Lestari', phone: '0812' }, updatedAt: 'x' }),
      ev('UserProfileUpdated', { userId: id(2), changes: { avatar: 'a.png' }, updatedAt: 'x' }),
    ];
    let store = await project(events);
    expect(await findTechnician(store, id(1))).toBeNull();
    expect(await findTechnician(store, id(2))).toMatchObject({ full_name: 'Dewi Lestari', name_key: 'dewi lestari', phone: '0812' });

    store = await project([ev('UserRoleChanged', { userId: id(1), previousRole: 'customer_service', role: 'technician', changedAt: 'x' })], store);
    expect(await findTechnician(store, id(1))).toMatchObject({ employee_id: 'EMP-0001', full_name: 'Citra', is_available: true, skills: [] });
    expect((await listTechnicians(store, { skip: 0, limit: 20 })).items.map((d) => d.full_name)).toEqual(['Citra', 'Dewi Lestari']);

    store = await project([ev('UserDeactivated', { userId: id(2), reason: null, deactivatedAt: 'x' })], store);
    expect(await findTechnician(store, id(2))).toMatchObject({ is_active: false });
    expect((await listTechnicians(store, { skip: 0, limit: 20 })).total).toBe(1);
    store = await project([ev('UserReactivated', { userId: id(2), reactivatedAt: 'x' })], store);
    expect((await listTechnicians(store, { skip: 0, limit: 20 })).total).toBe(2);

    store = await project([ev('UserRoleChanged', { userId: id(1), previousRole: 'technician', role: 'supervisor', changedAt: 'x' })], store);
    expect(await findTechnician(store, id(1))).toBeNull();
    expect((await listTechnicians(store, { skip: 0, limit: 20 })).items.map((d) => d.id)).toEqual([id(2)]);
  });

  it('ignores a redelivered event', async () => {
    const first = registered(3, 'technician', 'Eka');
    const rename = ev('UserProfileUpdated', { userId: id(3), changes: { full_name: 'Eka Putra' }, updatedAt: 'x' });
    const store = await project([first, rename, first, rename]);
    const before = await store.collection(TECHNICIANS).find({});
    await project([first, rename], store);
    expect(await store.collection(TECHNICIANS).find({})).toEqual(before);
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ full_name: 'Eka Putra', _pos: rename.position });
  });

  describe('list filters', () => {
    let store: MemoryReadStore;
    let events: ProjectedEvent[];
    beforeEach(async () => {
      events = [
        registered(1, 'technician', 'andi'),
        registered(2, 'technician', 'Budi'),
        registered(3, 'technician', 'Citra'),
        registered(4, 'technician', 'Budi'),
        registered(5, 'manager', 'Mira'),
        skills(1, ['Fiber Splicing', 'Router'], ['Jakarta Selatan', 'Depok']),
        skills(2, ['fiber splicing'], ['depok']),
        skills(3, ['Router'], ['Bogor']),
        skills(4, ['Fiber Splicing', 'Router', 'ONT'], ['Depok']),
        availability(2, false, 'Leave'),
      ];
      store = await project(events);
    });
    const names = async (q: Parameters<typeof listTechnicians>[1]) => {
      const { items, total } = await listTechnicians(store, q);
      return { ids: items.map((d) => d.number), total };
    };

    it('lists technicians by name (case-insensitive) then employee number', async () => {
      expect(await names({ skip: 0, limit: 20 })).toEqual({ ids: [1, 2, 4, 3], total: 4 });
      expect(await names({ skip: 1, limit: 2 })).toEqual({ ids: [2, 4], total: 4 });
    });
    it('filters on availability', async () => {
      expect(await names({ isAvailable: false, skip: 0, limit: 20 })).toEqual({ ids: [2], total: 1 });
      expect(await names({ isAvailable: true, skip: 0, limit: 20 })).toEqual({ ids: [1, 4, 3], total: 3 });
    });
    it('filters on one service area among several, case-insensitively', async () => {
      expect(await names({ serviceArea: 'DEPOK', skip: 0, limit: 20 })).toEqual({ ids: [1, 2, 4], total: 3 });
      expect(await names({ serviceArea: 'Bekasi', skip: 0, limit: 20 })).toEqual({ ids: [], total: 0 });
    });
    it('filters on skills: every listed skill is required', async () => {
      expect(await names({ skills: ['fiber splicing'], skip: 0, limit: 20 })).toEqual({ ids: [1, 2, 4], total: 3 });
      expect(await names({ skills: ['Fiber Splicing', 'router'], skip: 0, limit: 20 })).toEqual({ ids: [1, 4], total: 2 });
      expect(await names({ skills: ['router', 'ont', 'fiber splicing'], skip: 0, limit: 20 })).toEqual({ ids: [4], total: 1 });
    });
    it('combines filters', async () => {
      expect(await names({ skills: ['router'], serviceArea: 'depok', isAvailable: true, skip: 0, limit: 20 })).toEqual({ ids: [1, 4], total: 2 });
      expect(await names({ onlyId: id(2), skip: 0, limit: 20 })).toEqual({ ids: [2], total: 1 });
      expect(await names({ onlyId: id(5), skip: 0, limit: 20 })).toEqual({ ids: [], total: 0 });
    });

    it('serves each filter from an index in sort order, not a collection scan (on the SQLite read store)', async () => {
      const sqlite = openTempSqliteReadStore();
      try {
        await project(events, sqlite.store);
        const col = sqlite.store.collection(TECHNICIANS);
        const sort = { name_key: 1, number: 1 } as const;
        const base = { is_technician: true, is_active: true };
        const byName = 'is_technician_1_is_active_1_name_key_1_number_1';
        const availableByName = 'is_technician_1_is_active_1_is_available_1_name_key_1_number_1';
        // Without an array condition, SQLite walks the index of the equality fields in name order.
        // A service area or a skill is an element of an array field: its page is read from the
        // element index that starts with that field, then the equality fields, in name order
        // (src/adapters/read-store/sqlite/element-pages.ts); a second skill is checked on each row.
        for (const [filter, index, elementSearches, sideTableSearches] of [
          [base, byName, 0, 0],
          [{ ...base, is_available: true }, availableByName, 0, 0],
          [{ ...base, service_area_keys: 'depok' }, null, 1, 0],
          [{ ...base, is_available: false, service_area_keys: 'depok' }, null, 1, 0],
          [{ ...base, $and: [{ skill_keys: 'ont' }, { skill_keys: 'router' }] }, null, 1, 1],
          [{ ...base, is_available: true, $and: [{ skill_keys: 'ont' }] }, null, 1, 0],
        ] as const) {
          const explained = col.explain(filter, { sort, limit: 20 });
          const indexes = index ? [index] : [];
          expect({ filter, plan: summarizePlan(explained) }).toEqual({ filter, plan: { exact: true, indexes, sideTableSearches, sideTableChecks: 0, elementSearches, fullScans: [], tempSort: false } });
          // The equality fields are part of the element index's range, not checked row by row.
          if (elementSearches) expect(explained.plan[0]).toMatch(/^SEARCH e USING PRIMARY KEY \(ek=\? AND e_k\d+=\? AND e_k\d+=\?/);
        }
        expect((await col.find({ ...base, $and: [{ skill_keys: 'ont' }, { skill_keys: 'router' }] }, { sort })).map((d) => d.number)).toEqual([4]);
      } finally {
        await sqlite.dispose();
      }
    });
  });
});
