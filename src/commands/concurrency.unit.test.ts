import { mapConcurrently } from './concurrency';

/** A call that resolves when the test says so. */
function gated<T>() {
  const calls: Array<{ item: T; resolve: (v: string) => void; reject: (e: Error) => void }> = [];
  const fn = (item: T) => new Promise<string>((resolve, reject) => calls.push({ item, resolve, reject }));
  return { calls, fn };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('mapConcurrently', () => {
  it('given five items and a limit of two, then two calls at a time and the results in the items order', async () => {
    const { calls, fn } = gated<number>();
    const all = mapConcurrently([1, 2, 3, 4, 5], 2, fn);
    await turn();
    expect(calls.map((c) => c.item)).toEqual([1, 2]);
    calls[1]!.resolve('two');
    await turn();
    expect(calls.map((c) => c.item)).toEqual([1, 2, 3]);
    calls[0]!.resolve('one');
    calls[2]!.resolve('three');
    await turn();
    calls[3]!.resolve('four');
    calls[4]!.resolve('five');
    await expect(all).resolves.toEqual(['one', 'two', 'three', 'four', 'five']);
  });

  it('given a call that fails, then no call starts after it and the whole rejects once the calls under way settled', async () => {
    const { calls, fn } = gated<number>();
    let settled = false;
    const all = mapConcurrently([1, 2, 3, 4], 2, fn).finally(() => (settled = true));
    await turn();
    calls[0]!.reject(new Error('boom'));
    await turn();
    expect(calls.map((c) => c.item)).toEqual([1, 2]);
    expect(settled).toBe(false);
    calls[1]!.resolve('two');
    await expect(all).rejects.toThrow('boom');
    expect(calls).toHaveLength(2);
  });

  it('given no items, then no call', async () => {
    await expect(mapConcurrently([], 4, async () => 'x')).resolves.toEqual([]);
  });
});
