/**
 * Keeps a map (in insertion order, oldest first) within `max` entries: once over, drops the
 * oldest down to nine tenths of `max` (all but one past `max` for maps of fewer than ten).
 * `spare`, when given, is asked about each entry in turn: true keeps it, moved to the end (a
 * second chance: it must answer false when asked again, having cleared what made it say true).
 *
 * Not one entry per insertion, and no moving an entry to the end at every use: V8 keeps a deleted
 * entry's slot until the map is rehashed, so `keys().next()` after deletions at the front walks
 * past every slot deleted since (a map of 50,000 stream heads kept at its bound one deletion at a
 * time: about 30 µs an insertion, against 0.6 µs this way), and a large map whose few busy keys
 * are deleted and set again at each use cost about 9 µs an operation against 0.3 µs for a set
 * in place (throwaway scripts, docs/benchmarks-history.md eighteenth round).
 */
export function trimOldest<K, V>(map: Map<K, V>, max: number, spare?: (value: V) => boolean): void {
  if (map.size <= max) return;
  const target = Math.ceil(max * 0.9);
  dropOldest(map, () => map.size <= target, spare);
}

/**
 * The walk of `trimOldest` for bounds other than a count (the parse cache's bytes): drops the
 * oldest entries, each told to `dropped`, until `enough`, sparing once those `spare` says to.
 */
export function dropOldest<K, V>(map: Map<K, V>, enough: () => boolean, spare?: (value: V) => boolean, dropped?: (value: V) => void): void {
  for (const [key, value] of map) {
    if (enough()) return;
    map.delete(key);
    if (spare?.(value)) map.set(key, value);
    else dropped?.(value);
  }
}

/** A value with the mark of a use since the trimming last passed over it. */
export interface Marked {
  used: boolean;
}

/** The second chance of `trimOldest` for marked values: spares a used one once, unmarking it. */
export function spareUsed(value: Marked): boolean {
  if (!value.used) return false;
  value.used = false;
  return true;
}
