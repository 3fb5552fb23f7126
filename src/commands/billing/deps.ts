import type { PaymentProvider } from '../../domain/brand';
import type { PaymentGateway } from '../../ports/payment-gateway';
import type { SecretBox } from '../../ports/secret-box';
import type { UserCommandDeps } from '../users';

/** Billing policy from configuration (docs/configuration.md, BILLING_*). */
export interface BillingSettings {
  /** ISO 4217 code of every amount (IDR: minor units are rupiah). */
  currency: string;
  /** IANA time zone of the business: due dates, periods and "today" are dates there. */
  timeZone: string;
  /** Days an invoice may be overdue before the customer's subscription is suspended. */
  suspendAfterDays: number;
  /**
   * The brand of what document 004's admin creates for a customer without one (invoices, catalog
   * entries): BILLING_DEFAULT_BRAND, registered with the simulated gateway the first time it is needed.
   */
  defaultBrand?: string;
}

/** What the billing use cases need besides the event store, clock and ids. */
export interface BillingCommandDeps extends UserCommandDeps {
  /** Seals PPPoE passwords and gateway keys at rest. */
  secrets: SecretBox;
  /** The adapter that makes payment links for a brand's provider. */
  paymentGateway(provider: PaymentProvider): PaymentGateway;
  billing: BillingSettings;
}
