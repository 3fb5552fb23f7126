import type { Doc } from '../../../ports/read-store';
import { createMemoryReadStore, type MemoryCollection } from './memory-read-store';
import { analyzeFilter } from './planner';
import { compareValues, TypeEdge } from '../document/values';

interface Ticket extends Doc {
  status: string;
  priority: string;
  customer_id: string;
  skills: string[];
  location: { city: string };
  created_at: Date;
}

const N = 100_000;
const STATUSES = ['open', 'assigned', 'in_progress', 'resolved'];
const PRIORITIES = ['low', 'normal', 'high'];
const SKILLS = ['fiber', 'wireless', 'router', 'olt', 'cpe'];
const CITIES = ['Bandung', 'Jakarta', 'Medan', 'Surabaya', 'Bogor'];
const BASE = Date.UTC(2024, 0, 1);

function ticket(i: number): Ticket {
  return {
    _id: `t${String(i).padStart(6, '0')}`,
    status: STATUSES[i % 4],
    priority: PRIORITIES[(i * 7) % 3],
    customer_id: `c${i % 2000}`,
    skills: i % 10 === 0 ? [] : [SKILLS[i % 5], SKILLS[(i * 3 + 1) % 5]],
    location: { city: CITIES[(i * 11) % 5] },
    // Scrambled creation times, so index order differs from insertion order.
    created_at: new Date(BASE + ((i * 7919) % N) * 60_000),
  };
}

/** Reference answers computed by brute force over the source documents. */
function reference(docs: Ticket[], pred: (t: Ticket) => boolean, sortDir: 1 | -1, skip: number, limit: number): string[] {
  return docs
    .filter(pred)
    .sort((a, b) => sortDir * (a.created_at.getTime() - b.created_at.getTime()) || (a._id < b._id ? -1 : 1))
    .slice(skip, skip + limit)
    .map((t) => t._id);
}

describe('query planner on 100,000 documents', () => {
  const docs = Array.from({ length: N }, (_, i) => ticket(i));
  const store = createMemoryReadStore();
  let tickets: MemoryCollection<Ticket>;

  beforeAll(async () => {
    tickets = store.collection<Ticket>('tickets');
    // Half the documents before the indexes exist (bulk build), half after (incremental).
    await tickets.insertMany(docs.slice(0, N / 2));
    await tickets.createIndexes([
      { keys: { status: 1, created_at: -1 } },
      { keys: { customer_id: 1 } },
      { keys: { skills: 1 } },
      { keys: { 'location.city': 1, priority: 1 } },
    ]);
    await tickets.insertMany(docs.slice(N / 2));
  });

  afterAll(() => store.close());

  it('serves a filtered, sorted, paginated find from the index, examining about skip + limit', async () => {
    const options = { sort: { created_at: -1 as const }, skip: 100, limit: 20 };
    const plan = tickets.explain({ status: 'open' }, options);
    expect(plan).toEqual(expect.objectContaining({ index: 'status_1_created_at_-1', sortedByIndex: true, examined: 120, returned: 20 }));
    const got = (await tickets.find({ status: 'open' }, options)).map((t) => t._id);
    expect(got).toEqual(reference(docs, (t) => t.status === 'open', -1, 100, 20));
  });

  it('walks the index backwards for the opposite sort direction', async () => {
    const options = { sort: { created_at: 1 as const }, skip: 40, limit: 10 };
    const plan = tickets.explain({ status: 'resolved' }, options);
    expect(plan).toEqual(expect.objectContaining({ index: 'status_1_created_at_-1', sortedByIndex: true, examined: 50 }));
    const got = (await tickets.find({ status: 'resolved' }, options)).map((t) => t._id);
    expect(got).toEqual(reference(docs, (t) => t.status === 'resolved', 1, 40, 10));
  });

  it('merges the ranges of an $in on the index prefix to keep the sort order', async () => {
    const options = { sort: { created_at: -1 as const }, skip: 30, limit: 20 };
    const filter = { status: { $in: ['open', 'assigned'] } };
    const plan = tickets.explain(filter, options);
    expect(plan).toEqual(expect.objectContaining({ index: 'status_1_created_at_-1', sortedByIndex: true, examined: 50 }));
    const got = (await tickets.find(filter, options)).map((t) => t._id);
    expect(got).toEqual(reference(docs, (t) => t.status === 'open' || t.status === 'assigned', -1, 30, 20));
  });

  it('uses a range on the second index field and checks the rest of the filter per candidate', async () => {
    const from = new Date(BASE + 10_000 * 60_000);
    const to = new Date(BASE + 12_000 * 60_000);
    const filter = { status: 'assigned', created_at: { $gte: from, $lt: to }, priority: 'high' };
    const inRange = docs.filter((t) => t.status === 'assigned' && t.created_at >= from && t.created_at < to);
    const plan = tickets.explain(filter, { sort: { created_at: -1 } });
    expect(plan.index).toBe('status_1_created_at_-1');
    expect(plan.examined).toBe(inRange.length);
    expect(plan.returned).toBe(inRange.filter((t) => t.priority === 'high').length);
  });

  it('counts an exactly indexed filter from the index bounds alone', async () => {
    const plan = tickets.explainCount({ status: 'open' });
    expect(plan).toEqual(expect.objectContaining({ index: 'status_1_created_at_-1', covered: true, examined: 0, returned: N / 4 }));
    expect(await tickets.countDocuments({ status: 'open' })).toBe(N / 4);
    const city = tickets.explainCount({ 'location.city': 'Medan', priority: 'high' });
    expect(city.covered).toBe(true);
    expect(city.returned).toBe(docs.filter((t) => t.location.city === 'Medan' && t.priority === 'high').length);
  });

  it('counts with a residual filter by examining only the index range', async () => {
    const plan = tickets.explainCount({ status: 'open', priority: 'high' });
    expect(plan.index).toBe('status_1_created_at_-1');
    expect(plan.examined).toBe(N / 4);
    expect(plan.returned).toBe(docs.filter((t) => t.status === 'open' && t.priority === 'high').length);
  });

  it('prefers a selective index over one that only serves the sort', async () => {
    const filter = { status: 'open', customer_id: 'c40' };
    const plan = tickets.explain(filter, { sort: { created_at: -1 }, limit: 20 });
    expect(plan.index).toBe('customer_id_1');
    expect(plan.examined).toBe(N / 2000);
    const got = (await tickets.find(filter, { sort: { created_at: -1 }, limit: 20 })).map((t) => t._id);
    expect(got).toEqual(reference(docs, (t) => t.status === 'open' && t.customer_id === 'c40', -1, 0, 20));
  });

  it('uses a multikey index for array elements and returns each document once', async () => {
    const plan = tickets.explain({ skills: { $in: ['fiber', 'olt'] } }, {});
    expect(plan.index).toBe('skills_1');
    const expected = docs.filter((t) => t.skills.includes('fiber') || t.skills.includes('olt')).length;
    expect(plan.returned).toBe(expected);
    const found = await tickets.find({ skills: { $in: ['fiber', 'olt'] } });
    expect(new Set(found.map((t) => t._id)).size).toBe(expected);
    const count = tickets.explainCount({ skills: 'fiber' });
    expect(count.covered).toBe(false);
    expect(count.returned).toBe(docs.filter((t) => t.skills.includes('fiber')).length);
    expect(await tickets.countDocuments({ skills: { $size: 0 } })).toBe(N / 10);
  });

  it('looks up _id directly and scans only when no index helps', async () => {
    expect(tickets.explain({ _id: 't000042' })).toEqual(expect.objectContaining({ plan: 'ids', examined: 1, returned: 1 }));
    expect(tickets.explain({ _id: { $in: ['t000001', 't000002', 'nope'] } })).toEqual(expect.objectContaining({ plan: 'ids', examined: 2 }));
    expect(tickets.explain({ priority: 'low' }, { limit: 5 })).toEqual(expect.objectContaining({ plan: 'scan', index: null }));
    const full = tickets.explainCount({ priority: 'low' });
    expect(full).toEqual(expect.objectContaining({ plan: 'scan', examined: N }));
  });

  it('keeps indexes right as updates move documents and deletes remove them', async () => {
    const c = store.collection<Ticket>('moving');
    await c.createIndexes([{ keys: { status: 1, created_at: -1 } }, { keys: { skills: 1 } }]);
    const local = docs.slice(0, 2000).map((d) => ({ ...d, skills: [...d.skills] }));
    await c.insertMany(local);
    await c.updateMany({ status: 'open', priority: 'high' }, { $set: { status: 'resolved' }, $addToSet: { skills: 'escalated' } });
    await c.deleteMany({ customer_id: { $in: ['c1', 'c2', 'c3'] } });
    for (const t of local) {
      if (t.status === 'open' && t.priority === 'high') {
        t.status = 'resolved';
        if (!t.skills.includes('escalated')) t.skills.push('escalated');
      }
    }
    const remaining = local.filter((t) => !['c1', 'c2', 'c3'].includes(t.customer_id));
    for (const status of STATUSES) {
      const got = (await c.find({ status }, { sort: { created_at: -1 }, limit: 1000 })).map((t) => t._id);
      expect(got).toEqual(reference(remaining, (t) => t.status === status, -1, 0, 1000));
      expect(c.explainCount({ status }).returned).toBe(remaining.filter((t) => t.status === status).length);
    }
    expect(await c.countDocuments({ skills: 'escalated' })).toBe(remaining.filter((t) => t.skills.includes('escalated')).length);
  });
});

describe('filter analysis', () => {
  it('extracts points and type-bracketed intervals, and knows when the filter is exactly that', () => {
    const a = analyzeFilter({ status: 'open', n: { $gt: 5, $lte: 9 }, $and: [{ tags: { $in: ['x', 'y'] } }] });
    expect(a.exact).toBe(true);
    expect(a.fields.get('status')).toEqual({ points: ['open'], interval: null });
    expect(a.fields.get('tags')).toEqual({ points: ['x', 'y'], interval: null });
    expect(a.fields.get('n')).toEqual({ points: null, interval: { lo: 5, loIncl: false, hi: 9, hiIncl: true } });
    const open = analyzeFilter({ when: { $gte: new Date(0) } }).fields.get('when');
    expect(open?.interval?.hi).toBeInstanceOf(TypeEdge);
    // The upper end sorts above every Date and below every RegExp-ranked value.
    expect(compareValues(new Date(8.64e15), open?.interval?.hi)).toBe(-1);
  });

  it('marks residual conditions as inexact', () => {
    expect(analyzeFilter({ a: 1, b: { $ne: 2 } }).exact).toBe(false);
    expect(analyzeFilter({ $or: [{ a: 1 }] }).exact).toBe(false);
    expect(analyzeFilter({ a: /x/ }).exact).toBe(false);
    expect(analyzeFilter({ a: [1, 2] }).exact).toBe(false);
    expect(analyzeFilter({ $and: [{ a: 1 }, { a: { $gt: 0 } }] }).exact).toBe(false);
  });
});
