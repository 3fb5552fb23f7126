import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { pageWithTotal } from './page';

describe('pageWithTotal', () => {
  const setup = async () => {
    const col = createMemoryReadStore().collection<{ _id: string; n: number; kind: string }>('things');
    await col.insertMany(Array.from({ length: 25 }, (_, i) => ({ _id: `t${String(i).padStart(2, '0')}`, n: i, kind: i % 2 ? 'odd' : 'even' })));
    return { col, find: jest.spyOn(col, 'find') };
  };

  it('gives the page and the total of the whole filter', async () => {
    const { col } = await setup();
    const { items, total } = await pageWithTotal(col, { kind: 'odd' }, { sort: { n: -1 }, skip: 2, limit: 3 });
    expect({ ids: items.map((d) => d._id), total }).toEqual({ ids: ['t19', 't17', 't15'], total: 12 });
  });

  it('runs no find when nothing matches or the page starts past the end', async () => {
    const { col, find } = await setup();
    expect(await pageWithTotal(col, { kind: 'none' }, { skip: 0, limit: 10 })).toEqual({ items: [], total: 0 });
    expect(await pageWithTotal(col, { kind: 'even' }, { skip: 13, limit: 10 })).toEqual({ items: [], total: 13 });
    expect(find).not.toHaveBeenCalled();
    expect((await pageWithTotal(col, { kind: 'even' }, { sort: { n: 1 }, skip: 12, limit: 10 })).items.map((d) => d.n)).toEqual([24]);
    expect(find).toHaveBeenCalledTimes(1);
  });
});
