/**
 * An ordered list of items kept in small sorted chunks (a two-level B-tree-like structure):
 * insert and remove cost a binary search plus a splice within one chunk, not a move of the
 * whole list. Positions are global ranks (0..size), so a range's size is a subtraction.
 */

export type Comparator<T> = (a: T, b: T) => number;

const DEFAULT_CHUNK = 128;

export class SortedChunkList<T> {
  private chunks: T[][] = [];
  /** offsets[i] = number of items in chunks before i; valid when !dirty. */
  private offsets: number[] = [];
  private dirty = false;
  private count = 0;

  constructor(
    private readonly cmp: Comparator<T>,
    private readonly chunkSize = DEFAULT_CHUNK,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Replaces the contents with `items`, which are sorted here (unless `sorted`: already in
   * this list's order). */
  load(items: T[], sorted = false): void {
    if (!sorted) items.sort(this.cmp);
    this.chunks = [];
    for (let i = 0; i < items.length; i += this.chunkSize) this.chunks.push(items.slice(i, i + this.chunkSize));
    this.count = items.length;
    this.dirty = true;
  }

  insert(item: T): void {
    const chunks = this.chunks;
    this.count++;
    this.dirty = true;
    if (chunks.length === 0) {
      chunks.push([item]);
      return;
    }
    const ci = this.chunkFor(item);
    const chunk = chunks[ci];
    chunk.splice(this.bisectIn(chunk, item), 0, item);
    if (chunk.length > this.chunkSize * 2) {
      chunks.splice(ci + 1, 0, chunk.splice(this.chunkSize));
    }
  }

  /** Removes the item comparing equal to `item`; false when there is none. */
  remove(item: T): boolean {
    const chunks = this.chunks;
    if (chunks.length === 0) return false;
    const ci = this.chunkFor(item);
    const chunk = chunks[ci];
    const i = this.bisectIn(chunk, item);
    if (i >= chunk.length || this.cmp(chunk[i], item) !== 0) return false;
    chunk.splice(i, 1);
    this.count--;
    this.dirty = true;
    if (chunk.length === 0) {
      chunks.splice(ci, 1);
    } else if (chunk.length < this.chunkSize >> 2 && ci + 1 < chunks.length) {
      const merged = chunk.concat(chunks[ci + 1]);
      if (merged.length > this.chunkSize * 2) {
        chunks.splice(ci, 2, merged.slice(0, this.chunkSize), merged.slice(this.chunkSize));
      } else {
        chunks.splice(ci, 2, merged);
      }
    }
    return true;
  }

  /** Rank of the first item for which `isAtOrAfter` is true (the predicate must be monotone
   * along the order: false...false true...true); `size` when there is none. */
  rank(isAtOrAfter: (item: T) => boolean): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = chunks[mid];
      if (isAtOrAfter(c[c.length - 1])) hi = mid;
      else lo = mid + 1;
    }
    if (lo === chunks.length) return this.count;
    const chunk = chunks[lo];
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (isAtOrAfter(chunk[mid])) b = mid;
      else a = mid + 1;
    }
    return this.offsetOf(lo) + a;
  }

  /** Item at a rank (0 <= rank < size). */
  at(rank: number): T {
    const [ci, off] = this.locate(rank);
    return this.chunks[ci][off];
  }

  /** A cursor over ranks [start, end), walking forward, or backward from end - 1 when `reverse`. */
  cursor(start: number, end: number, reverse: boolean): RangeCursor<T> {
    return new RangeCursor(this.chunks, start < end ? this.locate(reverse ? end - 1 : start) : [0, 0], Math.max(0, end - start), reverse);
  }

  /** All items in order (for tests and rebuilds). */
  toArray(): T[] {
    return ([] as T[]).concat(...this.chunks);
  }

  private chunkFor(item: T): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = chunks[mid];
      if (this.cmp(c[c.length - 1], item) >= 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private bisectIn(chunk: T[], item: T): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(chunk[mid], item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private refreshOffsets(): void {
    const chunks = this.chunks;
    const offsets = this.offsets;
    offsets.length = chunks.length;
    let total = 0;
    for (let i = 0; i < chunks.length; i++) {
      offsets[i] = total;
      total += chunks[i].length;
    }
    this.dirty = false;
  }

  private offsetOf(chunkIndex: number): number {
    if (this.dirty) this.refreshOffsets();
    return this.offsets[chunkIndex];
  }

  private locate(rank: number): [number, number] {
    if (this.dirty) this.refreshOffsets();
    const offsets = this.offsets;
    let lo = 0;
    let hi = offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (offsets[mid] <= rank) lo = mid;
      else hi = mid - 1;
    }
    return [lo, rank - offsets[lo]];
  }
}

/** Walks a run of consecutive ranks. Valid only while the list is not modified. */
export class RangeCursor<T> {
  private ci: number;
  private off: number;

  constructor(
    private readonly chunks: T[][],
    position: [number, number],
    private remaining: number,
    private readonly reverse: boolean,
  ) {
    this.ci = position[0];
    this.off = position[1];
  }

  /** Items left in the range. */
  get left(): number {
    return this.remaining;
  }

  next(): T | undefined {
    if (this.remaining === 0) return undefined;
    this.remaining--;
    const item = this.chunks[this.ci][this.off];
    if (this.reverse) {
      if (--this.off < 0 && this.remaining > 0) {
        this.ci--;
        this.off = this.chunks[this.ci].length - 1;
      }
    } else if (++this.off >= this.chunks[this.ci].length) {
      this.ci++;
      this.off = 0;
    }
    return item;
  }

  /** The next item without consuming it. */
  peek(): T | undefined {
    return this.remaining === 0 ? undefined : this.chunks[this.ci][this.off];
  }
}
