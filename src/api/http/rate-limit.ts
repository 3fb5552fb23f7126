import type { Request, RequestHandler, Response } from 'express';
import type { Clock } from '../../ports/clock';
import type { RateLimitDecision, RateLimiter, RateLimitRule } from '../../ports/rate-limit';

/**
 * Rate limits on a route, counted by the RateLimiter port (in the shared read store, so they hold
 * across instances). Policies are checked in order; the first that refuses answers 429 with
 * `Retry-After` (seconds) in the router's own error format, and the later ones are not counted.
 * Every answer carries `X-RateLimit-Limit`, `-Remaining` and `-Reset` (epoch seconds) of the
 * tightest policy, as document 004 shows them.
 */

export interface RateLimitPolicy {
  /** Prefix of the counted key, e.g. `login:ip`. */
  name: string;
  /** A limit of 0 switches the policy off. */
  rule: RateLimitRule;
  /** What to count this request under; null to not count it under this policy. */
  key(req: Request): string | null;
  /** Forget the key's attempts when the request succeeds (status below 400), e.g. a login. */
  resetOnSuccess?: boolean;
}

export interface RateLimitRefusal {
  policy: string;
  limit: number;
  windowMs: number;
  retryAfterSeconds: number;
  resetAt: Date;
}

export interface RateLimitOptions {
  limiter: RateLimiter;
  policies: readonly RateLimitPolicy[];
  clock: Clock;
  /** Writes the 429 body in the router's error format (status and Retry-After are already set). */
  refuse(res: Response, refusal: RateLimitRefusal): void;
}

/** The client address as Express sees it (`trust proxy` decides whether X-Forwarded-For counts). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function rateLimit(options: RateLimitOptions): RequestHandler {
  const active = options.policies.filter((p) => p.rule.limit > 0 && p.rule.windowMs > 0);
  return (req, res, next) => {
    void (async () => {
      let tightest: { rule: RateLimitRule; decision: RateLimitDecision } | null = null;
      const toReset: string[] = [];
      for (const policy of active) {
        const key = policy.key(req);
        if (key === null) continue;
        const counted = `${policy.name}:${key}`;
        const decision = await options.limiter.hit(counted, policy.rule);
        if (!decision.allowed) {
          const now = options.clock.now().getTime();
          const retryAfterSeconds = Math.max(1, Math.ceil((decision.resetAt.getTime() - now) / 1000));
          setHeaders(res, policy.rule, decision);
          res.setHeader('Retry-After', String(retryAfterSeconds));
          res.status(429);
          options.refuse(res, { policy: policy.name, limit: policy.rule.limit, windowMs: policy.rule.windowMs, retryAfterSeconds, resetAt: decision.resetAt });
          return;
        }
        if (policy.resetOnSuccess) toReset.push(counted);
        if (!tightest || decision.remaining < tightest.decision.remaining) tightest = { rule: policy.rule, decision };
      }
      if (tightest) setHeaders(res, tightest.rule, tightest.decision);
      if (toReset.length > 0) {
        res.on('finish', () => {
          if (res.statusCode < 400) for (const key of toReset) options.limiter.reset(key).catch(() => undefined);
        });
      }
      next();
    })().catch(next);
  };
}

function setHeaders(res: Response, rule: RateLimitRule, decision: RateLimitDecision): void {
  res.setHeader('X-RateLimit-Limit', String(rule.limit));
  res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
  res.setHeader('X-RateLimit-Reset', String(Math.ceil(decision.resetAt.getTime() / 1000)));
}

export interface LoginRateLimitSettings {
  /** Attempts per window for one e-mail address from one IP (0: off). */
  perEmail: number;
  /** Attempts per window from one IP, whatever the e-mail (0: off). */
  perIp: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimitSettings = { perEmail: 10, perIp: 100, windowMs: 15 * 60_000 };

/** The login policies: per IP, then per IP and e-mail (forgotten after a successful login). */
export function loginPolicies(settings: LoginRateLimitSettings, prefix = 'login'): RateLimitPolicy[] {
  const email = (req: Request): string | null => {
    const body = req.body as { email?: unknown } | undefined;
    return typeof body?.email === 'string' && body.email.trim() !== '' ? body.email.trim().toLowerCase() : null;
  };
  return [
    { name: `${prefix}:ip`, rule: { limit: settings.perIp, windowMs: settings.windowMs }, key: (req) => clientIp(req) },
    {
      name: `${prefix}:ip-email`,
      rule: { limit: settings.perEmail, windowMs: settings.windowMs },
      key: (req) => {
        const e = email(req);
        return e === null ? null : `${clientIp(req)}|${e}`;
      },
      resetOnSuccess: true,
    },
  ];
}
