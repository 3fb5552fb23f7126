import type { BillingRateLimits } from './rate-limit';

/** What document 002's routers read from configuration (src/app.ts builds it from src/config.ts). */
export interface BillingApiSettings {
  rateLimits: BillingRateLimits;
  /** XENDIT_CALLBACK_TOKEN: the `x-callback-token` Xendit sends; unset refuses every callback. */
  xenditCallbackToken: string | null;
  /** Maximum size of an imported CSV file. */
  importMaxBytes: number;
}
