import type { RequestHandler } from 'express';
import type { RateLimitRule } from '../../ports/rate-limit';
import { clientIp, rateLimit, type RateLimitPolicy } from '../http/rate-limit';
import type { ApiDeps } from '../deps';
import { rateLimitBody } from './errors';

/**
 * Document 002's rate limits ("Rate Limiting"), counted by the shared RateLimiter (in the read
 * store: with MongoDB they hold across instances). Each is configurable (docs/configuration.md):
 *  - authentication (token, refresh, logout): 5 per 5 minutes per IP;
 *  - every other route: 100 per minute per user;
 *  - the CSV export: 10 per hour per user; the CSV import: 5 per hour per user (on top of the general one).
 * A limit of 0 switches it off. Refused: 429 `{ detail: "Rate limit exceeded", retry_after }` and Retry-After.
 */
export interface BillingRateLimits {
  auth: RateLimitRule;
  general: RateLimitRule;
  export: RateLimitRule;
  import: RateLimitRule;
}

export const DEFAULT_BILLING_RATE_LIMITS: BillingRateLimits = {
  auth: { limit: 5, windowMs: 5 * 60_000 },
  general: { limit: 100, windowMs: 60_000 },
  export: { limit: 10, windowMs: 3_600_000 },
  import: { limit: 5, windowMs: 3_600_000 },
};

const byUser = (name: string, rule: RateLimitRule): RateLimitPolicy => ({ name, rule, key: (req) => req.auth?.userId ?? clientIp(req) });

function limiter(deps: ApiDeps, policies: RateLimitPolicy[]): RequestHandler {
  return rateLimit({
    limiter: deps.rateLimiter,
    policies,
    clock: deps.commands.clock,
    refuse: (res, r) => res.json(rateLimitBody(r.retryAfterSeconds)),
  });
}

export function billingRateLimits(deps: ApiDeps) {
  const rules = deps.settings.billing.rateLimits;
  return {
    /** Per IP, before anything is read. */
    auth: limiter(deps, [{ name: 'billing:auth:ip', rule: rules.auth, key: (req) => clientIp(req) }]),
    /** Per signed-in user (after authentication). */
    general: limiter(deps, [byUser('billing:general', rules.general)]),
    export: limiter(deps, [byUser('billing:export', rules.export)]),
    import: limiter(deps, [byUser('billing:import', rules.import)]),
  };
}

export type BillingLimiters = ReturnType<typeof billingRateLimits>;
