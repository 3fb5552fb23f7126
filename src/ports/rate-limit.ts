/**
 * Rate limiting port: counts attempts per key in a time window. The read-store implementation
 * (src/adapters/rate-limit/) keeps its counters in the shared read store, so with MongoDB a limit
 * holds across every instance behind the load balancer.
 */

export interface RateLimitRule {
  /** Attempts allowed per window (at least 1). */
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Attempts left in the window after this one (0 when refused). */
  remaining: number;
  /** Allowed: when the current window ends. Refused: the earliest time an attempt will be allowed again. */
  resetAt: Date;
}

export interface RateLimiter {
  /** Counts one attempt for `key` (a refused attempt is not counted) and says whether it is allowed. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
  /** Forgets the attempts counted for `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}
