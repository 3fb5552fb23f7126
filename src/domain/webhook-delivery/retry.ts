/**
 * The retry schedule of webhook deliveries: exponential back-off with jitter.
 *
 * After the n-th failed attempt of a round (a round starts when the message is scheduled or a
 * redelivery is asked for), the next one waits d = min(maxDelayMs, baseMs × 2^(n−1)) stretched
 * by a random factor in [1, 1.5): never sooner than the nominal delay, and spread so that
 * receivers coming back from an outage are not hit by every sender at the same instant. A
 * Retry-After the receiver sent (429, 503) is honoured: the wait is at least that long (capped
 * at maxDelayMs). With the default base of a minute and 8 attempts: 1, 2, 4, 8, 16, 32 and 64
 * minutes nominal between them, about two to three hours in all.
 */
export interface RetryPolicy {
  /** Attempts per round, the first included. */
  maxAttempts: number;
  /** WEBHOOK_RETRY_BASE_MS. */
  baseMs: number;
  /** Longest single wait. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseMs: 60_000, maxDelayMs: 6 * 3_600_000 };

/** The wait after the `failedInRound`-th failed attempt; `random` in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, failedInRound: number, random: number, retryAfterMs: number | null = null): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, failedInRound - 1));
  const jittered = Math.round(nominal * (1 + Math.min(Math.max(random, 0), 0.999_999) / 2));
  if (retryAfterMs === null || retryAfterMs <= jittered) return jittered;
  return Math.min(retryAfterMs, Math.max(policy.maxDelayMs, jittered));
}

/** What one attempt came back with. */
export type AttemptResult =
  | { kind: 'response'; statusCode: number; retryAfterMs: number | null }
  | { kind: 'error'; message: string };

/** How an answer is taken: delivered, worth another try, or final. */
export function classifyAttempt(result: AttemptResult): 'delivered' | 'retryable' | 'final' {
  if (result.kind === 'error') return 'retryable';
  const s = result.statusCode;
  if (s >= 200 && s < 300) return 'delivered';
  if (s === 408 || s === 429 || s >= 500) return 'retryable';
  // Redirects are not followed; another 4xx says the request itself is unwelcome.
  return 'final';
}

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
