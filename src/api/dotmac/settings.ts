import type { RateLimitRule } from '../../ports/rate-limit';

/**
 * Document 004's limits per endpoint type ("Rate Limits by Endpoint Type"), each configurable
 * (docs/configuration.md, DOTMAC_RATE_LIMIT_*; 0 switches one off):
 *  - portal authentication (login, refresh): 10 per minute per IP;
 *  - portal APIs: 100 per minute per Portal ID;
 *  - admin APIs: 1000 per minute per user;
 *  - file uploads: 10 per minute per user;
 *  - report generation: 5 per minute per user.
 */
export interface DotmacRateLimits {
  portalAuth: RateLimitRule;
  portal: RateLimitRule;
  admin: RateLimitRule;
  upload: RateLimitRule;
  report: RateLimitRule;
}

export const DEFAULT_DOTMAC_RATE_LIMITS: DotmacRateLimits = {
  portalAuth: { limit: 10, windowMs: 60_000 },
  portal: { limit: 100, windowMs: 60_000 },
  admin: { limit: 1000, windowMs: 60_000 },
  upload: { limit: 10, windowMs: 60_000 },
  report: { limit: 5, windowMs: 60_000 },
};

/** What the 004 HTTP layer reads from configuration (built by src/dotmac-wiring.ts). */
export interface DotmacApiSettings {
  rateLimits: DotmacRateLimits;
  /** `tenant_id` of portal tokens (and of webhook payloads): this deployment is one tenant. */
  tenantId: string;
  portal: {
    /** Lifetime of a portal access token (the document shows 3600). */
    accessTtlSeconds: number;
    /** Lifetime of a portal refresh token (a session without activity); with remember_me the longer one. */
    refreshTtlSeconds: number;
    rememberMeTtlSeconds: number;
  };
}

export const DEFAULT_DOTMAC_API_SETTINGS: DotmacApiSettings = {
  rateLimits: DEFAULT_DOTMAC_RATE_LIMITS,
  tenantId: 'default',
  portal: { accessTtlSeconds: 3600, refreshTtlSeconds: 86_400, rememberMeTtlSeconds: 30 * 86_400 },
};
