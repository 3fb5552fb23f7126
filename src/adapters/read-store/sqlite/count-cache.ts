import type { CollectionSchema } from './schema';

const MAX_PER_COLLECTION = 2_000;

/**
 * Counts by collection and filter, valid until the collection's next write (its data version).
 * A list's total is then one count after each write to the collection rather than one per
 * request, whatever the number of matches: a dashboard polling a broad filter costs a lookup.
 */
export class CountCache {
  private readonly byCollection = new Map<CollectionSchema, { version: number; counts: Map<string, number> }>();

  get(schema: CollectionSchema, key: string): number | undefined {
    const entry = this.byCollection.get(schema);
    if (entry === undefined || entry.version !== schema.dataVersion) return undefined;
    return entry.counts.get(key);
  }

  set(schema: CollectionSchema, key: string, count: number): void {
    let entry = this.byCollection.get(schema);
    if (entry === undefined || entry.version !== schema.dataVersion) {
      entry = { version: schema.dataVersion, counts: new Map() };
      this.byCollection.set(schema, entry);
    }
    if (entry.counts.size >= MAX_PER_COLLECTION) entry.counts.clear();
    entry.counts.set(key, count);
  }

  forget(schema: CollectionSchema): void {
    this.byCollection.delete(schema);
  }

  clear(): void {
    this.byCollection.clear();
  }
}
