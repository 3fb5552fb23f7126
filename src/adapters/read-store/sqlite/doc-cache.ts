import type { PlainObject } from '../document/values';
import { decodeDoc } from './codec';
import type { StoredRow } from './rows';

/**
 * Parsed documents by table and row, checked against the row's version (raised by every update):
 * a list page read again parses only the documents that changed since. Bounded by the length of
 * the JSON text the documents were parsed from (about a third of what the objects take on the
 * heap), least recently used first out. Its documents are shared: callers get copies (a
 * projection makes one anyway), or, when they only read (a find with `readonly`), the documents
 * themselves, deeply frozen; updates parse their own.
 */
export class DocCache {
  private readonly entries = new Map<string, { v: number; doc: PlainObject; size: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Whether documents are held at all (a size of 0 turns the cache off). */
  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /**
   * The document of row `rid` if it is held at version `v`, without the row's text: a page whose
   * documents are all held is then read as rowids and versions only.
   */
  held(table: string, rid: number, v: number): PlainObject | undefined {
    const key = `${table}:${rid}`;
    const hit = this.entries.get(key);
    if (hit === undefined || hit.v !== v) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.doc;
  }

  /** The document of a row, parsed once per version. */
  docOf(table: string, row: StoredRow): PlainObject {
    if (this.maxBytes <= 0) return decodeDoc(row.doc, row.dates);
    const key = `${table}:${row.rid}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      if (hit.v === row.v) {
        this.entries.set(key, hit);
        return hit.doc;
      }
      this.bytes -= hit.size;
    }
    const doc = decodeDoc(row.doc, row.dates);
    const size = row.doc.length;
    if (size * 4 > this.maxBytes) return doc;
    this.entries.set(key, { v: row.v, doc, size });
    this.bytes += size;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.size;
    }
    return doc;
  }

  /** A row was deleted (its rowid may come back for another document). */
  forgetRow(table: string, rid: number): void {
    const key = `${table}:${rid}`;
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.bytes -= e.size;
    }
  }

  /** Rows of a table were deleted or the table dropped. */
  forgetTable(table: string): void {
    const prefix = `${table}:`;
    for (const [k, e] of this.entries) {
      if (k.startsWith(prefix)) {
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
