import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadStore, type SqliteReadStore } from './sqlite-read-store';

/** watchReads / unchanged: what a read used, and whether any of it was written since. */
describe('SQLite read store: the marks of watched reads', () => {
  let dir: string;
  let store: SqliteReadStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isp-sqlite-watch-'));
    store = openSqliteReadStore({ filename: join(dir, 'read-models.db') });
    await store.collection('tickets').insertOne({ _id: 't1', status: 'new' });
    await store.collection('customers').insertOne({ _id: 'c1', name: 'Ana' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const readTickets = () => store.watchReads(() => store.collection('tickets').find({ status: 'new' }));

  it('gives what the read returned, unchanged until the collection it read is written', async () => {
    const { value, mark } = await readTickets();
    expect(value).toEqual([{ _id: 't1', status: 'new' }]);
    expect(store.unchanged(mark)).toBe(true);
    await store.collection('customers').updateOne({ _id: 'c1' }, { $set: { name: 'Budi' } });
    expect(store.unchanged(mark)).toBe(true);
    await store.collection('tickets').updateOne({ _id: 't1' }, { $set: { status: 'closed' } });
    expect(store.unchanged(mark)).toBe(false);
  });

  it('counts a write made while the read was under way', async () => {
    const { mark } = await store.watchReads(async () => {
      const found = await store.collection('tickets').countDocuments({});
      await store.collection('tickets').insertOne({ _id: 't2', status: 'new' });
      return found;
    });
    expect(store.unchanged(mark)).toBe(false);
  });

  it('counts a collection that did not exist when read and was made since', async () => {
    const { value, mark } = await store.watchReads(() => store.collection('notes').find({}));
    expect(value).toEqual([]);
    expect(store.unchanged(mark)).toBe(true);
    await store.collection('notes').insertOne({ _id: 'n1' });
    expect(store.unchanged(mark)).toBe(false);
  });

  it('counts a rolled-back transaction, a drop and a swap as changes', async () => {
    let { mark } = await readTickets();
    await expect(
      store.transaction(async () => {
        await store.collection('tickets').insertOne({ _id: 't3', status: 'new' });
        throw new Error('projector failed');
      }),
    ).rejects.toThrow('projector failed');
    expect(store.unchanged(mark)).toBe(false);

    ({ mark } = await readTickets());
    await store.collection('tickets_next').insertOne({ _id: 't9', status: 'new' });
    await store.renameCollection('tickets_next', 'tickets');
    expect(store.unchanged(mark)).toBe(false);

    ({ mark } = await readTickets());
    await store.dropCollection('tickets');
    expect(store.unchanged(mark)).toBe(false);
  });

  it('notes only while the read is under way, and nothing once the store is closed', async () => {
    const { mark } = await readTickets();
    await store.collection('customers').find({});
    await store.collection('customers').insertOne({ _id: 'c2', name: 'Citra' });
    expect(store.unchanged(mark)).toBe(true);
    await store.close();
    expect(store.unchanged(mark)).toBe(false);
    store = openSqliteReadStore({ filename: join(dir, 'read-models.db') });
  });
});
