import type { CollectionSchema } from './schema';

/**
 * Answers by collection and key, valid until the collection's next write (its data version,
 * which every insert, update and delete of its rows moves on). The store keeps two:
 * - counts by filter: a list's total is one count after each write to the collection rather
 *   than one per request, whatever the number of matches (a dashboard polling a broad filter
 *   costs a lookup);
 * - the rows of a page (their ids and versions) by filter, sort, skip and limit: a page asked
 *   again before the collection changes is read from the parse cache without its query.
 * A rollback clears both (the rows went back, the data version did not). At most
 * `maxPerCollection` keys per collection between two writes; past it they start again.
 */
export class VersionedCache<T> {
  private readonly byCollection = new Map<CollectionSchema, { version: number; values: Map<string, T> }>();

  constructor(private readonly maxPerCollection: number) {}

  get(schema: CollectionSchema, key: string): T | undefined {
    const entry = this.byCollection.get(schema);
    if (entry === undefined || entry.version !== schema.dataVersion) return undefined;
    return entry.values.get(key);
  }

  set(schema: CollectionSchema, key: string, value: T): void {
    let entry = this.byCollection.get(schema);
    if (entry === undefined || entry.version !== schema.dataVersion) {
      entry = { version: schema.dataVersion, values: new Map() };
      this.byCollection.set(schema, entry);
    }
    if (entry.values.size >= this.maxPerCollection) entry.values.clear();
    entry.values.set(key, value);
  }

  forget(schema: CollectionSchema): void {
    this.byCollection.delete(schema);
  }

  clear(): void {
    this.byCollection.clear();
  }
}
