/**
 * Ordered (compound) indexes: entries kept sorted by key (each field in its declared direction)
 * then _id, in a chunked sorted list. Array values produce one entry per element (multikey), as
 * in MongoDB.
 *
 * An entry is one flat array [v0, ..., vN-1, _id, record]: the key values, the document's id
 * and its record, so comparing entries touches as little memory as possible and an entry is a
 * single allocation. A record caches its entries per index, which is how they are found again
 * for removal.
 */
import type { Doc, IndexSpec } from '../../../ports/read-store';
import { keyValues, splitPath } from '../document/paths';
import { SortedChunkList } from './sorted-list';
import { compareValues } from '../document/values';

/** Key values, in index field order (a bound may hold fewer, as a prefix). */
export type KeyTuple = unknown[];

/** [...key values, _id, DocRecord]. */
export type IndexEntry = unknown[];

/** Several entries of one document in a multikey index, and which fields met arrays. */
export class MultiKeys {
  constructor(
    readonly entries: IndexEntry[],
    readonly multikeyMask: number,
  ) {}
}

/** An index's entries for one document: usually one entry, a MultiKeys for arrays. */
export type DocKeys = IndexEntry | MultiKeys;

/** A stored document with its cached index entries (one slot per index of the collection). */
export interface DocRecord {
  readonly id: string;
  doc: Doc;
  keys: DocKeys[];
}

export function defaultIndexName(keys: Record<string, 1 | -1>): string {
  return Object.entries(keys)
    .map(([f, d]) => `${f}_${d}`)
    .join('_');
}

function entriesOf(keys: DocKeys): IndexEntry[] {
  return keys instanceof MultiKeys ? keys.entries : [keys];
}

/** Entries a bulk build looks at before deciding whether grouping them pays. */
const SAMPLE = 2048;

export class OrderedIndex {
  readonly name: string;
  readonly fields: string[];
  readonly dirs: (1 | -1)[];
  readonly unique: boolean;
  readonly entries: SortedChunkList<IndexEntry>;
  /** Number of key fields; the entry's _id is at [width], its record at [width + 1]. */
  readonly width: number;
  private readonly parts: (readonly string[])[];
  /** Documents whose value for field i is (or runs through) an array. */
  private readonly multikeyDocs: number[];
  /** The fields, when none is a dotted path. */
  private readonly topLevel: string[] | null;

  constructor(
    spec: IndexSpec,
    /** Position of this index's entries in DocRecord.keys. */
    readonly slot: number,
  ) {
    const fields = Object.keys(spec.keys);
    if (fields.length === 0) throw new TypeError('An index needs at least one field');
    if (fields.length > 30) throw new TypeError('An index has at most 30 fields');
    this.fields = fields;
    this.width = fields.length;
    this.dirs = fields.map((f) => {
      const d = spec.keys[f];
      if (d !== 1 && d !== -1) throw new TypeError(`Index direction for ${f} must be 1 or -1`);
      return d;
    });
    this.name = spec.name ?? defaultIndexName(spec.keys);
    this.unique = spec.unique === true;
    this.parts = fields.map(splitPath);
    this.multikeyDocs = fields.map(() => 0);
    this.topLevel = fields.every((f) => !f.includes('.')) ? fields : null;
    this.entries = new SortedChunkList<IndexEntry>(this.entryComparator(0));
  }

  /** Entry order from key field `from` on (the fields before it being equal), then _id. */
  private entryComparator(from: number): (a: IndexEntry, b: IndexEntry) => number {
    const dirs = this.dirs;
    const w = this.width;
    return (a, b) => {
      for (let i = from; i < w; i++) {
        const c = compareValues(a[i], b[i]);
        if (c !== 0) return dirs[i] === 1 ? c : -c;
      }
      const x = a[w] as string;
      const y = b[w] as string;
      return x === y ? 0 : x < y ? -1 : 1;
    };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether some document holds an array on field i (so it has several entries). */
  isMultikey(i: number): boolean {
    return this.multikeyDocs[i] > 0;
  }

  get anyMultikey(): boolean {
    return this.multikeyDocs.some((n) => n > 0);
  }

  sameSpec(spec: IndexSpec): boolean {
    return this.sameKeys(spec) && (spec.unique === true) === this.unique;
  }

  sameKeys(spec: IndexSpec): boolean {
    const fields = Object.keys(spec.keys);
    return fields.length === this.fields.length && fields.every((f, i) => f === this.fields[i] && spec.keys[f] === this.dirs[i]);
  }

  /** Compares the key parts of two entries (or key tuples) in index order. */
  compareKeys(a: KeyTuple, b: KeyTuple): number {
    const dirs = this.dirs;
    for (let i = 0; i < dirs.length; i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return dirs[i] === 1 ? c : -c;
    }
    return 0;
  }

  /** Compares the first `bound.length` key values of an entry with a bound, in index order. */
  comparePrefix(entry: IndexEntry, bound: KeyTuple): number {
    const dirs = this.dirs;
    for (let i = 0; i < bound.length; i++) {
      const c = compareValues(entry[i], bound[i]);
      if (c !== 0) return dirs[i] === 1 ? c : -c;
    }
    return 0;
  }

  idOf(entry: IndexEntry): string {
    return entry[this.width] as string;
  }

  recordOf(entry: IndexEntry): DocRecord {
    return entry[this.width + 1] as DocRecord;
  }

  /** The entries `doc` (stored as `rec`) has in this index. */
  keysOf(doc: Doc, rec: DocRecord): DocKeys {
    const w = this.width;
    if (this.topLevel !== null) {
      // Fast path: top-level fields without arrays give one entry.
      const fields = this.topLevel;
      const entry: IndexEntry = new Array<unknown>(w + 2);
      let simple = true;
      for (let i = 0; i < w; i++) {
        const v = doc[fields[i]];
        if (Array.isArray(v)) {
          simple = false;
          break;
        }
        entry[i] = v === undefined ? null : v;
      }
      if (simple) {
        entry[w] = rec.id;
        entry[w + 1] = rec;
        return entry;
      }
    }
    let mask = 0;
    let tuples: KeyTuple[] = [[]];
    for (let i = 0; i < w; i++) {
      const kv = keyValues(doc, this.parts[i]);
      if (kv.multikey) mask |= 1 << i;
      if (kv.values.length === 1) {
        const v = kv.values[0];
        for (const t of tuples) t.push(v);
      } else {
        const next: KeyTuple[] = [];
        for (const t of tuples) for (const v of kv.values) next.push([...t, v]);
        tuples = next;
      }
    }
    if (tuples.length > 1) {
      tuples.sort((a, b) => this.compareKeys(a, b));
      tuples = tuples.filter((t, i) => i === 0 || this.compareKeys(tuples[i - 1], t) !== 0);
    }
    for (const t of tuples) t.push(rec.id, rec);
    return mask === 0 && tuples.length === 1 ? tuples[0] : new MultiKeys(tuples, mask);
  }

  sameKeysOf(a: DocKeys, b: DocKeys): boolean {
    if (a instanceof MultiKeys || b instanceof MultiKeys) {
      if (!(a instanceof MultiKeys && b instanceof MultiKeys)) return false;
      if (a.entries.length !== b.entries.length || a.multikeyMask !== b.multikeyMask) return false;
      for (let i = 0; i < a.entries.length; i++) if (this.compareKeys(a.entries[i], b.entries[i]) !== 0) return false;
      return true;
    }
    return this.compareKeys(a, b) === 0;
  }

  /** Whether writing any of `paths` may change this index's keys. */
  touchedBy(paths: readonly string[]): boolean {
    for (const f of this.fields) {
      for (const p of paths) {
        if (f === p || (f.length > p.length ? f.startsWith(p) && f.charCodeAt(p.length) === 46 : p.startsWith(f) && p.charCodeAt(f.length) === 46)) {
          return true;
        }
      }
    }
    return false;
  }

  add(keys: DocKeys): void {
    if (keys instanceof MultiKeys) {
      for (const e of keys.entries) this.entries.insert(e);
      this.countMultikey(keys.multikeyMask, 1);
    } else {
      this.entries.insert(keys);
    }
  }

  remove(keys: DocKeys): void {
    if (keys instanceof MultiKeys) {
      for (const e of keys.entries) this.entries.remove(e);
      this.countMultikey(keys.multikeyMask, -1);
    } else {
      this.entries.remove(keys);
    }
  }

  /** Fills the index from records (used when an index is created on data), caching each
   * record's entries in its slot. */
  build(records: Iterable<DocRecord>): void {
    const items: IndexEntry[] = [];
    const slot = this.slot;
    for (const rec of records) {
      // Each record's entries, computed and cached in its slot in the same pass.
      const keys = this.keysOf(rec.doc, rec);
      rec.keys[slot] = keys;
      if (keys instanceof MultiKeys) {
        for (const e of keys.entries) items.push(e);
        this.countMultikey(keys.multikeyMask, 1);
      } else {
        items.push(keys);
      }
    }
    this.entries.load(this.sortEntries(items), true);
  }

  /**
   * `items` in index order. When the first key field holds only strings, numbers, booleans
   * and null (values that are equal exactly when they are the same Map key), the entries are
   * grouped by it, the distinct values sorted (natively when they are all strings), and each
   * group sorted on the remaining fields: n log(group size) comparisons instead of n log n,
   * on groups that often arrive in order already (documents are stored in event order, and
   * TimSort takes an ordered run in one pass).
   */
  private sortEntries(items: IndexEntry[]): IndexEntry[] {
    /** The entry of each first-field value met once; groups of the others in `several`. */
    const first = new Map<unknown, IndexEntry>();
    const several = new Map<unknown, IndexEntry[]>();
    let strings = true;
    for (let i = 0; i < items.length; i++) {
      const e = items[i];
      const k = e[0];
      const t = typeof k;
      if (t !== 'string') {
        if (!(t === 'number' || t === 'boolean' || k === null)) return items.sort(this.entryComparator(0));
        strings = false;
      }
      const one = first.get(k);
      if (one === undefined) {
        first.set(k, e);
        // Nearly all distinct so far (a unique field): groups would not pay for their Map.
        if (i === SAMPLE && first.size > SAMPLE * 0.9) return items.sort(this.entryComparator(0));
      } else {
        const g = several.get(k);
        if (g === undefined) several.set(k, [one, e]);
        else g.push(e);
      }
    }
    const keys = [...first.keys()];
    // The default sort compares strings by UTF-16 code units, as compareValues does.
    if (strings) keys.sort();
    else keys.sort(compareValues);
    if (this.dirs[0] === -1) keys.reverse();
    const rest = several.size > 0 ? this.entryComparator(1) : null;
    const out: IndexEntry[] = new Array<IndexEntry>(items.length);
    let n = 0;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j];
      const g = rest === null ? undefined : several.get(k);
      if (g === undefined) {
        out[n++] = first.get(k) as IndexEntry;
      } else {
        g.sort(rest as (a: IndexEntry, b: IndexEntry) => number);
        for (let i = 0; i < g.length; i++) out[n++] = g[i];
      }
    }
    return out;
  }

  /** For a unique index: a key among `keys` that another document holds, else null. */
  conflict(keys: DocKeys, id: string): KeyTuple | null {
    if (!this.unique) return null;
    const w = this.width;
    for (const key of entriesOf(keys)) {
      const r = this.entries.rank((e) => this.compareKeys(e, key) >= 0);
      for (let i = r; i < this.entries.size; i++) {
        const e = this.entries.at(i);
        if (this.compareKeys(e, key) !== 0) break;
        if (e[w] !== id) return key;
      }
    }
    return null;
  }

  /** { field: value } for a key, as reported in DuplicateKeyError. */
  describeKey(key: KeyTuple): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.fields.forEach((f, i) => (out[f] = key[i]));
    return out;
  }

  private countMultikey(mask: number, delta: number): void {
    if (mask === 0) return;
    for (let i = 0; i < this.multikeyDocs.length; i++) if (mask & (1 << i)) this.multikeyDocs[i] += delta;
  }
}
