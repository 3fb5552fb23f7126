import type { EventStore } from '../ports/event-store';

/**
 * Commands on one stream run one after the other within this process: each waits for the one
 * before it to finish (load, decide, append), so two requests on one instance never race for the
 * same expected revision and never conflict. Streams are independent: commands on different
 * streams run concurrently as before. A conflict can then only come from another instance (or
 * another process writing the same log), which handleCommand retries with back-off.
 *
 * A slot is held only for one handleCommand (it never calls another inside), so the queue cannot
 * deadlock; an empty queue leaves nothing behind in the map.
 */
export class StreamQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(stream: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(stream);
    const result = previous ? previous.then(task) : task();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(stream, tail);
    void tail.then(() => {
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    });
    return result;
  }

  /** Streams with a command running or waiting (for tests and diagnostics). */
  get busy(): number {
    return this.tails.size;
  }
}

const queues = new WeakMap<EventStore, StreamQueue>();

/** One queue per event store: the store is what the commands of one application share. */
export function streamQueueFor(store: EventStore): StreamQueue {
  let queue = queues.get(store);
  if (!queue) queues.set(store, (queue = new StreamQueue()));
  return queue;
}
