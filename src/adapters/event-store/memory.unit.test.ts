import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../ports/event-store';
import { StoreClosedError } from './local-record';
import { createMemoryEventStore } from './memory';

/** Memory-store specifics beyond the contract (which memory.int.test.ts runs). */

function newEvent(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: { timestamp: '2024-01-01T00:00:00.000Z', schemaVersion: 1 } };
}

describe('memory event store', () => {
  it('starts empty and numbers positions 1, 2, 3 in append order', async () => {
    const store = createMemoryEventStore();
    expect(await store.headPosition()).toBe(0);
    const a = await store.appendToStream('a', [newEvent('X'), newEvent('Y')]);
    const b = await store.appendToStream('b', [newEvent('Z')]);
    expect([...a.events, ...b.events].map((e) => e.position)).toEqual([1, 2, 3]);
    expect(await store.headPosition()).toBe(3);
    await store.close();
  });

  it('hands out copies, so changing a returned event changes nothing stored', async () => {
    const store = createMemoryEventStore();
    const data = { items: [1, 2] };
    const result = await store.appendToStream('a', [newEvent('X', data)]);
    data.items.push(3);
    result.events[0]!.data.items = 'changed';
    const [read] = await store.readStream('a');
    (read!.data.items as number[]).push(4);
    const [again] = await store.readAll();
    expect(again!.data).toEqual({ items: [1, 2] });
    await store.close();
  });

  it('rejects an event id that is already stored, appending nothing', async () => {
    const store = createMemoryEventStore();
    const event = newEvent('X');
    await store.appendToStream('a', [event]);
    await expect(store.appendToStream('b', [newEvent('Y'), event])).rejects.toThrow(/already exists/);
    expect(await store.readStream('b')).toEqual([]);
    expect(await store.headPosition()).toBe(1);
    await store.close();
  });

  it('stores data as JSON, hashing what it stores', async () => {
    const store = createMemoryEventStore();
    const at = new Date('2024-02-03T04:05:06.000Z');
    await store.appendToStream('a', [newEvent('X', { at, skip: undefined })]);
    const [read] = await store.readStream('a');
    expect(read!.data).toEqual({ at: '2024-02-03T04:05:06.000Z' });
    expect(Object.keys(read!.data)).toEqual(['at']);
    await store.close();
  });

  it('rejects reads, appends and subscriptions after close', async () => {
    const store = createMemoryEventStore();
    await store.close();
    await expect(store.appendToStream('a', [newEvent('X')])).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.readAll()).rejects.toBeInstanceOf(StoreClosedError);
    expect(() => store.subscribeToAll({}, { onEvents: () => undefined })).toThrow(StoreClosedError);
  });
});
