import type { StreamHead } from './eventstoredb-append-plan';
import { spareUsed, trimOldest, type Marked } from '../../domain/shared/bounded-map';

/**
 * In-process bookkeeping of the EventStoreDB store's appends: the last head written to each
 * stream (so the next append to it needs no read) and a per-stream queue (so this process's own
 * appends to one stream never race each other). Correctness never depends on either: every
 * append carries an exact expected revision the server checks.
 */

/** Map of stream → head, bounded, the least recently used first out (approximately: bounded-map.ts). */
export class HeadCache {
  private readonly heads = new Map<string, { head: StreamHead } & Marked>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('head cache capacity must be a non-negative integer');
  }

  get size(): number {
    return this.heads.size;
  }

  get(streamName: string): StreamHead | undefined {
    const held = this.heads.get(streamName);
    if (held === undefined) return undefined;
    held.used = true;
    return held.head;
  }

  set(streamName: string, head: StreamHead): void {
    if (this.capacity === 0) return;
    const held = this.heads.get(streamName);
    if (held !== undefined) {
      held.head = head;
      held.used = true;
      return;
    }
    this.heads.set(streamName, { head, used: false });
    trimOldest(this.heads, this.capacity, spareUsed);
  }

  delete(streamName: string): void {
    this.heads.delete(streamName);
  }
}

/** Runs tasks for the same key one after another (in call order); different keys run concurrently. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks. */
  get active(): number {
    return this.tails.size;
  }
}
