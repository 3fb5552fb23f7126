import { decide, windowStart } from './sliding-window';

const W = 60_000;
const T0 = Date.parse('2026-01-15T12:00:00.000Z'); // a window boundary for W

describe('sliding window rate limit decision', () => {
  it('allows up to the limit in a fresh window and counts down what remains', () => {
    const rule = { limit: 3, windowMs: W };
    expect(decide(T0, rule, { previous: 0, current: 0 })).toEqual({ allowed: true, remaining: 2, resetAt: new Date(T0 + W) });
    expect(decide(T0 + 10, rule, { previous: 0, current: 1 })).toEqual({ allowed: true, remaining: 1, resetAt: new Date(T0 + W) });
    expect(decide(T0 + 20, rule, { previous: 0, current: 2 })).toEqual({ allowed: true, remaining: 0, resetAt: new Date(T0 + W) });
    expect(decide(T0 + 30, rule, { previous: 0, current: 3 }).allowed).toBe(false);
  });

  it('weights the previous window by how much of it is still inside the sliding window', () => {
    const rule = { limit: 10, windowMs: W };
    // 10 attempts in the previous window; a quarter of the way into this one, 7.5 of them still count.
    expect(decide(T0 + W / 4, rule, { previous: 10, current: 0 })).toMatchObject({ allowed: true, remaining: 1 });
    expect(decide(T0 + W / 4, rule, { previous: 10, current: 2 })).toMatchObject({ allowed: false, remaining: 0 });
    // Right at the boundary the whole previous window counts: no burst of twice the limit.
    expect(decide(T0, rule, { previous: 10, current: 0 }).allowed).toBe(false);
  });

  it('says when the next attempt will be allowed, exactly', () => {
    const rule = { limit: 3, windowMs: W };
    // Limit used up in this window: allowed again once 2/3 of it would still weigh under the limit.
    const refused = decide(T0 + 1000, rule, { previous: 0, current: 3 });
    expect(refused.allowed).toBe(false);
    expect(refused.resetAt.getTime()).toBe(T0 + 2 * W - (2 * W) / 3);
    // Refused because of the previous window: allowed once enough of it has slid out.
    const rule10 = { limit: 10, windowMs: W };
    const r2 = decide(T0 + W / 4, rule10, { previous: 10, current: 2 });
    // 10 * overlap + 2 + 1 <= 10  <=>  overlap <= 0.7  <=>  t >= T0 + 0.3 W
    expect(r2.resetAt.getTime()).toBe(T0 + 0.3 * W);
  });

  it('is consistent: at resetAt the attempt is allowed, a millisecond before it is not', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const limit = 1 + rnd(20);
      const windowMs = 1000 * (1 + rnd(900));
      const rule = { limit, windowMs };
      const now = T0 + rnd(windowMs);
      const counts = { previous: rnd(3 * limit), current: rnd(2 * limit) };
      const d = decide(now, rule, counts);
      if (d.allowed) continue;
      const at = d.resetAt.getTime();
      expect(at).toBeGreaterThan(now);
      // Move to resetAt: counts shift when it lies in the next window.
      const shifted = (t: number) =>
        windowStart(t, windowMs) === windowStart(now, windowMs) ? counts : windowStart(t, windowMs) === windowStart(now, windowMs) + windowMs ? { previous: counts.current, current: 0 } : { previous: 0, current: 0 };
      expect(decide(at, rule, shifted(at)).allowed).toBe(true);
      if (at - 1 > now) expect(decide(at - 1, rule, shifted(at - 1)).allowed).toBe(false);
    }
  });

  it('refuses nonsensical rules', () => {
    expect(() => decide(T0, { limit: 0, windowMs: W }, { previous: 0, current: 0 })).toThrow(RangeError);
    expect(() => decide(T0, { limit: 1, windowMs: 0 }, { previous: 0, current: 0 })).toThrow(RangeError);
  });
});
