import { dropOldest, spareUsed, type Marked } from '../../../domain/shared/bounded-map';
import type { PlainObject } from '../document/values';
import { decodeDoc } from './codec';
import type { StoredRow } from './rows';

interface Entry extends Marked {
  v: number;
  doc: PlainObject;
  size: number;
}

/** Rowids above this are not held (a key is the table's number times 2^32 plus the rowid). */
const MAX_RID = 0xffff_ffff;
const TABLE_SPAN = 2 ** 32;

/**
 * Parsed documents by table and row, checked against the row's version (raised by every update):
 * a list page read again parses only the documents that changed since. Bounded by the length of
 * the JSON text the documents were parsed from (about a third of what the objects take on the
 * heap). Its documents are shared: callers get copies (a projection makes one anyway), or, when
 * they only read (a find with `readonly`), the documents themselves, deeply frozen; updates parse
 * their own.
 *
 * Eviction is a second chance rather than a strict least-recently-used order: a read marks the
 * entry, and the eviction, oldest first, passes over a marked entry once (unmarking it and moving
 * it to the end). Moving an entry to the end of the map on every read, as a strict order does,
 * cost about 0.8 µs a read once the cache was full (70,000 entries after a few minutes of
 * writes), and a list page reads about forty documents (its items' customers and technicians);
 * a read now costs a lookup. Entries are keyed by a number (the table's number in this cache and
 * the rowid), not by a string made for each read. An eviction frees a tenth of the cache at once:
 * each one walks the map from its start, past what earlier evictions deleted.
 */
export class DocCache {
  private readonly entries = new Map<number, Entry>();
  private readonly tables = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Whether documents are held at all (a size of 0 turns the cache off). */
  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** The number of documents held (tests). */
  get size(): number {
    return this.entries.size;
  }

  private keyOf(table: string, rid: number): number | null {
    if (rid < 0 || rid > MAX_RID) return null;
    let n = this.tables.get(table);
    if (n === undefined) {
      n = this.tables.size + 1;
      this.tables.set(table, n);
    }
    return n * TABLE_SPAN + rid;
  }

  /**
   * The document of row `rid` if it is held at version `v`, without the row's text: a page whose
   * documents are all held is then read as rowids and versions only.
   */
  held(table: string, rid: number, v: number): PlainObject | undefined {
    const key = this.keyOf(table, rid);
    const hit = key === null ? undefined : this.entries.get(key);
    if (hit === undefined || hit.v !== v) return undefined;
    hit.used = true;
    return hit.doc;
  }

  /** The document of a row, parsed once per version. */
  docOf(table: string, row: StoredRow): PlainObject {
    const key = this.maxBytes > 0 ? this.keyOf(table, row.rid) : null;
    if (key === null) return decodeDoc(row.doc, row.dates);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      if (hit.v === row.v) {
        hit.used = true;
        return hit.doc;
      }
      this.entries.delete(key);
      this.bytes -= hit.size;
    }
    const doc = decodeDoc(row.doc, row.dates);
    const size = row.doc.length;
    if (size * 4 > this.maxBytes) return doc;
    this.entries.set(key, { v: row.v, doc, size, used: false });
    this.bytes += size;
    if (this.bytes > this.maxBytes) this.evict();
    return doc;
  }

  /** Down to nine tenths of the bound, oldest first, passing over each entry read since once. */
  private evict(): void {
    const target = this.maxBytes * 0.9;
    dropOldest(this.entries, () => this.bytes <= target, spareUsed, (e) => (this.bytes -= e.size));
  }

  /** A row was deleted (its rowid may come back for another document). */
  forgetRow(table: string, rid: number): void {
    const key = this.keyOf(table, rid);
    const e = key === null ? undefined : this.entries.get(key);
    if (e) {
      this.entries.delete(key!);
      this.bytes -= e.size;
    }
  }

  /** Rows of a table were deleted or the table dropped. */
  forgetTable(table: string): void {
    const n = this.tables.get(table);
    if (n === undefined) return;
    for (const [k, e] of this.entries) {
      if (Math.floor(k / TABLE_SPAN) === n) {
        this.entries.delete(k);
        this.bytes -= e.size;
      }
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
