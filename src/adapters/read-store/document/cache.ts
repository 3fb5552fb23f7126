import { trimOldest } from '../../../domain/shared/bounded-map';

/**
 * A size-capped map for memoising pure functions of strings (split paths and the like): once
 * full, the oldest entries go (trimOldest), so a long-running process that meets unbounded
 * kinds of keys (paths that embed dates or ids) keeps a bounded cache.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.set(key, value);
    trimOldest(this.map, this.capacity);
  }
}
