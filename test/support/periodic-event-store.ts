import type { EventStore, ReadAllOptions, RecordedEvent } from '../../src/ports/event-store';

/**
 * An embedded store made to report skipped events the way EventStoreDB does at its worst
 * (`skippedEventCheckpoints: 'periodic'` with no checkpoint ever arriving): a filtered
 * subscription delivers the events of its types and says nothing about the others, and
 * `onCaughtUp` carries the last delivered position, not the head. Counts the reads a probe of
 * skipped runs makes (headPosition and filtered readAll calls); with `probes.fail` set, those
 * reads fail as an unreachable server's would.
 */
export interface PeriodicEventStore extends EventStore {
  readonly probes: { head: number; filteredReads: number; fail: boolean };
}

export function withPeriodicCheckpoints(inner: EventStore): PeriodicEventStore {
  const probes = { head: 0, filteredReads: 0, fail: false };
  const unreachable = () => Promise.reject(new Error('server unreachable (test)'));
  return {
    skippedEventCheckpoints: 'periodic',
    probes,
    appendToStream: (...args) => inner.appendToStream(...args),
    readStream: (...args) => inner.readStream(...args),
    readAll: (options?: ReadAllOptions) => {
      if (options?.eventTypes) probes.filteredReads++;
      return probes.fail ? unreachable() : inner.readAll(options);
    },
    headPosition: () => {
      probes.head++;
      return probes.fail ? unreachable() : inner.headPosition();
    },
    subscribeToAll: (options, handler) => {
      let delivered = options.fromPosition ?? 0;
      return inner.subscribeToAll(options, {
        onEvents: (events: RecordedEvent[]) => {
          if (events.length > 0) delivered = events[events.length - 1]!.position;
          return handler.onEvents(events);
        },
        // Skipped runs are never reported.
        onCheckpoint: () => undefined,
        onCaughtUp: () => handler.onCaughtUp?.(delivered),
        onError: (error) => handler.onError?.(error),
      });
    },
    close: () => inner.close(),
  };
}
