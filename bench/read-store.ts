/**
 * Micro-benchmark of the in-memory read store (not a test). Build, then run:
 *   npm run build && node dist/bench/read-store.js [docs=100000]
 * Prints per-operation times and rates for the operations the product's budgets lean on.
 */
import { createMemoryReadStore } from '../src/adapters/read-store/memory/memory-read-store';
import { cloneValue } from '../src/adapters/read-store/document/clone';
import type { Doc } from '../src/ports/read-store';

interface Ticket extends Doc {
  number: string;
  status: string;
  priority: string;
  customer_id: string;
  technician_id: string | null;
  skills: string[];
  title: string;
  description: string;
  location: { city: string; area: string; lat: number; lng: number };
  created_at: Date;
  updated_at: Date;
  sla: { due_at: Date; breached: boolean };
  history_count: number;
}

const STATUSES = ['new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'critical'];
const SKILLS = ['fiber', 'wireless', 'router', 'splicing', 'olt', 'cpe'];
const CITIES = ['Bandung', 'Jakarta', 'Surabaya', 'Medan', 'Makassar'];

function ticket(i: number): Ticket {
  const created = new Date(Date.UTC(2024, 0, 1) + i * 60_000);
  return {
    _id: `t${i}`,
    number: `TKT-${String(i).padStart(7, '0')}`,
    status: STATUSES[(i * 7) % STATUSES.length],
    priority: PRIORITIES[(i * 13) % PRIORITIES.length],
    customer_id: `c${i % 5000}`,
    technician_id: i % 3 === 0 ? null : `u${i % 200}`,
    skills: [SKILLS[i % SKILLS.length], SKILLS[(i * 5 + 1) % SKILLS.length]],
    title: `No signal at site ${i}`,
    description: 'Customer reports intermittent loss of signal since the storm; ONU LOS light blinking red.',
    location: { city: CITIES[i % CITIES.length], area: `area-${i % 97}`, lat: -6.9 + (i % 100) / 1000, lng: 107.6 + (i % 50) / 1000 },
    created_at: created,
    updated_at: created,
    sla: { due_at: new Date(created.getTime() + 86_400_000), breached: false },
    history_count: i % 11,
  };
}

function fmt(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

async function measure(label: string, iterations: number, fn: (i: number) => Promise<unknown> | unknown): Promise<void> {
  // Warm up, then time.
  for (let i = 0; i < Math.min(200, iterations); i++) await fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  process.stdout.write(`${label.padEnd(72)} ${fmt(ns).padStart(10)}/op  ${Math.round(1e9 / ns).toLocaleString('en-US').padStart(12)} ops/s\n`);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  const store = createMemoryReadStore();
  const tickets = store.collection<Ticket>('tickets');
  await tickets.createIndexes([
    { keys: { status: 1, created_at: -1 } },
    { keys: { customer_id: 1, created_at: -1 } },
    { keys: { technician_id: 1, status: 1 } },
    { keys: { skills: 1 } },
    { keys: { number: 1 }, unique: true },
  ]);
  process.stdout.write(`in-memory read store, ${n.toLocaleString('en-US')} tickets, 5 secondary indexes (+ _id)\n\n`);

  const docs = Array.from({ length: n }, (_, i) => ticket(i));
  const loadStart = process.hrtime.bigint();
  for (const d of docs) await tickets.insertOne(d);
  const loadNs = Number(process.hrtime.bigint() - loadStart);
  process.stdout.write(`${'load: insertOne x n (index maintenance included)'.padEnd(72)} ${fmt(loadNs / n).padStart(10)}/op  ${Math.round((n * 1e9) / loadNs).toLocaleString('en-US').padStart(12)} ops/s\n`);
  const mem = process.memoryUsage();
  process.stdout.write(`${'memory after load (heapUsed / rss)'.padEnd(72)} ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB / ${(mem.rss / 2 ** 20).toFixed(0)} MB\n\n`);

  const sample = docs[123];
  await measure('clone a ticket: cloneValue', 100_000, () => cloneValue(sample));
  await measure('clone a ticket: structuredClone', 100_000, () => structuredClone(sample));

  let extra = n;
  await measure('insertOne (new ticket)', 20_000, () => tickets.insertOne(ticket(extra++)));
  await measure('updateOne({_id}, {$set: {updated_at}})  (no indexed field changes)', 50_000, (i) =>
    tickets.updateOne({ _id: `t${(i * 7919) % n}` }, { $set: { updated_at: new Date(1_700_000_000_000 + i) } }),
  );
  await measure('updateOne({_id}, {$set: {status}, $inc})  (moves the doc in 2 indexes)', 50_000, (i) =>
    tickets.updateOne({ _id: `t${(i * 7919) % n}` }, { $set: { status: STATUSES[i % STATUSES.length] }, $inc: { history_count: 1 } }),
  );
  await measure('updateOne upsert on a new _id', 20_000, (i) => tickets.updateOne({ _id: `up${i}` }, { $set: { status: 'new', number: `UP-${i}` } }, { upsert: true }));
  await measure('findOne({_id})', 100_000, (i) => tickets.findOne({ _id: `t${(i * 7919) % n}` }));
  await measure("find({status:'resolved'}, sort created_at -1, limit 20)", 20_000, () =>
    tickets.find({ status: 'resolved' }, { sort: { created_at: -1 }, limit: 20 }),
  );
  await measure("find({status:'resolved'}, sort created_at -1, skip 200, limit 20)", 20_000, () =>
    tickets.find({ status: 'resolved' }, { sort: { created_at: -1 }, skip: 200, limit: 20 }),
  );
  await measure("find({status:'resolved'}, sort created_at +1 (backward walk), limit 20)", 20_000, () =>
    tickets.find({ status: 'resolved' }, { sort: { created_at: 1 }, limit: 20 }),
  );
  await measure("find({status:{$in:[new,assigned,in_progress]}}, sort created_at -1, limit 20) (merge)", 20_000, () =>
    tickets.find({ status: { $in: ['new', 'assigned', 'in_progress'] } }, { sort: { created_at: -1 }, limit: 20 }),
  );
  await measure("find({status, priority:'high'}, sort created_at -1, limit 20) (residual filter)", 20_000, () =>
    tickets.find({ status: 'resolved', priority: 'high' }, { sort: { created_at: -1 }, limit: 20 }),
  );
  await measure("find({customer_id}, sort created_at -1, limit 20)", 20_000, (i) =>
    tickets.find({ customer_id: `c${i % 5000}` }, { sort: { created_at: -1 }, limit: 20 }),
  );
  await measure("find({skills:'splicing', 'location.city':'Medan'}, limit 20) (multikey)", 5_000, () =>
    tickets.find({ skills: 'splicing', 'location.city': 'Medan' }, { limit: 20 }),
  );
  await measure("countDocuments({status:'resolved'}) (from index bounds)", 20_000, () => tickets.countDocuments({ status: 'resolved' }));
  await measure("countDocuments({status:'resolved', priority:'high'}) (index range + residual)", 200, () =>
    tickets.countDocuments({ status: 'resolved', priority: 'high' }),
  );
  await measure("countDocuments({priority:'high'}) (full scan, no index)", 50, () => tickets.countDocuments({ priority: 'high' }));
  await measure("find({priority:'high'}, sort created_at -1, limit 20) (no usable index: scan + top-k)", 50, () =>
    tickets.find({ priority: 'high' }, { sort: { created_at: -1 }, limit: 20 }),
  );
  await measure('aggregate [$match status, $group by priority with $sum]', 50, () =>
    tickets.aggregate([{ $match: { status: 'resolved' } }, { $group: { _id: '$priority', n: { $sum: 1 } } }]),
  );
  await replayShaped(n);
  const explain = tickets.explain({ status: 'resolved' }, { sort: { created_at: -1 }, skip: 200, limit: 20 });
  process.stdout.write(`\nexplain(find status=resolved, sort created_at -1, skip 200, limit 20): ${JSON.stringify(explain)}\n`);
  process.stdout.write(`explainCount(status=resolved, priority=high): ${JSON.stringify(tickets.explainCount({ status: 'resolved', priority: 'high' }))}\n`);
  await store.close();
}

/**
 * The operations a projection rebuild leans on, in the shapes projectors send them: the
 * idempotency guard of applyOnce (src/projections/engine/projector.ts), insertOnce, _id reads,
 * and the bulk index build at the end of the catch-up. Collections hold only _id while
 * replaying (secondary indexes are created once caught up).
 */
async function replayShaped(docs: number): Promise<void> {
  let n = docs;
  process.stdout.write(`\nreplay-shaped operations (a collection without secondary indexes, ${n.toLocaleString('en-US')} documents)\n\n`);
  const store = createMemoryReadStore();
  const facts = store.collection('facts');
  const guard = (id: string, position: number): Record<string, unknown> => ({
    _id: id,
    $or: [{ _pos: { $lt: position } }, { _pos: { $exists: false } }],
  });
  let pos = 0;
  let next = 0;
  await measure('insertOne (notification-like doc, _id only)', n, () => {
    const i = next++;
    return facts.insertOne({
      _id: `n${i}`,
      id: `n${i}`,
      user_id: `u${i % 1000}`,
      type: 'ticket_status',
      title: 'Ticket status changed',
      message: `Ticket TKT-${i} is now in progress`,
      data: { ticket_id: `t${i % 20000}`, ticket_number: `TKT-${i}`, old_status: 'assigned', new_status: 'in_progress', notes: null },
      is_read: false,
      read_at: null,
      created_at: '2026-07-01T10:00:00.000Z',
      _pos: ++pos,
    });
  });
  n = next;
  await measure('findOne({_id})', 200_000, (i) => facts.findOne({ _id: `n${(i * 7919) % n}` }));
  await measure('find({_id: {$in: [3 ids]}})', 100_000, (i) => facts.find({ _id: { $in: [`n${i % n}`, `n${(i * 7) % n}`, `n${(i * 13) % n}`] } }));
  await measure('updateOne(guard, {$set: {status, _pos}})', 200_000, (i) =>
    facts.updateOne(guard(`n${(i * 7919) % n}`, ++pos), { $set: { new_status: 'resolved', _pos: pos } }),
  );
  await measure('updateOne(guard, {$set: 5 fields + _pos, $inc: 2})', 200_000, (i) =>
    facts.updateOne(guard(`n${(i * 7919) % n}`, ++pos), {
      $set: { technician_id: `u${i % 100}`, status: 'assigned', assigned: true, changed_at: '2026-07-01T10:00:00.000Z', month: '2026-07', _pos: pos },
      $inc: { total: 1, 'counts.assigned': 1 },
    }),
  );
  await measure('updateOne(guard, ..., {upsert}) creating a document', 100_000, () => {
    const i = next++;
    return facts.updateOne(guard(`new${i}`, ++pos), { $set: { ticket_id: `t${i}`, status: 'new', _pos: pos } }, { upsert: true });
  });
  await measure('updateOne(guard) already applied (no match)', 200_000, (i) =>
    facts.updateOne(guard(`n${(i * 7919) % n}`, 1), { $set: { status: 'x', _pos: 1 } }),
  );
  const specs = [
    { keys: { user_id: 1, created_at: -1 } },
    { keys: { user_id: 1, is_read: 1, created_at: -1 } },
    { keys: { 'data.ticket_id': 1 } },
    { keys: { type: 1, created_at: -1 } },
  ] as const;
  const t0 = process.hrtime.bigint();
  await facts.createIndexes(specs.map((s) => ({ keys: { ...s.keys } as Record<string, 1 | -1> })));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const total = await facts.countDocuments();
  process.stdout.write(`${`createIndexes: 4 compound indexes over ${total.toLocaleString('en-US')} documents (bulk build)`.padEnd(72)} ${`${ms.toFixed(0)} ms`.padStart(10)}\n`);
  await store.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
