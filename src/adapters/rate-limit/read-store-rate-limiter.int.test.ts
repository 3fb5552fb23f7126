import { createMemoryReadStore } from '../read-store/memory/memory-read-store';
import type { ReadStore } from '../../ports/read-store';
import { ManualClock } from '../../../test/support/clock';
import { createReadStoreRateLimiter, RATE_LIMITS } from './read-store-rate-limiter';

describe('rate limiter on the read store port (in-memory store)', () => {
  let store: ReadStore;
  let clock: ManualClock;
  const rule = { limit: 3, windowMs: 60_000 };
  beforeEach(() => {
    store = createMemoryReadStore();
    clock = new ManualClock('2026-01-15T12:00:00.000Z');
  });

  it('allows the limit, refuses the next attempt and says when to come back', async () => {
    const limiter = createReadStoreRateLimiter(store, { clock });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.hit('login:1.2.3.4|a@x', rule));
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    // 3 attempts in this window: one more fits once a third of them has slid out of the window.
    expect(results[3]!.resetAt).toEqual(new Date('2026-01-15T12:01:20.000Z'));
    clock.set('2026-01-15T12:01:19.999Z');
    expect((await limiter.hit('login:1.2.3.4|a@x', rule)).allowed).toBe(false);
    clock.set('2026-01-15T12:01:20.000Z');
    expect((await limiter.hit('login:1.2.3.4|a@x', rule)).allowed).toBe(true);
  });

  it('keeps keys apart, does not count refused attempts, and forgets a key on reset', async () => {
    const limiter = createReadStoreRateLimiter(store, { clock });
    for (let i = 0; i < 3; i++) await limiter.hit('a', rule);
    for (let i = 0; i < 10; i++) expect((await limiter.hit('a', rule)).allowed).toBe(false);
    expect((await limiter.hit('b', rule)).allowed).toBe(true);
    // Only the allowed attempts are stored: three for a, one for b.
    expect(await store.collection(RATE_LIMITS).countDocuments({})).toBe(4);
    await limiter.reset('a');
    expect((await limiter.hit('a', rule)).allowed).toBe(true);
  });

  it('holds across instances that share the store (two limiters, one store)', async () => {
    const first = createReadStoreRateLimiter(store, { clock });
    const second = createReadStoreRateLimiter(store, { clock });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).hit('shared', rule)));
    expect(answers.filter((a) => a.allowed)).toHaveLength(3);
    expect(answers.filter((a) => a.allowed).map((a) => a.remaining).sort()).toEqual([0, 1, 2]);
    expect(await store.collection(RATE_LIMITS).countDocuments({})).toBe(3);
  });

  it('stores digests, not the keys, and sweeps counters that no longer weigh in', async () => {
    const limiter = createReadStoreRateLimiter(store, { clock });
    await limiter.hit('login:10.0.0.1|someone@example.com', rule);
    const [doc] = await store.collection(RATE_LIMITS).find({});
    expect(JSON.stringify(doc)).not.toContain('someone@example.com');
    expect(JSON.stringify(doc)).not.toContain('10.0.0.1');
    expect(doc).toMatchObject({ window_ms: 60_000, window_start: new Date('2026-01-15T12:00:00.000Z'), expires_at: new Date('2026-01-15T12:02:00.000Z') });
    clock.advance(119_999);
    expect(await limiter.sweep()).toBe(0);
    clock.advance(2);
    expect(await limiter.sweep()).toBe(1);
    expect(await store.collection(RATE_LIMITS).countDocuments({})).toBe(0);
  });

  it('sweeps on a timer until stopped', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const limiter = createReadStoreRateLimiter(store, { clock });
      await limiter.hit('k', rule);
      clock.advance(200_000);
      const stop = limiter.startSweeping(1000);
      jest.advanceTimersByTime(1000);
      await new Promise((r) => setImmediate(r));
      expect(await store.collection(RATE_LIMITS).countDocuments({})).toBe(0);
      stop();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
