/**
 * The sliding-window estimate (as Cloudflare and nginx describe it): attempts in the current
 * fixed window plus the previous window's count weighted by how much of it still overlaps the
 * last `windowMs`. Two counters per key, no list of timestamps, and no burst of twice the limit
 * across a window boundary as plain fixed windows allow. Pure, so it is tested exhaustively.
 */
import type { RateLimitDecision, RateLimitRule } from '../../ports/rate-limit';

export function windowStart(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/** Tolerance for floating-point weights, so an estimate that is exactly the limit is not refused. */
const EPSILON = 1e-9;

/**
 * How many attempts the current fixed window may hold at `nowMs` given the previous window's
 * count: the largest n with `previous * overlap + n <= limit`.
 */
export function allowance(nowMs: number, rule: RateLimitRule, previous: number): number {
  const { limit, windowMs: w } = rule;
  if (!(limit >= 1) || !(w > 0)) throw new RangeError('A rate limit needs a limit of at least 1 and a positive window');
  const overlap = (windowStart(nowMs, w) + w - nowMs) / w;
  return Math.max(0, Math.floor(limit - Math.max(0, previous) * overlap + EPSILON));
}

/**
 * Decides one attempt at `nowMs`. `previous` and `current` are the counts of the previous and the
 * current fixed window NOT including this attempt.
 */
export function decide(nowMs: number, rule: RateLimitRule, counts: { previous: number; current: number }): RateLimitDecision {
  const { limit, windowMs: w } = rule;
  if (!(limit >= 1) || !(w > 0)) throw new RangeError('A rate limit needs a limit of at least 1 and a positive window');
  const ws = windowStart(nowMs, w);
  const p = Math.max(0, counts.previous);
  const c = Math.max(0, counts.current);
  const room = allowance(nowMs, rule, p);
  if (c + 1 <= room) return { allowed: true, remaining: room - c - 1, resetAt: new Date(ws + w) };
  return { allowed: false, remaining: 0, resetAt: new Date(Math.max(nowMs + 1, nextAllowedAt(ws, rule, p, c))) };
}

/** The earliest time one more attempt fits, if nothing else is counted meanwhile. */
function nextAllowedAt(ws: number, rule: RateLimitRule, p: number, c: number): number {
  const { limit, windowMs: w } = rule;
  const room = limit - 1 - c;
  if (room >= 0 && p > 0) {
    // Still in this window, once enough of the previous one has slid out.
    return Math.ceil(ws + w - (room * w) / p - EPSILON);
  }
  if (c === 0) return ws + w;
  // In the next window, where this window's count is the weighted one.
  return Math.ceil(ws + 2 * w - ((limit - 1) * w) / c - EPSILON);
}
