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

type Answer = { status: number; text: string; headers: Record<string, string> };

/** The answers to a URL asked three times (`ask(n)`, n = 1..3), and the reads `count` counted during the third. */
export async function askThrice<R extends Answer>(ask: (n: number) => PromiseLike<R>, count: () => () => number): Promise<{ first: R; second: R; third: R; reads: number }> {
  const first = await ask(1);
  expect(first.status).toBe(200);
  // Kept from its second asking on (a URL asked once is only made).
  const second = await ask(2);
  expect(second.status).toBe(200);
  const stop = count();
  const third = await ask(3);
  return { first, second, third, reads: stop() };
}

/**
 * A URL asked three times whose answer is kept: the second and third answers are the first's
 * bytes, the third read nothing `count` counts and has the first's headers (but those each
 * request gets anew, as `headersOf` leaves them out). The first and third answers.
 */
export async function expectSentAgain<R extends Answer>(
  ask: () => PromiseLike<R>,
  count: () => () => number,
  headersOf: (res: R) => Record<string, string> = headersBesidesRequest,
): Promise<{ first: R; third: R }> {
  const { first, second, third, reads } = await askThrice(ask, count);
  expect(reads).toBe(0);
  expect(second.text).toBe(first.text);
  expect(third.status).toBe(200);
  expect(third.text).toBe(first.text);
  expect(headersOf(third)).toEqual(headersOf(first));
  return { first, third };
}
