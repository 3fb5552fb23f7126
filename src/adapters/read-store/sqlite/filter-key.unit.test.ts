import { filterKey } from './filter-key';

/** The key of a cached count or kept page: equal filters give equal keys, different ones differ. */
describe('filterKey', () => {
  const make = () => [
    undefined,
    { status: 'new' },
    { status: 'New' },
    { status: 'new', priority: 'high' },
    { status: { $in: ['new', 'assigned'] } },
    { status: { $in: ['new'] } },
    { status: null },
    { status: undefined },
    { n: 1 },
    { n: '1' },
    { n: true },
    { created_at: { $gte: new Date('2026-01-01T00:00:00Z') } },
    { created_at: { $gte: new Date('2026-01-02T00:00:00Z') } },
    { created_at: { $gte: '2026-01-01T00:00:00.000Z' } },
    { name: /ab/i },
    { name: /ab/ },
    { name: /a"b/ },
    { $or: [{ a: 1 }, { b: [1, 2] }] },
    { $or: [{ a: 1 }, { b: [2, 1] }] },
    { 'a.b': { $exists: false } },
  ];
  const filters = make();

  it('gives equal keys for equal filters made apart', () => {
    const again = make();
    filters.forEach((f, i) => expect(filterKey(again[i] as never)).toBe(filterKey(f as never)));
  });

  it('gives a different key to each different filter', () => {
    const keys = filters.map((f) => filterKey(f as never));
    expect(new Set(keys).size).toBe(filters.length);
  });

  it('writes plain values as their JSON', () => {
    expect(filterKey({ status: 'new', n: 2, ok: false, none: null, list: ['a', 1] })).toBe(
      JSON.stringify({ status: 'new', n: 2, ok: false, none: null, list: ['a', 1] }),
    );
  });
});
