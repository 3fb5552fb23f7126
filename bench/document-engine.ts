/**
 * `node dist/bench/document-engine.js`: the cost of matching the projectors' idempotency guard and
 * of applying a five-field `$set`, with mingo and with the read stores' own document engine
 * (src/adapters/read-store/document). Why the write path of the SQLite read store does not use
 * mingo for matching and updates (src/adapters/read-store/sqlite/README.md). Prints figures.
 */
import { Query } from 'mingo';
import { update as mingoUpdate } from 'mingo/updater';
import { compileFilter } from '../src/adapters/read-store/document/filter';
import { isSimpleFilter, matchesSimple } from '../src/adapters/read-store/document/pinned';
import { compileUpdate } from '../src/adapters/read-store/document/update';

const N = Number(process.env.N ?? 200_000);
const doc = {
  _id: 'abc',
  id: 'abc',
  number: 5,
  status: 'new',
  priority: 'high',
  customer_id: 'c1',
  title: 'x'.repeat(50),
  description: 'y'.repeat(300),
  location: { lat: 1, lng: 2 },
  comments: [],
  attachments: [],
  created_at: '2026-01-01T00:00:00.000Z',
  _pos: 10,
};
const guard = (i: number) => ({ _id: 'abc', $or: [{ _pos: { $lt: 11 + i } }, { _pos: { $exists: false } }] });
const set = (i: number) => ({ $set: { status: 'assigned', technician_id: 't1', updated_at: 'now', revision: i }, $max: { _pos: i } });

function time(label: string, fn: (i: number) => void): void {
  for (let i = 0; i < 1000; i++) fn(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t) / N / 1000;
  process.stdout.write(`| ${label} | ${us.toFixed(2)} |\n`);
}

process.stdout.write(`# document engine vs mingo, ${N} operations each, node ${process.version}\n| operation | µs/op |\n| --- | ---: |\n`);
time('mingo: compile and test the idempotency guard', (i) => void new Query(guard(i), {}).test(doc));
time('engine: compiled filter, compile and test', (i) => void compileFilter(guard(i))(doc));
time('engine: pinned-_id path (no compile)', (i) => {
  const f = guard(i);
  if (isSimpleFilter(f, true)) matchesSimple(doc, f, true);
});
time('mingo: five-field update on a copy', (i) => void mingoUpdate({ ...doc }, set(i)));
time('engine: compile and apply the same update on a copy', (i) => void compileUpdate(set(i)).apply({ ...doc }, false));
