import { streamPrefix } from '../../domain/aggregates';
import type { EventStore } from '../../ports/event-store';

/** What the instrumented store reports to. */
export interface EventStoreObserver {
  appended(aggregate: string, count: number): void;
  /** A subscription dropped (its consumer resubscribes from its checkpoint). */
  subscriptionDropped(): void;
}

/**
 * The same event store, reporting appends (by stream prefix) and dropped subscriptions to an
 * observer (the metrics of src/api/metrics/). Everything else, adapter-specific members
 * included, is the store's own.
 */
export function instrumentEventStore<S extends EventStore>(store: S, observer: EventStoreObserver): S {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'appendToStream') {
        const append: EventStore['appendToStream'] = async (streamName, events, options) => {
          const result = await target.appendToStream(streamName, events, options);
          observer.appended(streamPrefix(streamName), result.events.length);
          return result;
        };
        return append;
      }
      if (prop === 'subscribeToAll') {
        const subscribe: EventStore['subscribeToAll'] = (options, handler) =>
          target.subscribeToAll(options, {
            ...handler,
            onEvents: (events) => handler.onEvents(events),
            onCheckpoint: handler.onCheckpoint ? (position) => handler.onCheckpoint!(position) : undefined,
            onCaughtUp: handler.onCaughtUp ? (position) => handler.onCaughtUp!(position) : undefined,
            onError: (error) => {
              observer.subscriptionDropped();
              handler.onError?.(error);
            },
          });
        return subscribe;
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
