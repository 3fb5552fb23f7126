import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { CustomerDetails } from '../../domain/customer';
import type { Doc } from '../../ports/read-store';
import type { ProjectedEvent, ProjectorContext } from '../engine/projector';
import { CUSTOMERS, customersProjector as projector, type CustomerDoc } from './projector';
import { CUSTOMER_LIST_SORT, customerListFilter, findCustomerByNumber, findCustomerByUserId, getCustomer, listCustomers } from './queries';
import { searchTokens } from './search';
import { inIndexOrder, openTempSqliteReadStore, project, summarizePlan, type TempSqliteReadStore } from '../../../test/support/sqlite-plans';

/** Given customer events, then documents; and the list queries run on indexes, not scans. */

const details: CustomerDetails = {
  fullName: 'Budi Santoso',
  phone: '0812-3456-7890',
  email: 'budi@example.com',
  nationalId: '3171234567890001',
  address: { line: 'Jl. Merdeka 1', line2: 'RT 01/RW 02', block: 'A', unit: '12', city: 'Jakarta', province: null, postalCode: null, country: null },
  coordinates: { lat: -6.2, lng: 106.8 },
  serviceArea: 'Jakarta Pusat',
  servicePackage: 'Home 50',
  brand: 'JAKINET',
  installationDate: '2026-01-10',
  customerType: 'residential',
};

let position = 0;
function ev(type: string, customerId: string, revision: number, data: Record<string, unknown>, at: string): ProjectedEvent {
  position += 10;
  return {
    id: `e${position}`,
    type,
    streamName: `customer-${customerId}`,
    revision,
    position,
    data: { customerId, ...data },
    metadata: { timestamp: at, schemaVersion: 1, prevHash: '', hash: '' },
  };
}
const registered = (id: string, number: number, at: string, d: Partial<CustomerDetails> = {}) =>
  ev('CustomerRegistered', id, 0, { number, code: `CUST-${String(number).padStart(6, '0')}`, userId: `u-${id}`, status: 'active', ...details, ...d, registeredAt: at }, at);
const updated = (id: string, revision: number, changes: Partial<CustomerDetails>, previous: Partial<CustomerDetails>, at: string) =>
  ev('CustomerUpdated', id, revision, { changes, previous, updatedAt: at }, at);

describe('customers projector', () => {
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

  it('builds the document in 000 vocabulary from CustomerRegistered', async () => {
    await apply(registered('c1', 1, '2026-01-15T12:00:00.000Z'));
    expect(await getCustomer(store, 'c1')).toEqual({
      _id: 'c1',
      _pos: 10,
      number: 1,
      code: 'CUST-000001',
      user_id: 'u-c1',
      full_name: 'Budi Santoso',
      phone: '0812-3456-7890',
      email: 'budi@example.com',
      nik: '3171234567890001',
      address: 'Jl. Merdeka 1',
      address_parts: { line2: 'RT 01/RW 02', block: 'A', unit: '12', city: 'Jakarta', province: null, postal_code: null, country: null },
      coordinates: { lat: -6.2, lng: 106.8 },
      service_area: 'Jakarta Pusat',
      service_area_key: 'jakarta pusat',
      service_package: 'Home 50',
      brand: 'JAKINET',
      installation_date: '2026-01-10',
      customer_type: 'residential',
      status: 'active',
      service_status: null,
      search_tokens: searchTokens('Budi Santoso', '0812-3456-7890', 'budi@example.com', '3171234567890001'),
      revision: 0,
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-01-15T12:00:00.000Z',
    });
    expect((await findCustomerByUserId(store, 'u-c1'))?._id).toBe('c1');
    expect((await findCustomerByNumber(store, 1))?._id).toBe('c1');
  });

  it('applies CustomerUpdated field by field and re-tokenises the searchable fields', async () => {
    const address = { ...details.address, line: 'Jl. Baru 2', city: 'Depok' };
    await apply(
      registered('c1', 1, '2026-01-15T12:00:00.000Z'),
      updated('c1', 1, { fullName: 'Budi Baru', address, serviceArea: 'Depok' }, { fullName: 'Budi Santoso' }, '2026-01-16T08:00:00.000Z'),
    );
    const doc = (await getCustomer(store, 'c1'))!;
    expect(doc).toMatchObject({
      full_name: 'Budi Baru',
      phone: '0812-3456-7890',
      address: 'Jl. Baru 2',
      address_parts: { city: 'Depok', block: 'A' },
      service_area: 'Depok',
      service_area_key: 'depok',
      revision: 1,
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-01-16T08:00:00.000Z',
    });
    expect(doc.search_tokens).toContain('baru');
    expect(doc.search_tokens).not.toContain('santoso');
    expect(doc.search_tokens).toContain('081234567890');
  });

  it('ignores a redelivered or older event', async () => {
    const first = registered('c1', 1, '2026-01-15T12:00:00.000Z');
    const change = updated('c1', 1, { phone: '0899999999' }, { phone: details.phone }, '2026-01-16T08:00:00.000Z');
    await apply(first, change);
    const before = await getCustomer(store, 'c1');
    await apply(change, first);
    expect(await getCustomer(store, 'c1')).toEqual(before);
  });

  describe('list queries use the declared indexes (on the SQLite read store, the embedded default)', () => {
    const areas = ['Jakarta Pusat', 'Depok', 'Bekasi', 'Bogor'];
    let sqlite: TempSqliteReadStore;
    beforeAll(async () => {
      sqlite = openTempSqliteReadStore();
      const events: ProjectedEvent[] = [];
      for (let i = 1; i <= 400; i++) {
        const day = String(1 + (i % 28)).padStart(2, '0');
        events.push(
          registered(`c${i}`, i, `2026-02-${day}T10:00:00.000Z`, {
            fullName: i === 77 ? 'Zulkifli Rahman' : `Pelanggan ${i}`,
            phone: `0812${String(i).padStart(8, '0')}`,
            email: `p${i}@example.com`,
            serviceArea: areas[i % areas.length],
          }),
        );
      }
      await project(sqlite.store, [projector], events);
    });
    afterAll(() => sqlite.dispose());

    const plan = (q: Parameters<typeof customerListFilter>[0], limit = 20) =>
      summarizePlan(sqlite.store.collection<CustomerDoc>(CUSTOMERS).explain(customerListFilter(q), { sort: CUSTOMER_LIST_SORT, skip: 0, limit }));
    /** A page read in index order: SQLite stops after it (LIMIT) without sorting the matches. */

    it('an unfiltered page walks the sort index and stops after the page', () => {
      expect(plan({})).toEqual(inIndexOrder('created_at_-1_number_-1'));
    });

    it('service_area and created_from/to bound the compound index', async () => {
      const q = { serviceArea: 'DEPOK', createdFrom: '2026-02-10T00:00:00.000Z', createdTo: '2026-02-12T23:59:59.999Z' };
      expect(plan(q, 100)).toEqual(inIndexOrder('service_area_key_1_created_at_-1_number_-1'));
      expect((await listCustomers(sqlite.store, { ...q, skip: 0, limit: 100 })).total).toBeGreaterThan(0);
      expect(plan({ createdFrom: '2026-02-10T00:00:00.000Z', createdTo: '2026-02-10T23:59:59.999Z' }, 100)).toEqual(inIndexOrder('created_at_-1_number_-1'));
    });

    it('a search narrows to the tokens that match, not the whole collection', async () => {
      // A narrow word: one prefix lookup in the side table of search_tokens, for the page and its
      // count (the element index's lists of the two tokens it begins would be read whole).
      expect(plan({ search: 'zulk' })).toMatchObject({ exact: true, sideTableSearches: 1, elementSearches: 0, fullScans: [] });
      expect(summarizePlan(sqlite.store.collection(CUSTOMERS).explainCount(customerListFilter({ search: 'zulk' })))).toMatchObject({
        exact: true,
        sideTableSearches: 1,
        fullScans: [],
      });
      expect(plan({ search: 'rahman zul' })).toMatchObject({ exact: true, sideTableSearches: 2, elementSearches: 0, fullScans: [] });
      const { items, total } = await listCustomers(sqlite.store, { search: 'rahman zul', skip: 0, limit: 20 });
      expect([total, items.map((d) => d._id)]).toEqual([1, ['c77']]);
      expect((await listCustomers(sqlite.store, { search: '0812-0000-0077', skip: 0, limit: 20 })).items.map((d) => d._id)).toEqual(['c77']);
    });
  });
});
