import type { ReadStore } from '../../src/ports/read-store';

/**
 * Counts the reads (`countDocuments`, `find`, `findOne`) made on the named collections until the returned
 * function is called, which stops counting and gives the count. The SQLite store hands out one
 * collection object per name and its class is shared by every collection: the spies sit on the
 * class, and only calls on these objects count (not the sessions, users or rate-limit counters
 * the middleware reads). For the tests of kept answers (src/api/http/kept-answers.ts).
 */
export function countReads(readStore: ReadStore, ...names: string[]): () => number {
  const collections: unknown[] = names.map((n) => readStore.collection(n));
  const proto = Object.getPrototypeOf(collections[0]) as ReturnType<ReadStore['collection']>;
  const spies = [jest.spyOn(proto, 'countDocuments'), jest.spyOn(proto, 'find'), jest.spyOn(proto, 'findOne')];
  return () => {
    // Counted before mockRestore, which clears the calls.
    const count = spies.reduce((n, s) => n + (s.mock.contexts as unknown[]).filter((c) => collections.includes(c)).length, 0);
    spies.forEach((s) => s.mockRestore());
    return count;
  };
}

/**
 * An answer's headers but those each request gets anew: its date, its id, and the `perRequest`
 * ones named (a rate limit's remaining budget); each of those must be there.
 */
export function headersBesidesRequest(res: { headers: Record<string, string> }, perRequest: readonly string[] = []): Record<string, string> {
  const rest = { ...res.headers };
  for (const name of ['date', 'x-request-id', ...perRequest]) {
    expect(rest[name]).toBeDefined();
    delete rest[name];
  }
  return rest;
}
