import type { EventStore, ReadStreamOptions } from '../../src/ports/event-store';

/** One readStream call: which stream, from which revision, how many events it got. */
export interface StreamRead {
  stream: string;
  fromRevision: number | undefined;
  got: number;
}

/** The store, with every readStream recorded in `reads` (in call order). */
export function spyOnStreamReads(store: EventStore): { store: EventStore; reads: StreamRead[] } {
  const reads: StreamRead[] = [];
  const spied = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'readStream') return Reflect.get(target, prop, receiver);
      return async (stream: string, options?: ReadStreamOptions) => {
        const events = await target.readStream(stream, options);
        reads.push({ stream, fromRevision: options?.fromRevision, got: events.length });
        return events;
      };
    },
  });
  return { store: spied, reads };
}
