import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { bootId } from './bulk-mode';
import { Rows } from './rows';
import { openSqliteReadStore, type SqliteReadStore } from './sqlite-read-store';

/**
 * What the SQLite read store adds to the port's contract (sqlite-read-store.int.test.ts): plans
 * through declared indexes, transactions, durability across a reopen, the unit of work and the
 * count cache.
 */
describe('SQLite read store', () => {
  let dir: string;
  let store: SqliteReadStore;
  const file = () => join(dir, 'read-models.db');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'isp-sqlite-rs-'));
    store = openSqliteReadStore({ filename: file() });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tickets = async (n: number) => {
    const col = store.collection('tickets');
    await col.createIndexes([
      { keys: { created_at: -1, number: -1 } },
      { keys: { status: 1, created_at: -1, number: -1 } },
      { keys: { status: 1, priority: 1, created_at: -1, number: -1 } },
      { keys: { customer_id: 1, created_at: -1, number: -1 } },
    ]);
    const statuses = ['new', 'assigned', 'in_progress', 'resolved'];
    await col.insertMany(
      Array.from({ length: n }, (_, i) => ({
        _id: `t${i}`,
        number: i,
        status: statuses[i % 4],
        priority: i % 3 === 0 ? 'high' : 'normal',
        customer_id: `c${i % 10}`,
        created_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        tags: i % 2 ? ['fiber'] : ['fiber', 'wireless'],
      })),
    );
    return col;
  };

  describe('plans', () => {
    it('answers a filtered, sorted page through the index that has the equality fields and the sort, without sorting', async () => {
      const col = await tickets(200);
      const sort = { created_at: -1 as const, number: -1 as const };
      const plan = col.explain({ status: 'new', priority: 'high' }, { sort, skip: 20, limit: 20 });
      expect(plan.exact).toBe(true);
      expect(plan.plan.join(' | ')).toMatch(/USING INDEX .*status_1_priority_1_created_at_-1_number_-1/);
      expect(plan.plan.join(' | ')).not.toMatch(/TEMP B-TREE|SCAN d\d+( |$)/);
      const page = await col.find({ status: 'new', priority: 'high' }, { sort, skip: 2, limit: 3 });
      const all = (await col.find({}, {})).filter((d) => d.status === 'new' && d.priority === 'high');
      all.sort((a, b) => (b.created_at as string).localeCompare(a.created_at as string));
      expect(page.map((d) => d._id)).toEqual(all.slice(2, 5).map((d) => d._id));
    });

    it('gives SQLite only the two bounds of a range closed on both sides, so the index range is theirs', async () => {
      const col = await tickets(200);
      const day = { $gte: '2026-01-01T01:00:00.000Z', $lte: '2026-01-01T01:09:00.000Z' };
      const plan = col.explain({ created_at: day }, { sort: { created_at: -1, number: -1 }, limit: 20 });
      expect(plan.sql).toMatch(/WHERE k\d+ >= \? AND k\d+ <= \? ORDER BY/);
      expect((await col.find({ created_at: day }, { sort: { number: 1 } })).map((d) => d.number)).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
      // Bounds of two types keep each one's type limits: nothing is both a number and a string.
      expect(await col.countDocuments({ number: { $gte: 5, $lte: 'z' } })).toBe(0);
      expect(col.explain({ number: { $gte: 5, $lte: 'z' } }).sql).toMatch(/k\d+ >= \? AND k\d+ < \?\) AND \(k\d+ <= \? AND k\d+ >= \?/);
    });

    it('bounds the walk of a broad array-field match, and reads the page from the lookup when the matches come late in the sort order', async () => {
      const col = store.collection('devices');
      await col.createIndexes([{ keys: { created_at: -1, n: -1 } }, { keys: { words: 1 } }, { keys: { branch: 1, created_at: -1, n: -1 } }]);
      // 300 oldest devices are Dell, the 700 newest Lenovo; every third device of each is at branch 1.
      const docs = Array.from({ length: 1000 }, (_, n) => ({
        _id: `d${n}`,
        n,
        branch: n % 3 === 0 ? 1 : 2,
        words: n < 300 ? ['dell', `sn${n}`] : ['lenovo', `sn${n}`],
        created_at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
      }));
      await col.insertMany(docs);
      const sqls = jest.spyOn(Rows.prototype, 'statement');
      const page = async (filter: Record<string, unknown>, skip: number) => {
        sqls.mockClear();
        const found = await col.find(filter, { sort: { created_at: -1, n: -1 }, skip, limit: 10 });
        const ran = sqls.mock.calls.map(([sql]) => sql);
        return { ns: found.map((d) => d.n), walked: ran.some((q) => q.includes(') AS w WHERE')), readFromLookup: ran.some((q) => /^SELECT rid, v FROM \{t\} WHERE .*rid IN \(SELECT rid FROM \{side\}/.test(q)) };
      };
      const expected = (keep: (d: (typeof docs)[number]) => boolean, skip: number) =>
        docs.filter(keep).sort((a, b) => b.n - a.n).slice(skip, skip + 10).map((d) => d.n);
      // Lenovo: 700 matches among the newest, found by the walk.
      expect(await page({ words: 'lenovo' }, 10)).toEqual({ ns: expected((d) => d.words[0] === 'lenovo', 10), walked: true, readFromLookup: false });
      // Dell: 300 matches, all older than 700 rows; the walk stops after 600 rows and the page is read from the lookup.
      expect(await page({ words: 'dell' }, 10)).toEqual({ ns: expected((d) => d.words[0] === 'dell', 10), walked: true, readFromLookup: true });
      // With a condition on a column, checked in the walk's subquery.
      expect(await page({ words: 'dell', branch: 2 }, 0)).toEqual({ ns: expected((d) => d.words[0] === 'dell' && d.branch === 2, 0), walked: true, readFromLookup: true });
      // A narrow match is read from the lookup at once (planElements), without a walk.
      expect(await page({ words: 'dell', branch: 1 }, 90)).toEqual({ ns: expected((d) => d.words[0] === 'dell' && d.branch === 1, 90), walked: false, readFromLookup: true });
      expect(await page({ words: 'lenovo', branch: 2 }, 20)).toEqual({ ns: expected((d) => d.words[0] === 'lenovo' && d.branch === 2, 20), walked: true, readFromLookup: false });
      // Sorted by _id (its own column, not a key column).
      const byId = await col.find({ words: 'lenovo' }, { sort: { _id: -1 }, limit: 3 });
      expect(byId.map((d) => d._id)).toEqual(docs.filter((d) => d.words[0] === 'lenovo').map((d) => d._id).sort().reverse().slice(0, 3));
      expect(sqls.mock.calls.some(([sql]) => sql.includes(') AS w WHERE') && sql.includes('ORDER BY id DESC'))).toBe(true);
      sqls.mockRestore();
    });

    it('walks a broad array-field match in the sort index order, and lets a narrow one drive', async () => {
      const col = store.collection('tagged');
      await col.createIndexes([{ keys: { tags: 1 } }, { keys: { number: -1 } }]);
      await col.insertMany(
        Array.from({ length: 3000 }, (_, i) => ({ _id: `d${i}`, number: i, tags: i < 2500 ? ['common', `t${i % 7}`] : i === 2700 ? ['rare'] : ['other'] })),
      );
      const sort = { number: -1 as const };
      const broad = col.explain({ tags: 'common' }, { sort, skip: 40, limit: 20 });
      expect(broad.sql).toContain('EXISTS (SELECT 1 FROM {side}');
      expect(broad.plan.join(' | ')).not.toMatch(/TEMP B-TREE/);
      expect((await col.find({ tags: 'common' }, { sort, skip: 40, limit: 3 })).map((d) => d.number)).toEqual([2459, 2458, 2457]);
      const narrow = col.explain({ tags: 'rare' }, { sort, limit: 20 });
      expect(narrow.sql).toContain('rid IN (SELECT rid FROM {side}');
      expect((await col.find({ tags: 'rare' }, { sort, limit: 20 })).map((d) => d.number)).toEqual([2700]);
      expect(await col.countDocuments({ tags: 'common' })).toBe(2500);
    });

    it('sorts the rowids of the matches when no index gives the order, then reads only the page', async () => {
      const col = await tickets(200);
      await col.createIndexes([{ keys: { number: 1 } }]);
      const sort = { priority: 1 as const, number: -1 as const };
      expect(col.explain({ status: 'new' }, { sort }).plan.join(' | ')).toMatch(/TEMP B-TREE/);
      const page = await col.find({ status: 'new' }, { sort, skip: 3, limit: 4 });
      const all = (await col.find({})).filter((d) => d.status === 'new');
      all.sort((a, b) => (a.priority as string).localeCompare(b.priority as string) || (b.number as number) - (a.number as number));
      expect(page.map((d) => d._id)).toEqual(all.slice(3, 7).map((d) => d._id));
    });

    it('uses a unique index for conditions and sorts on its field too', async () => {
      const col = store.collection('numbered');
      await col.createIndexes([{ keys: { number: 1 }, unique: true }]);
      await col.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `n${i}`, number: i })));
      const plan = col.explain({ number: { $gte: 10 } }, { sort: { number: -1 }, limit: 5 }).plan.join(' | ');
      expect(plan).toMatch(/USING (COVERING )?INDEX .*number_1:q/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
      expect((await col.find({ number: { $gte: 10 } }, { sort: { number: -1 }, limit: 3 })).map((d) => d.number)).toEqual([49, 48, 47]);
    });

    it('counts through an index, exactly, without reading documents', async () => {
      const col = await tickets(200);
      const plan = col.explainCount({ status: { $in: ['new', 'assigned'] }, created_at: { $gte: '2026-01-01T01:00:00.000Z' } });
      expect(plan.exact).toBe(true);
      expect(plan.sql).toMatch(/^SELECT count\(\*\)/);
      expect(plan.plan.join(' | ')).toMatch(/USING (COVERING )?INDEX/);
      expect(await col.countDocuments({ status: { $in: ['new', 'assigned'] }, created_at: { $gte: '2026-01-01T01:00:00.000Z' } })).toBe(
        (await col.find({})).filter((d) => ['new', 'assigned'].includes(d.status as string) && (d.created_at as string) >= '2026-01-01T01:00:00.000Z').length,
      );
    });

    it('narrows by an index and checks what SQL cannot say in code', async () => {
      const col = await tickets(100);
      const filter = { status: 'new', title: { $exists: false }, number: { $not: { $gt: 40 } } };
      const plan = col.explain(filter, { sort: { created_at: -1 } });
      expect(plan.exact).toBe(false);
      expect(plan.plan.join(' | ')).toMatch(/USING INDEX/);
      expect((await col.find(filter, { sort: { created_at: -1 } })).map((d) => d.number)).toEqual([40, 36, 32, 28, 24, 20, 16, 12, 8, 4, 0]);
      expect(await col.countDocuments(filter)).toBe(11);
    });

    it('finds an element of an array field through its side table once the field is seen to hold arrays', async () => {
      const col = await tickets(50);
      await col.createIndexes([{ keys: { tags: 1, number: 1 } }]);
      const plan = col.explain({ tags: 'wireless' });
      expect(plan.exact).toBe(true);
      expect(plan.sql).toContain('SELECT rid FROM {side}');
      expect(await col.countDocuments({ tags: 'wireless' })).toBe(25);
      expect(await col.countDocuments({ tags: { $in: ['wireless', 'none'] } })).toBe(25);
      expect((await col.find({ tags: 'fiber' }, { sort: { number: 1 }, limit: 2 })).map((d) => d._id)).toEqual(['t0', 't1']);
    });

    it('drives a search of several words by the word with the fewest elements, and checks a far broader one row by row', async () => {
      const col = store.collection('people');
      await col.createIndexes([{ keys: { search_tokens: 1 } }, { keys: { number: -1 } }]);
      await col.insertMany(
        Array.from({ length: 300 }, (_, i) => ({ _id: `p${i}`, number: i, search_tokens: [i % 2 ? 'budi' : 'ani', 'santoso', String(i)] })),
      );
      const words = (...w: string[]) => ({ $and: w.map((x) => ({ search_tokens: { $regex: `^${x}` } })) });
      const sort = { number: -1 as const };

      // "santoso" names all 300, "17" eleven (17, 170–179): the narrow word drives, the broad one is a check.
      const narrow = col.explain(words('santoso', '17'), { sort, limit: 5 });
      expect(narrow.sql).toMatch(/^SELECT .* WHERE \(rid IN \(SELECT rid FROM \{side\} .*\) AND \(EXISTS \(SELECT 1 FROM \{side\} WHERE \{side\}\.rid = \{t\}\.rid /);
      expect((await col.find(words('santoso', '17'), { sort, limit: 5 })).map((d) => d.number)).toEqual([179, 178, 177, 176, 175]);
      expect(await col.countDocuments(words('santoso', '17'))).toBe(11);

      // "1" names 111 (1, 10–19, 100–199), "budi" 150, "santoso" 300: none is far broader than the driver.
      const even = col.explain(words('budi', 'santoso', '1'));
      expect(even.sql.match(/rid IN \(SELECT rid FROM \{side\}/g)).toHaveLength(3);
      expect(even.sql).not.toContain('EXISTS');
      const expected = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 2 && String(i).startsWith('1'));
      expect((await col.find(words('budi', 'santoso', '1'), { sort })).map((d) => d.number)).toEqual(expected.reverse());
    });
  });

  describe('transactions', () => {
    it('commits every write of a transaction together, and a failure keeps none of them', async () => {
      const col = store.collection('c');
      await store.transaction(async () => {
        await col.insertOne({ _id: 'a', n: 1 });
        await col.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
        // Read back inside the transaction: its own writes are seen.
        expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 2 });
      });
      await expect(
        store.transaction(async () => {
          await col.insertOne({ _id: 'b', n: 1 });
          await col.updateOne({ _id: 'a' }, { $set: { n: 99 } });
          throw new Error('projector failed');
        }),
      ).rejects.toThrow('projector failed');
      expect(await col.find({}, { sort: { _id: 1 } })).toEqual([{ _id: 'a', n: 2 }]);
    });

    it('lets work that starts while a transaction is open join it, and settles every participant with the commit', async () => {
      const col = store.collection('c');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const first = store.transaction(async () => {
        await col.insertOne({ _id: 'a' });
        await gate;
      });
      const second = store.transaction(async () => {
        await col.insertOne({ _id: 'b' });
        return 'second';
      });
      let secondDone = false;
      void second.then(() => (secondDone = true));
      await new Promise((r) => setImmediate(r));
      expect(secondDone).toBe(false); // waits for the commit the first participant ends with
      release();
      await expect(second).resolves.toBe('second');
      await first;
      expect(await col.countDocuments({})).toBe(2);
    });

    it('rejects every participant when one fails', async () => {
      const col = store.collection('c');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const failing = store.transaction(async () => {
        await col.insertOne({ _id: 'a' });
        await gate;
        throw new Error('boom');
      });
      const joined = store.transaction(async () => col.insertOne({ _id: 'b' }));
      release();
      await expect(failing).rejects.toThrow('boom');
      await expect(joined).rejects.toThrow('boom');
      expect(await col.countDocuments({})).toBe(0);
    });

    it('reports a duplicate _id at the insert inside a transaction, and a unique index violation at the write that caused it', async () => {
      const col = store.collection('u');
      await col.createIndexes([{ keys: { email: 1 }, unique: true }]);
      await store.transaction(async () => {
        await col.insertOne({ _id: 'a', email: 'x@example.com' });
        await expect(col.insertOne({ _id: 'a', email: 'y@example.com' })).rejects.toThrow('Duplicate key');
        await col.insertOne({ _id: 'b', email: 'y@example.com' });
        await expect(col.updateOne({ _id: 'b' }, { $set: { email: 'x@example.com' } })).rejects.toThrow('Duplicate key');
        expect(await col.findOne({ _id: 'b' })).toEqual({ _id: 'b', email: 'y@example.com' });
      });
      expect(await col.find({}, { sort: { _id: 1 } })).toEqual([
        { _id: 'a', email: 'x@example.com' },
        { _id: 'b', email: 'y@example.com' },
      ]);
    });

    it('writes held documents before a query that is not by _id, so the query sees them', async () => {
      const col = store.collection('c');
      await col.createIndexes([{ keys: { kind: 1 } }]);
      await store.transaction(async () => {
        await col.insertOne({ _id: 'a', kind: 'x' });
        await col.updateOne({ _id: 'a' }, { $set: { kind: 'y' } });
        expect(await col.countDocuments({ kind: 'y' })).toBe(1);
        await col.updateOne({ _id: 'a' }, { $set: { kind: 'z' } });
        expect((await col.find({ kind: 'z' })).map((d) => d._id)).toEqual(['a']);
      });
      expect(await col.countDocuments({ kind: 'z' })).toBe(1);
    });
  });

  describe('durability and caches', () => {
    it('keeps documents, indexes and what it learned about array fields across a reopen', async () => {
      const col = await tickets(20);
      await col.createIndexes([{ keys: { tags: 1 } }]);
      await store.close();
      store = openSqliteReadStore({ filename: file() });
      const again = store.collection('tickets');
      expect(await again.countDocuments({})).toBe(20);
      expect(again.explain({ tags: 'wireless' }).sql).toContain('{side}');
      expect(again.explain({ status: 'new' }, { sort: { created_at: -1, number: -1 } }).plan.join(' ')).toMatch(/USING INDEX/);
      expect(await again.countDocuments({ tags: 'wireless' })).toBe(10);
      await expect(again.insertOne({ _id: 't0' })).rejects.toThrow('Duplicate key');
    });

    it('caches a count until the next write to the collection', async () => {
      const col = await tickets(40);
      expect(await col.countDocuments({ status: 'new' })).toBe(10);
      await col.insertOne({ _id: 'x', status: 'new', created_at: '2027-01-01T00:00:00.000Z', number: 1000 });
      expect(await col.countDocuments({ status: 'new' })).toBe(11);
      await store.transaction(async () => {
        await col.updateOne({ _id: 'x' }, { $set: { status: 'closed' } });
      });
      expect(await col.countDocuments({ status: 'new' })).toBe(10);
      await col.deleteMany({ status: 'new' });
      expect(await col.countDocuments({ status: 'new' })).toBe(0);
    });

    it("hands a reader that only reads the parse cache's documents, frozen; others get copies, updates their own", async () => {
      const col = await tickets(30);
      const page = { sort: { created_at: -1, number: -1 } as const, skip: 5, limit: 5, readonly: true };
      const first = await col.find({ status: 'new' }, page);
      const again = await col.find({ status: 'new' }, page);
      expect(again.map((d) => d._id)).toEqual(first.map((d) => d._id));
      expect(again[0]).toBe(first[0]);
      expect(Object.isFrozen(first[0])).toBe(true);
      expect(Object.isFrozen(first[0]!.tags)).toBe(true);
      expect(() => {
        (first[0] as Record<string, unknown>).status = 'closed';
      }).toThrow(TypeError);
      const copy = (await col.find({ status: 'new' }, { ...page, readonly: false }))[0]!;
      expect(copy).not.toBe(first[0]);
      expect(Object.isFrozen(copy)).toBe(false);
      copy.status = 'mine';
      // An update parses its own document: the frozen one is left as it was, and the next
      // readonly read gets the new version.
      await col.updateOne({ _id: first[0]!._id }, { $set: { title: 'changed' }, $push: { tags: 'extra' } });
      expect(first[0]!.title).not.toBe('changed');
      const after = (await col.find({ _id: first[0]!._id }, { readonly: true }))[0]!;
      expect(after).toMatchObject({ status: 'new', title: 'changed' });
      expect(after.tags).toContain('extra');
      // Inside a transaction the unit of work's documents are always copied.
      await store.transaction(async () => {
        await col.updateOne({ _id: 'x1' }, { $set: { status: 'new' } }, { upsert: true });
        const [held] = await col.find({ _id: 'x1' }, { readonly: true });
        expect(Object.isFrozen(held)).toBe(false);
        await col.updateOne({ _id: 'x1' }, { $set: { n: 2 } });
        expect(held).toEqual({ _id: 'x1', status: 'new' });
      });
    });

    it('parses documents read once for the caller alone, and leaves the parse cache as it was', async () => {
      const col = await tickets(30);
      const page = { sort: { created_at: -1, number: -1 } as const, skip: 5, limit: 5, readonly: true };
      const once = await col.find({ status: 'new' }, { ...page, once: true });
      const onceAgain = await col.find({ status: 'new' }, { ...page, once: true });
      expect(onceAgain).toEqual(once);
      expect(onceAgain[0]).not.toBe(once[0]);
      // Not kept: the first shared read parses its own, which the next shared read gets again.
      const shared = await col.find({ status: 'new' }, page);
      expect(shared).toEqual(once);
      expect(shared[0]).not.toBe(once[0]);
      expect((await col.find({ status: 'new' }, page))[0]).toBe(shared[0]);
      // A document the cache holds is not taken from it either.
      expect((await col.find({ status: 'new' }, { ...page, once: true }))[0]).not.toBe(shared[0]);
    });

    it('projects a read-only page once per version of each document, and frozen', async () => {
      const col = await tickets(30);
      const page = { sort: { created_at: -1, number: -1 } as const, skip: 5, limit: 5, readonly: true, projection: { tags: 0 as const } };
      const first = await col.find({ status: 'new' }, page);
      const again = await col.find({ status: 'new' }, page);
      expect(first[0]).not.toHaveProperty('tags');
      expect(again[0]).toBe(first[0]);
      expect(Object.isFrozen(first[0])).toBe(true);
      expect(() => {
        (first[0] as Record<string, unknown>).status = 'closed';
      }).toThrow(TypeError);
      // Another projection of the same documents is its own object.
      const other = await col.find({ status: 'new' }, { ...page, projection: { status: 1 } });
      expect(other[0]).toEqual({ _id: first[0]!._id, status: 'new' });
      // After an update the page shows the new version, projected anew.
      await col.updateOne({ _id: first[0]!._id }, { $set: { title: 'changed' }, $push: { tags: 'extra' } });
      const after = await col.find({ status: 'new' }, page);
      expect(after[0]).not.toBe(first[0]);
      expect(after[0]).toMatchObject({ _id: first[0]!._id, title: 'changed' });
      expect(after[0]).not.toHaveProperty('tags');
      expect(first[0]!.title).not.toBe('changed');
      expect(after[1]).toBe(first[1]);
    });

    it('reads a document by id from the parse cache, and anew after it changed, went or came', async () => {
      const col = store.collection('c');
      await col.insertOne({ _id: 'a', n: 1, text: 'x'.repeat(20_000) });
      const byId = async (id: string) => (await col.find({ _id: id }, { readonly: true }))[0];
      const first = await byId('a');
      expect(await byId('a')).toBe(first);
      expect(await byId('b')).toBeUndefined();
      await col.insertOne({ _id: 'b', n: 5 });
      expect(await byId('b')).toEqual({ _id: 'b', n: 5 });
      await col.updateOne({ _id: 'a' }, { $set: { n: 2 } });
      expect((await byId('a'))?.n).toBe(2);
      expect(first?.n).toBe(1);
      await col.deleteOne({ _id: 'a' });
      expect(await byId('a')).toBeUndefined();
      await col.insertOne({ _id: 'c', n: 3 });
      expect(await byId('c')).toEqual({ _id: 'c', n: 3 });
      expect(await byId('a')).toBeUndefined();
    });

    it('reads a document again after its row changed, even through the parse cache and a reused rowid', async () => {
      const col = store.collection('c');
      await col.createIndexes([{ keys: { k: 1 } }]);
      await col.insertOne({ _id: 'a', k: 1, n: 1 });
      expect(await col.find({ k: 1 })).toEqual([{ _id: 'a', k: 1, n: 1 }]);
      const read = (await col.find({ k: 1 }))[0]!;
      read.n = 99; // the caller's copy
      expect(await col.find({ k: 1 })).toEqual([{ _id: 'a', k: 1, n: 1 }]);
      await col.updateOne({ _id: 'a' }, { $set: { n: 2 } });
      expect(await col.find({ k: 1 })).toEqual([{ _id: 'a', k: 1, n: 2 }]);
      // The last row deleted: SQLite may hand its rowid to the next insert.
      await col.deleteOne({ _id: 'a' });
      await col.insertOne({ _id: 'b', k: 1, n: 3 });
      expect(await col.find({ k: 1 })).toEqual([{ _id: 'b', k: 1, n: 3 }]);
      await col.deleteMany({ k: 1 });
      await col.insertOne({ _id: 'c', k: 1, n: 4 });
      expect(await col.find({ _id: { $in: ['c', 'b'] } })).toEqual([{ _id: 'c', k: 1, n: 4 }]);
    });

    it('reads a page as rowids and versions, and the text of only the rows the parse cache does not hold at that version', async () => {
      const col = await tickets(12);
      const page = () => col.find({ status: 'new' }, { sort: { created_at: -1, number: -1 }, skip: 1, limit: 2 });
      const textsRead = jest.spyOn(Rows.prototype, 'byRids');
      expect((await page()).map((d) => d.number)).toEqual([4, 0]);
      expect(textsRead.mock.calls.map(([rids]) => rids.length)).toEqual([2]);
      expect((await page()).map((d) => d.number)).toEqual([4, 0]);
      expect(textsRead).toHaveBeenCalledTimes(1);
      // A read without a limit that turns out small (three documents, two of them held) too.
      expect((await col.find({ status: 'new' }, { sort: { number: 1 } })).map((d) => d.number)).toEqual([0, 4, 8]);
      await col.find({ status: 'new' }, { sort: { number: 1 } });
      expect(textsRead.mock.calls.map(([rids]) => rids.length)).toEqual([2, 1]);
      textsRead.mockClear();
      // Behind the store's back (as in the test below): new text at the same version is not read,
      // new text at a new version is.
      const other = new Database(file());
      const { tbl } = other.prepare(`SELECT tbl FROM _rs_collections WHERE name = 'tickets'`).get() as { tbl: string };
      const edit = (id: string, title: string, bump: number) => {
        const { doc } = other.prepare(`SELECT doc FROM ${tbl} WHERE id = ?`).get(id) as { doc: string };
        other.prepare(`UPDATE ${tbl} SET doc = ?, v = v + ? WHERE id = ?`).run(JSON.stringify({ ...JSON.parse(doc), title }), bump, id);
      };
      edit('t4', 'same version', 0);
      edit('t0', 'new version', 1);
      other.close();
      // The same page again, with no write of the store's own in between, runs no query: its rows
      // are remembered until the collection's next write (versioned-cache.ts).
      expect((await page()).map((d) => [d.number, d.title])).toEqual([
        [4, undefined],
        [0, undefined],
      ]);
      expect(textsRead).not.toHaveBeenCalled();
      // Another page over the same rows is queried.
      const wider = await col.find({ status: 'new' }, { sort: { created_at: -1, number: -1 }, skip: 1, limit: 3 });
      expect(wider.map((d) => [d.number, d.title])).toEqual([
        [4, undefined],
        [0, 'new version'],
      ]);
      expect(textsRead.mock.calls.map(([rids]) => rids.length)).toEqual([1]);
      textsRead.mockRestore();
      // The store's own writes always raise the version.
      await col.updateOne({ _id: 't4' }, { $set: { title: 'updated' } });
      await col.deleteOne({ _id: 't0' });
      expect((await page()).map((d) => [d.number, d.title])).toEqual([[4, 'updated']]);
      const [read] = await page();
      read!.title = 'the caller’s copy';
      expect((await page())[0]!.title).toBe('updated');
    });

    it('answers documents read by _id again from memory until the collection’s next write, and keeps nothing a rollback undid', async () => {
      const col = store.collection('parties');
      await col.insertMany([
        { _id: 'a', n: 1 },
        { _id: 'b', n: 1 },
      ]);
      expect(await col.find({ _id: { $in: ['a', 'b', 'zz'] } }, { sort: { _id: 1 } })).toEqual([
        { _id: 'a', n: 1 },
        { _id: 'b', n: 1 },
      ]);
      // A change behind the store's back (never done in the product: the data directory's lock
      // keeps one writer) shows that the second read runs no query.
      const other = new Database(file());
      const { tbl } = other.prepare(`SELECT tbl FROM _rs_collections WHERE name = 'parties'`).get() as { tbl: string };
      other.prepare(`UPDATE ${tbl} SET doc = '{"_id":"a","n":42}', v = v + 1 WHERE id = 'a'`).run();
      other.close();
      expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
      expect(await col.find({ _id: { $in: ['a', 'b'] } }, { sort: { _id: 1 } })).toEqual([
        { _id: 'a', n: 1 },
        { _id: 'b', n: 1 },
      ]);
      // The store's own write to the collection ends it: the rows are read again.
      await col.insertOne({ _id: 'zz', n: 7 });
      expect(await col.find({ _id: { $in: ['a', 'zz'] } }, { sort: { _id: 1 } })).toEqual([
        { _id: 'a', n: 42 },
        { _id: 'zz', n: 7 },
      ]);
      // What a transaction wrote and then read by _id is gone with its rollback.
      await expect(
        store.transaction(async () => {
          await col.updateOne({ _id: 'b' }, { $set: { n: 99 } });
          expect(await col.find({ _id: { $in: ['a', 'b'] } }, { sort: { _id: 1 } })).toEqual([
            { _id: 'a', n: 42 },
            { _id: 'b', n: 99 },
          ]);
          throw new Error('projector failed');
        }),
      ).rejects.toThrow('projector failed');
      expect(await col.findOne({ _id: 'b' })).toEqual({ _id: 'b', n: 1 });
      expect(await col.find({ _id: { $in: ['b', 'zz'] } }, { sort: { _id: 1 } })).toEqual([
        { _id: 'b', n: 1 },
        { _id: 'zz', n: 7 },
      ]);
    });

    it('remembers a page’s rows until the collection’s next write, and keeps nothing a rollback undid', async () => {
      const col = await tickets(12);
      const page = async () => (await col.find({ status: 'new' }, { sort: { created_at: -1, number: -1 }, limit: 2 })).map((d) => d.number);
      const queried = jest.spyOn(Rows.prototype, 'statement');
      expect(await page()).toEqual([8, 4]);
      const queries = queried.mock.calls.length;
      expect(await page()).toEqual([8, 4]);
      expect(queried.mock.calls.length).toBe(queries);
      queried.mockRestore();
      // Each kind of write of the store's own is seen by the next request of the same page.
      await col.insertOne({ _id: 't12', status: 'new', created_at: '2026-12-31T00:00:00.000Z', number: 12 });
      expect(await page()).toEqual([12, 8]);
      await col.updateOne({ _id: 't8' }, { $set: { status: 'closed' } });
      expect(await page()).toEqual([12, 4]);
      await col.deleteOne({ _id: 't12' });
      expect(await page()).toEqual([4, 0]);
      await col.deleteMany({ status: 'new', number: 4 });
      expect(await page()).toEqual([0]);
      // So is every match of a read without a limit, when they are few.
      const all = async () => (await col.find({ status: 'closed' }, { sort: { number: 1 } })).map((d) => d.number);
      const before = await all();
      const again = jest.spyOn(Rows.prototype, 'statement');
      expect(await all()).toEqual(before);
      expect(again).not.toHaveBeenCalled();
      again.mockRestore();
      await col.updateOne({ _id: 't0' }, { $set: { status: 'closed' } });
      expect(await all()).toEqual([0, ...before]);
      // A page read inside a transaction that then fails is not kept past its rollback.
      await expect(
        store.transaction(async () => {
          await col.insertOne({ _id: 't13', status: 'new', created_at: '2026-12-31T00:00:00.000Z', number: 13 });
          expect(await page()).toEqual([13]);
          throw new Error('projector failed');
        }),
      ).rejects.toThrow('projector failed');
      expect(await page()).toEqual([]);
    });

    it('renames a collection over another in one step, keeping the renamed one’s indexes', async () => {
      const live = await tickets(5);
      const shadow = store.collection('tickets__rebuild');
      await shadow.createIndexes([{ keys: { status: 1, created_at: -1, number: -1 } }]);
      await shadow.insertOne({ _id: 'r1', status: 'new', created_at: '2026-01-01T00:00:00.000Z', number: 1 });
      await store.renameCollection('tickets__rebuild', 'tickets');
      expect(await live.find({})).toEqual([{ _id: 'r1', status: 'new', created_at: '2026-01-01T00:00:00.000Z', number: 1 }]);
      expect(live.explain({ status: 'new' }, { sort: { created_at: -1, number: -1 } }).plan.join(' ')).toMatch(/USING INDEX/);
      expect(await store.listCollections()).toEqual(['tickets']);
    });
  });

  describe('bulk mode (catch-ups and rebuilds commit without syncs)', () => {
    const bulkRecord = () => {
      const db = new Database(file(), { readonly: true });
      try {
        return (db.prepare(`SELECT value FROM _rs_meta WHERE key = 'bulk_boot'`).get() as { value: string } | undefined)?.value ?? null;
      } finally {
        db.close();
      }
    };

    it('records the boot before the first bulk commit, and clears it once everything is synced', async () => {
      const col = store.collection('c');
      await store.transaction(async () => col.insertOne({ _id: 'a' }), { bulk: true });
      expect(bulkRecord()).toBe(bootId());
      await store.close();
      expect(bulkRecord()).toBeNull();
      store = openSqliteReadStore({ filename: file() });
      expect(store.discarded).toBeNull();
      expect(await store.collection('c').countDocuments({})).toBe(1);
    });

    it('keeps the read models when the process died in bulk mode, and discards them when the machine did', async () => {
      await store.transaction(async () => store.collection('c').insertOne({ _id: 'a' }), { bulk: true });
      await store.close();
      const mark = (boot: string) => {
        const db = new Database(file());
        db.prepare(`INSERT OR REPLACE INTO _rs_meta (key, value) VALUES ('bulk_boot', ?)`).run(boot);
        db.close();
      };
      // Left by this boot: only the process died.
      mark(bootId());
      store = openSqliteReadStore({ filename: file() });
      expect(store.discarded).toBeNull();
      expect(await store.collection('c').countDocuments({})).toBe(1);
      await store.close();
      // Left by another boot: the machine went down with unsynced writes.
      mark('another-boot');
      store = openSqliteReadStore({ filename: file() });
      expect(store.discarded).toContain('another-boot');
      expect(await store.listCollections()).toEqual([]);
    });
  });

  it('rebuilds read models written in another layout instead of reading them', async () => {
    await store.collection('c').insertOne({ _id: 'a' });
    await store.close();
    const db = new Database(file());
    db.prepare(`UPDATE _rs_meta SET value = '1' WHERE key = 'format'`).run();
    db.close();
    store = openSqliteReadStore({ filename: file() });
    expect(store.discarded).toContain('layout 1,');
    expect(await store.listCollections()).toEqual([]);
  });
});
