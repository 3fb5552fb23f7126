import { createMemoryEventStore } from './memory';
import { instrumentEventStore } from './instrumented';
import type { EventStore, SubscriptionHandler } from '../../ports/event-store';

const event = (type: string) => ({ id: `${type}-${Math.random()}`, type, data: {}, metadata: { timestamp: '2026-01-15T08:00:00.000Z', schemaVersion: 1 } });

describe('the instrumented event store', () => {
  it('reports appends by stream prefix and is otherwise the same store', async () => {
    const store = createMemoryEventStore();
    const appended: Array<[string, number]> = [];
    const observed = instrumentEventStore(store, { appended: (a, n) => appended.push([a, n]), subscriptionDropped: () => undefined });
    await observed.appendToStream('ticket-1', [event('A'), event('B')]);
    await observed.appendToStream('unique-email-abc', [event('C')], { expectedRevision: 'no_stream' });
    await expect(observed.appendToStream('ticket-1', [event('D')], { expectedRevision: 5 })).rejects.toThrow(/Wrong expected revision/);
    expect(appended).toEqual([
      ['ticket', 2],
      ['unique', 1],
    ]);
    expect(await observed.headPosition()).toBe(await store.headPosition());
    expect((await observed.readStream('ticket-1')).map((e) => e.type)).toEqual(['A', 'B']);
    expect(observed.skippedEventCheckpoints).toBe(store.skippedEventCheckpoints);
  });

  it('reports a subscription the store dropped, and still hands the error to its consumer', async () => {
    let drop: ((e: Error) => void) | undefined;
    const store = {
      skippedEventCheckpoints: 'every-run',
      subscribeToAll: (_o: unknown, handler: SubscriptionHandler) => {
        drop = (e) => handler.onError?.(e);
        return { stop: async () => undefined };
      },
    } as unknown as EventStore;
    let drops = 0;
    const errors: string[] = [];
    const observed = instrumentEventStore(store, { appended: () => undefined, subscriptionDropped: () => drops++ });
    observed.subscribeToAll({}, { onEvents: () => undefined, onError: (e) => errors.push(e.message) });
    drop!(new Error('connection reset'));
    drop!(new Error('again'));
    expect([drops, errors]).toEqual([2, ['connection reset', 'again']]);
  });
});
