import type { Config } from './config';
import { createOtplibTotp } from './adapters/otp/otplib-totp';
import type { DotmacApiSettings } from './api/dotmac/settings';
import type { PortalCommandDeps } from './commands/portal-accounts';

/**
 * Document 004's part of the composition root (called by src/app.ts, the only caller): the
 * TOTP adapter and the portal settings from the configuration (docs/configuration.md,
 * DOTMAC_* and PORTAL_*).
 */
export function dotmacCommandSettings(config: Config): Pick<PortalCommandDeps, 'totp' | 'portal'> {
  return {
    totp: createOtplibTotp({ skewSteps: config.PORTAL_TOTP_SKEW_STEPS }),
    portal: {
      lockout: { threshold: config.PORTAL_LOCKOUT_ATTEMPTS, lockMs: config.PORTAL_LOCKOUT_MINUTES * 60_000 },
      totpIssuer: config.PORTAL_TOTP_ISSUER,
      allowPartialPayments: config.PORTAL_PARTIAL_PAYMENTS,
    },
  };
}

export function dotmacApiSettings(config: Config): DotmacApiSettings {
  const rule = (limit: number) => ({ limit, windowMs: config.DOTMAC_RATE_LIMIT_WINDOW_SECONDS * 1000 });
  return {
    rateLimits: {
      portalAuth: rule(config.DOTMAC_RATE_LIMIT_PORTAL_AUTH),
      portal: rule(config.DOTMAC_RATE_LIMIT_PORTAL),
      admin: rule(config.DOTMAC_RATE_LIMIT_ADMIN),
      upload: rule(config.DOTMAC_RATE_LIMIT_UPLOAD),
      report: rule(config.DOTMAC_RATE_LIMIT_REPORT),
    },
    tenantId: config.DOTMAC_TENANT_ID,
    portal: {
      accessTtlSeconds: config.PORTAL_ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.PORTAL_REFRESH_TOKEN_TTL_SECONDS,
      rememberMeTtlSeconds: config.PORTAL_REMEMBER_ME_TTL_SECONDS,
    },
  };
}
