/**
 * A size-capped map for memoising pure functions of strings (split paths and the like): once
 * full, each new entry evicts the oldest one, so a long-running process that meets unbounded
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
    const map = this.map;
    if (map.size >= this.capacity && !map.has(key)) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = map.keys().next();
      if (oldest.done !== true) map.delete(oldest.value);
    }
    map.set(key, value);
  }
}
