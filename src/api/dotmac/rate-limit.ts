import type { Request, RequestHandler } from 'express';
import type { RateLimitRule } from '../../ports/rate-limit';
import type { ApiDeps } from '../deps';
import { bearerToken } from '../http/authenticate';
import { clientIp, rateLimit, type RateLimitPolicy } from '../http/rate-limit';
import { rateLimitRefusal } from './errors';
import type { DotmacRateLimits } from './settings';

/**
 * Document 004's rate limits, counted by the shared RateLimiter port (the read store: with
 * MongoDB they hold across instances). Each limiter is the FIRST middleware of the router or
 * route it guards, so `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` are on
 * every answer, a 401, a 404 or a validation error included; a refused request is 429
 * RATE_LIMIT_EXCEEDED in 004's format with Retry-After.
 *
 * Who is counted ("per user/IP combination"): the portal by Portal ID and the admin APIs by user
 * when the request carries a token whose signature holds (checked here without the read models:
 * a revoked session is refused right after, still counted); otherwise by client IP. The portal
 * login and refresh are counted per IP.
 */
export type DotmacLimit = keyof DotmacRateLimits;

/** The identity a bearer token names when its signature holds, for counting; null otherwise. */
function tokenSubject(deps: ApiDeps, req: Request, audience: 'portal' | 'staff'): string | null {
  const token = bearerToken(req.get('authorization'));
  if (!token) return null;
  try {
    if (audience === 'portal') return `portal:${deps.tokens.verifyPortalAccess(token).portal_id}`;
    return `user:${deps.tokens.verifyAccess(token, 'staff').sub}`;
  } catch {
    return null;
  }
}

const ipKey = (req: Request) => `ip:${clientIp(req)}`;

function policy(deps: ApiDeps, kind: DotmacLimit, rule: RateLimitRule): RateLimitPolicy {
  const name = `dotmac:${kind}`;
  switch (kind) {
    case 'portalAuth':
      return { name, rule, key: ipKey };
    case 'portal':
      return { name, rule, key: (req) => tokenSubject(deps, req, 'portal') ?? ipKey(req) };
    default:
      return { name, rule, key: (req) => req.auth?.userId ?? tokenSubject(deps, req, 'staff') ?? ipKey(req) };
  }
}

/**
 * One middleware counting the request under each named limit (in order; the first that refuses
 * answers 429). The headers show the tightest of them. E.g. an admin router:
 * `router.use(dotmacLimiter(deps, 'admin'))`; a report route adds `before: [dotmacLimiter(deps, 'report')]`.
 */
export function dotmacLimiter(deps: ApiDeps, ...kinds: DotmacLimit[]): RequestHandler {
  const rules = deps.settings.dotmac.rateLimits;
  return rateLimit({
    limiter: deps.rateLimiter,
    clock: deps.commands.clock,
    policies: kinds.map((k) => policy(deps, k, rules[k])),
    refuse: (res, refusal) => rateLimitRefusal(deps, res.req, res, refusal),
  });
}
