/**
 * Rate limiter on the read store port, in the `_rate_limits` collection. On MongoDB every
 * instance counts in the same documents, so a limit holds across instances; on the in-memory
 * store it holds within the process.
 *
 * Each allowed attempt claims a numbered slot in its fixed window: a document with the _id
 * `<key digest>:<window length>:<window start>:<n>`. An attempt counts the slots of this window
 * and of the previous one, works out how many slots this window may hold (the sliding-window
 * estimate, see sliding-window.ts), and inserts the next free slot; when another attempt took it
 * at the same moment, the unique _id refuses the insert and it recounts and tries the next free one. So under any
 * concurrency, on any number of instances, no more attempts are allowed than the limit (the port
 * has no find-and-modify, and a counter read after its $inc would refuse everyone in a burst).
 * A refused attempt writes nothing, so hammering a refused key does not push its window out.
 *
 * Keys are stored as a SHA-256 digest (they hold e-mail addresses and IPs). Every slot carries
 * `expires_at`, the end of the window after its own (the last moment it still weighs in), and
 * `sweep()` deletes the expired ones; the composition root calls it periodically.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock';
import type { RateLimitDecision, RateLimiter, RateLimitRule } from '../../ports/rate-limit';
import { DuplicateKeyError, type Collection, type Doc, type ReadStore } from '../../ports/read-store';
import { allowance, decide, windowStart } from './sliding-window';

export const RATE_LIMITS = '_rate_limits';

interface SlotDoc extends Doc {
  key: string;
  window_ms: number;
  window_start: Date;
  expires_at: Date;
}

export interface ReadStoreRateLimiter extends RateLimiter {
  /** Deletes slots that no longer weigh in any window; resolves to how many. */
  sweep(): Promise<number>;
  /** Sweeps every `intervalMs` (an unref'd timer); returns the function that stops it. */
  startSweeping(intervalMs: number, onError?: (err: unknown) => void): () => void;
}

export function createReadStoreRateLimiter(store: ReadStore, options: { clock: Clock; collection?: string }): ReadStoreRateLimiter {
  const name = options.collection ?? RATE_LIMITS;
  const { clock } = options;
  let indexes: Promise<void> | null = null;
  const slots = (): Collection<SlotDoc> => store.collection<SlotDoc>(name);
  const ensureIndexes = (): Promise<void> => {
    indexes ??= slots()
      .createIndexes([{ keys: { key: 1, window_ms: 1, window_start: 1 } }, { keys: { expires_at: 1 } }])
      .catch((err: unknown) => {
        indexes = null;
        throw err;
      });
    return indexes;
  };
  const digest = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 40);
  const count = (k: string, windowMs: number, start: number): Promise<number> =>
    slots().countDocuments({ key: k, window_ms: windowMs, window_start: new Date(start) });

  const limiter: ReadStoreRateLimiter = {
    async hit(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
      if (!(rule.limit >= 1) || !(rule.windowMs > 0)) throw new RangeError('A rate limit needs a limit of at least 1 and a positive window');
      await ensureIndexes();
      const now = clock.now().getTime();
      const w = rule.windowMs;
      const start = windowStart(now, w);
      const k = digest(key);
      const [previous, current] = await Promise.all([count(k, w, start - w), count(k, w, start)]);
      const room = allowance(now, rule, previous);
      const fields = { key: k, window_ms: w, window_start: new Date(start), expires_at: new Date(start + 2 * w) };
      for (let slot = current + 1; slot <= room; slot++) {
        try {
          await slots().insertOne({ _id: `${k}:${w}:${start}:${slot}`, ...fields });
        } catch (err) {
          if (!(err instanceof DuplicateKeyError)) throw err;
          // Taken a moment ago: skip past every slot taken since (a burst would otherwise try them one by one).
          slot = Math.max(slot, await count(k, w, start));
          continue;
        }
        return { allowed: true, remaining: room - slot, resetAt: new Date(start + w) };
      }
      const refused = decide(now, rule, { previous, current: Math.max(current, room) });
      return { ...refused, allowed: false, remaining: 0 };
    },
    async reset(key: string): Promise<void> {
      await slots().deleteMany({ key: digest(key) });
    },
    async sweep(): Promise<number> {
      const { deletedCount } = await slots().deleteMany({ expires_at: { $lt: clock.now() } });
      return deletedCount;
    },
    startSweeping(intervalMs: number, onError?: (err: unknown) => void): () => void {
      const timer = setInterval(() => {
        limiter.sweep().catch((err: unknown) => onError?.(err));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
  return limiter;
}
