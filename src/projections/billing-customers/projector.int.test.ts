import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { Doc } from '../../ports/read-store';
import { inIndexOrder, openTempSqliteReadStore, project, summarizePlan, type TempSqliteReadStore } from '../../../test/support/sqlite-plans';
import type { ProjectedEvent, ProjectorContext, Projector } from '../engine/projector';
import { billingInvoicesProjector, BILLING_INVOICES, BILLING_REVENUE_DAILY, type InvoiceDoc, type RevenueDailyDoc } from '../billing-invoices/projector';
import { invoiceFilter, INVOICE_SORT } from '../billing-invoices/queries';
import { billingCustomersProjector, BILLING_DATA_TEKNIS, BILLING_PELANGGAN, BILLING_PELANGGAN_CLOSED, type PelangganDoc } from './projector';
import { PELANGGAN_SORT, pelangganFilter } from './queries';

/** The billing read models from events (given events, then documents), and their lists on indexes. */

let position = 0;
function ev(type: string, stream: string, data: Record<string, unknown>, at = '2026-01-15T05:00:00.000Z', revision = 0): ProjectedEvent {
  position += 10;
  return { id: `e${position}`, type, streamName: stream, revision, position, data, metadata: { timestamp: at, schemaVersion: 1, prevHash: '', hash: '' } };
}

const customer = (n: number, over: Record<string, unknown> = {}) =>
  ev('CustomerRegistered', `customer-c${n}`, {
    customerId: `c${n}`,
    number: n,
    code: `CUST-${String(n).padStart(6, '0')}`,
    userId: null,
    status: 'active',
    fullName: `Pelanggan ${n}`,
    phone: `0812${String(n).padStart(8, '0')}`,
    email: `p${n}@example.com`,
    nationalId: `3171${String(n).padStart(12, '0')}`,
    address: { line: `Jl. Mawar ${n}`, line2: null, block: null, unit: null, city: null, province: null, postalCode: null, country: null },
    coordinates: null,
    serviceArea: null,
    servicePackage: null,
    brand: n % 2 ? 'JAKINET' : 'ARTA',
    installationDate: '2025-06-01',
    customerType: null,
    registeredAt: '2026-01-01T00:00:00.000Z',
    ...over,
  });
const ref = (inv: number, n: number) => ({ invoiceId: inv, customerId: `c${n}`, pelangganId: n });
const invoiceCreated = (inv: number, n: number, period: string, total = 300_000) =>
  ev('InvoiceCreated', `invoice-${inv}`, {
    ...ref(inv, n),
    number: `INV-JAKINET-2026-${String(inv).padStart(6, '0')}`,
    brandId: 'JAKINET',
    period,
    issueDate: `${period}-01`,
    dueDate: `${period}-20`,
    items: [{ description: 'Internet', quantity: 1, unitPrice: total, amount: total }],
    total,
    currency: 'IDR',
    externalId: `INV-JAKINET-2026-${String(inv).padStart(6, '0')}`,
    subscriptionId: null,
    createdAt: `${period}-01T01:00:00.000Z`,
  });

describe('billing read models', () => {
  let store: MemoryReadStore;
  let ctx: ProjectorContext;
  const projectors: Projector[] = [billingCustomersProjector, billingInvoicesProjector];
  const apply = async (...events: ProjectedEvent[]) => {
    for (const e of events) for (const p of projectors) if (p.handles.includes(e.type)) await p.apply(e, ctx);
  };
  const pelanggan = (n: number) => store.collection<PelangganDoc>(BILLING_PELANGGAN).findOne({ id: n });

  beforeEach(async () => {
    position = 0;
    store = createMemoryReadStore();
    ctx = { collection: <T extends Doc>(name: string) => store.collection<T>(name) };
    for (const p of projectors) for (const [name, indexes] of Object.entries(p.collections)) await store.collection(name).createIndexes(indexes);
  });

  it('maps the canonical customer to 002’s fields and tokens', async () => {
    await apply(customer(1));
    expect(await pelanggan(1)).toMatchObject({
      _id: 'c1',
      id: 1,
      nama: 'Pelanggan 1',
      no_telp: '081200000001',
      no_ktp: '3171000000000001',
      alamat: 'Jl. Mawar 1',
      id_brand: 'JAKINET',
      status: 'Aktif',
      segmen: 'setia',
      search_tokens: expect.arrayContaining(['pelanggan', '1', '081200000001']),
      alamat_tokens: expect.arrayContaining(['mawar']),
    });
  });

  it('moves a customer through the segments with its invoices, once per event', async () => {
    await apply(customer(1), invoiceCreated(1, 1, '2026-01'));
    const overdue = ev('InvoiceMarkedOverdue', 'invoice-1', { ...ref(1, 1), dueDate: '2026-01-20', reason: 'due_date_passed', markedAt: 'x' });
    const paidLate = ev('InvoicePaid', 'invoice-1', { ...ref(1, 1), paymentId: 1, paidAmount: 300_000, paidAt: '2026-01-25T00:00:00.000Z', previousStatus: 'overdue', late: true });
    await apply(overdue);
    expect(await pelanggan(1)).toMatchObject({ segmen: 'menunggak', overdue_invoices: 1 });
    await apply(overdue); // redelivered: nothing changes
    expect((await pelanggan(1))!.overdue_invoices).toBe(1);
    await apply(paidLate, paidLate);
    expect(await pelanggan(1)).toMatchObject({ segmen: 'lunas-telat', overdue_invoices: 0, late_payments: 1 });
  });

  it('keeps the revenue counters with each invoice’s status and payments', async () => {
    await apply(customer(1), invoiceCreated(1, 1, '2026-01'), ev('InvoiceIssued', 'invoice-1', { ...ref(1, 1), issuedAt: 'x' }));
    await apply(
      ev('InvoicePaymentRecorded', 'invoice-1', { ...ref(1, 1), paymentId: 1, amount: 100_000, currency: 'IDR', method: 'manual', gateway: null, gatewayReference: null, paidAt: 'x', balance: 200_000, recordedAt: 'x' }),
    );
    const counters = async () =>
      (await store.collection<RevenueDailyDoc>(BILLING_REVENUE_DAILY).find({}, { sort: { _id: 1 } })).filter((c) => c.count !== 0).map((c) => [c.status, c.count, c.total, c.paid]);
    expect(await counters()).toEqual([['issued', 1, 300_000, 100_000]]);
    await apply(ev('InvoicePaid', 'invoice-1', { ...ref(1, 1), paymentId: 2, paidAmount: 300_000, paidAt: 'x', previousStatus: 'issued', late: false }));
    expect(await counters()).toEqual([['paid', 1, 300_000, 300_000]]);
    expect(await store.collection<InvoiceDoc>(BILLING_INVOICES).findOne({ _id: '1' })).toMatchObject({ status: 'paid', paid_amount: 300_000 });
  });

  it('a closed customer leaves the pelanggan and technical data, a tombstone without personal fields stays', async () => {
    await apply(
      customer(1),
      ev('TechnicalDataRecorded', 'technical_data-1', { technicalDataId: 1, customerId: 'c1', pelangganId: 1, mikrotikServerId: 1, ip: '10.0.0.1', vlan: 10, pppoeUsername: 'u', pppoePasswordSealed: null, ontSerial: null, odpPort: null, oltPort: null, recordedAt: 'x' }),
      ev('CustomerClosed', 'customer-c1', { customerId: 'c1', number: 1, userId: null, reason: null, closedAt: '2026-02-01T00:00:00.000Z' }, undefined, 1),
    );
    expect(await pelanggan(1)).toBeNull();
    expect(await store.collection(BILLING_DATA_TEKNIS).findOne({ _id: 'c1' })).toBeNull();
    const tombstone = await store.collection(BILLING_PELANGGAN_CLOSED).findOne({ id: 1 });
    expect(tombstone).toEqual({ _id: 'c1', _pos: expect.any(Number), id: 1, code: 'CUST-000001', closed_at: '2026-02-01T00:00:00.000Z' });
  });

  describe('the lists run on their indexes on the SQLite read store, the embedded default (a page costs its page, not its matches)', () => {
    let sqlite: TempSqliteReadStore;
    beforeAll(async () => {
      sqlite = openTempSqliteReadStore();
      const events: ProjectedEvent[] = [];
      for (let n = 1; n <= 600; n++) events.push(customer(n, n === 77 ? { fullName: 'Zulkifli Rahman' } : {}));
      for (let i = 1; i <= 600; i++) events.push(invoiceCreated(i, i, i % 3 ? '2026-01' : '2026-02'));
      await project(sqlite.store, projectors, events);
    });
    afterAll(() => sqlite.dispose());
    /** A page read in index order: SQLite stops after it (LIMIT) without sorting the matches. */
    const page = { skip: 0, limit: 15 };

    it('pelanggan: unfiltered and by brand walk the sort index and stop after the page', () => {
      const col = sqlite.store.collection<PelangganDoc>(BILLING_PELANGGAN);
      for (const [q, index] of [
        [{}, 'id_-1'],
        [{ idBrand: 'arta' }, 'id_brand_1_id_-1'],
      ] as const) {
        expect([q, summarizePlan(col.explain(pelangganFilter(q), { sort: PELANGGAN_SORT, ...page }))]).toEqual([q, inIndexOrder(index)]);
      }
    });

    it("the customer report's counts of a segment with a status or a brand are counted in an index alone", () => {
      const col = sqlite.store.collection<PelangganDoc>(BILLING_PELANGGAN);
      for (const filter of [
        { segmen: 'setia', status: 'Aktif' },
        { segmen: 'setia', id_brand: 'ARTA' },
        { segmen: 'setia', status: 'Aktif', id_brand: 'ARTA' },
      ]) {
        const count = col.explainCount(filter);
        expect([filter, count.plan]).toEqual([filter, [expect.stringMatching(/USING COVERING INDEX d\d+:segmen_1_status_1_id_brand_1 /)]]);
        expect(summarizePlan(count)).toMatchObject({ exact: true, fullScans: [] });
      }
    });

    it('pelanggan: search and alamat read the token indexes, not the table, and find the right ones', async () => {
      const col = sqlite.store.collection<PelangganDoc>(BILLING_PELANGGAN);
      // A narrow token search drives from the token index and sorts its few matches. An address
      // word (all 600 pelanggan live on Mawar) reads its page from the element index of
      // alamat_tokens in id order. With a brand, the brand's index is walked with the narrow
      // token as a set, and the broad "mawar" checked row by row instead of reading its 600
      // elements.
      for (const [q, sideTableSearches, sideTableChecks, elementSearches, tempSort] of [
        [{ search: 'zulk' }, 1, 0, 0, true],
        [{ search: 'rahman zulk' }, 2, 0, 0, true],
        [{ alamat: 'mawar' }, 0, 0, 1, false],
        [{ idBrand: 'ARTA', alamat: 'mawar 77' }, 1, 1, 0, false],
      ] as const) {
        expect([q, summarizePlan(col.explain(pelangganFilter(q), { sort: PELANGGAN_SORT, ...page }))]).toEqual([
          q,
          expect.objectContaining({ exact: true, sideTableSearches, sideTableChecks, elementSearches, fullScans: [], tempSort }),
        ]);
      }
      expect((await col.find(pelangganFilter({ search: 'rahman zulk' }), { sort: PELANGGAN_SORT })).map((d) => d.id)).toEqual([77]);
      expect(await col.countDocuments(pelangganFilter({ alamat: 'MAWAR 77' }))).toBe(1);
      expect(await col.countDocuments(pelangganFilter({ alamat: 'mawar' }))).toBe(600);
    });

    it('invoices: by periode, status, pelanggan and combinations walk a matching index', () => {
      const col = sqlite.store.collection<InvoiceDoc>(BILLING_INVOICES);
      for (const [q, index] of [
        [{}, 'id_-1'],
        [{ periode: '2026-01' }, 'periode_1_id_-1'],
        [{ status: 'draft' as const }, 'status_1_id_-1'],
        [{ periode: '2026-02', status: 'draft' as const }, 'periode_1_status_1_id_-1'],
        [{ pelangganId: 5 }, 'pelanggan_id_1_id_-1'],
      ] as const) {
        expect([q, summarizePlan(col.explain(invoiceFilter(q), { sort: INVOICE_SORT, ...page }))]).toEqual([q, inIndexOrder(index)]);
      }
    });
  });
});
