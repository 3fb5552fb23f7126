import type { Config } from './config';
import { createSimulatedGateway } from './adapters/payments/simulated-gateway';
import { createXenditGateway } from './adapters/payments/xendit-gateway';
import type { BillingApiSettings } from './api/ftth-billing/settings';
import type { BillingCommandDeps } from './commands/billing/deps';
import type { PaymentProvider } from './domain/brand';
import type { Clock } from './ports/clock';
import type { PaymentGateway } from './ports/payment-gateway';

/**
 * Document 002's part of the composition root (called by src/app.ts, the only caller): the
 * payment gateway adapters and the billing settings, from the configuration.
 *
 * Payment links: a brand whose gateway is `simulated` always gets the simulated gateway; one
 * whose gateway is `xendit` gets Xendit when PAYMENT_GATEWAY=xendit, and the simulated gateway
 * otherwise (the embedded default never calls out).
 */
export function billingCommandSettings(config: Config, clock: Clock): Pick<BillingCommandDeps, 'paymentGateway' | 'billing'> {
  const baseUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT || 8000}`;
  const simulated = createSimulatedGateway({ baseUrl, clock });
  const xendit = config.PAYMENT_GATEWAY === 'xendit' ? createXenditGateway({ baseUrl: config.XENDIT_API_URL, apiKey: config.XENDIT_API_KEY ?? null }) : simulated;
  return {
    paymentGateway: (provider: PaymentProvider): PaymentGateway => (provider === 'xendit' ? xendit : simulated),
    billing: { currency: config.BILLING_CURRENCY, timeZone: config.BILLING_TIME_ZONE, suspendAfterDays: config.BILLING_SUSPEND_AFTER_DAYS, defaultBrand: config.BILLING_DEFAULT_BRAND },
  };
}

export function billingApiSettings(config: Config): BillingApiSettings {
  const rule = (limit: number, seconds: number) => ({ limit, windowMs: seconds * 1000 });
  return {
    rateLimits: {
      auth: rule(config.BILLING_RATE_LIMIT_AUTH, config.BILLING_RATE_LIMIT_AUTH_WINDOW_SECONDS),
      general: rule(config.BILLING_RATE_LIMIT_GENERAL, config.BILLING_RATE_LIMIT_GENERAL_WINDOW_SECONDS),
      export: rule(config.BILLING_RATE_LIMIT_EXPORT, config.BILLING_RATE_LIMIT_EXPORT_WINDOW_SECONDS),
      import: rule(config.BILLING_RATE_LIMIT_IMPORT, config.BILLING_RATE_LIMIT_IMPORT_WINDOW_SECONDS),
    },
    xenditCallbackToken: config.XENDIT_CALLBACK_TOKEN ?? null,
    importMaxBytes: config.UPLOAD_MAX_BYTES,
  };
}
