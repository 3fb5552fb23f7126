import { Query } from 'mingo';
import { compileFilter, UnsupportedOperatorError } from './filter';
import type { PlainObject } from './values';

/** A deterministic corpus with the awkward cases: missing, null, arrays, nested arrays of
 * documents, mixed types, Dates. */
function corpus(): PlainObject[] {
  const docs: PlainObject[] = [];
  const statuses = ['open', 'closed', 'pending'];
  for (let i = 0; i < 120; i++) {
    const d: PlainObject = { _id: `d${i}` };
    if (i % 7 !== 0) d.status = statuses[i % 3];
    if (i % 11 === 0) d.status = null;
    d.n = i % 13 === 0 ? String(i) : (i * 37) % 50;
    if (i % 4 === 0) d.tags = [];
    else if (i % 4 !== 3) d.tags = ['t' + (i % 5), 't' + (i % 3)];
    if (i % 6 !== 0) d.items = Array.from({ length: i % 4 }, (_, j) => ({ sku: `s${(i + j) % 6}`, qty: (i * j) % 9 }));
    if (i % 5 !== 0) d.address = { city: i % 2 ? 'Bandung' : 'Jakarta', zip: i % 3 ? `${40000 + i}` : undefined };
    if (i % 3 === 0) d.when = new Date(Date.UTC(2024, 0, 1 + (i % 60)));
    if (i % 9 === 0) d.flag = i % 2 === 0;
    docs.push(JSON.parse(JSON.stringify(d), (k, v: unknown) => (k === 'when' && typeof v === 'string' ? new Date(v) : v)) as PlainObject);
  }
  return docs;
}

const FILTERS: PlainObject[] = [
  { status: 'open' },
  { status: null },
  { status: { $ne: 'open' } },
  { status: { $in: ['open', null] } },
  { status: { $nin: ['open', 'closed'] } },
  { status: { $exists: false } },
  { n: { $gt: 20 } },
  { n: { $gte: 10, $lt: 30 } },
  { n: { $lte: '5' } },
  { n: { $not: { $gt: 20 } } },
  { tags: 't1' },
  { tags: { $all: ['t1', 't2'] } },
  { tags: { $size: 0 } },
  { tags: { $size: 2 } },
  { tags: ['t1', 't1'] },
  { tags: { $in: ['t4', 't0'] } },
  { tags: { $nin: ['t4'] } },
  { tags: { $regex: '^t[12]' } },
  { tags: { $elemMatch: { $gte: 't3' } } },
  { 'items.sku': 's2' },
  { 'items.qty': { $gt: 5 } },
  { items: { $elemMatch: { sku: 's1', qty: { $gte: 2 } } } },
  { 'items.0.sku': 's3' },
  { items: { $size: 2 } },
  { 'address.city': 'Bandung' },
  { 'address.zip': { $exists: true } },
  { 'address.zip': null },
  { 'address.zip': { $regex: '1$' } },
  { when: { $gte: new Date(Date.UTC(2024, 0, 20)) } },
  { when: new Date(Date.UTC(2024, 0, 4)) },
  { flag: true },
  { flag: { $ne: true } },
  { $or: [{ status: 'open' }, { 'items.qty': 0 }] },
  { $and: [{ tags: 't1' }, { n: { $lt: 25 } }] },
  { $nor: [{ status: 'open' }, { tags: { $size: 0 } }] },
  { status: { $not: /^o/ } },
  { status: /^p/ },
  { status: { $regex: 'OPEN', $options: 'i' } },
  { 'address.city': { $in: [/^band/i, 'Jakarta'] } },
];

describe('compiled filter', () => {
  const docs = corpus();

  it.each(FILTERS.map((f) => [JSON.stringify(f), f]))('agrees with mingo on %s', (_label, filter) => {
    const pred = compileFilter(filter as PlainObject);
    const mine = docs.filter((d) => pred(d)).map((d) => d._id);
    const query = new Query(filter as PlainObject);
    const theirs = docs.filter((d) => query.test(d)).map((d) => d._id);
    expect(mine).toEqual(theirs);
  });

  it('compiles an empty or missing filter to match everything', () => {
    expect(compileFilter({})({ a: 1 })).toBe(true);
    expect(compileFilter(undefined)({ a: 1 })).toBe(true);
  });

  it('treats null as matching missing, null and arrays holding null, but not []', () => {
    const p = compileFilter({ a: null });
    expect([{}, { a: null }, { a: [1, null] }, { a: [] }, { a: 0 }].map((d) => p(d))).toEqual([true, true, true, false, false]);
  });

  it('compares Dates by time and never across types', () => {
    const t = new Date('2024-01-01T00:00:00Z');
    expect(compileFilter({ d: new Date(t.getTime()) })({ d: t })).toBe(true);
    expect(compileFilter({ d: { $gt: new Date(0) } })({ d: t.getTime() })).toBe(false);
    expect(compileFilter({ d: { $gt: 0 } })({ d: t })).toBe(false);
    expect(compileFilter({ d: { $gt: '2023' } })({ d: t })).toBe(false);
  });

  it('matches a whole array or an element for equality, and one level only', () => {
    expect(compileFilter({ a: [1, 2] })({ a: [1, 2] })).toBe(true);
    expect(compileFilter({ a: [1, 2] })({ a: [[1, 2], 3] })).toBe(true);
    expect(compileFilter({ a: 1 })({ a: [[1], 2] })).toBe(false);
    expect(compileFilter({ a: { b: 1 } })({ a: { b: 1, c: 2 } })).toBe(false);
  });

  it('rejects operators it does not implement instead of guessing', () => {
    expect(() => compileFilter({ a: { $type: 'string' } })).toThrow(UnsupportedOperatorError);
    expect(() => compileFilter({ $where: 'true' })).toThrow(UnsupportedOperatorError);
    expect(() => compileFilter({ $or: [] })).toThrow(TypeError);
  });
});
