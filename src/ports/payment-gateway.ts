/**
 * Payment gateway port: creates a payment link (a hosted invoice page) for an invoice. The
 * gateway later reports the outcome through its callback (POST /api/invoices/xendit-callback),
 * which is verified and applied by the invoice commands, not by the adapter.
 *
 * Adapters: a simulated gateway (the embedded default and tests: no network, a link on this
 * server) and Xendit (src/adapters/payments/xendit-gateway.ts: POST /v2/invoices with HTTP
 * Basic auth).
 */

export interface CreatePaymentLinkInput {
  /** The invoice's reference at the gateway (Xendit `external_id`); callbacks name it. */
  externalId: string;
  /** Minor units. */
  amount: number;
  currency: string;
  description: string;
  payerEmail: string | null;
  customerName: string | null;
  /** Seconds the link stays valid. */
  durationSeconds: number;
  /** The brand's own secret API key (opened from its sealed form); null: the configured default. */
  apiKey: string | null;
}

export interface PaymentLink {
  /** The gateway's id of the hosted invoice. */
  gatewayInvoiceId: string;
  url: string;
  expiresAt: string | null;
}

/**
 * Charging a payment method the customer's browser tokenised with the gateway (document 004's
 * portal payments: `payment_method_id`, e.g. `pm_…`). This backend never sees a card number:
 * it sends the token and gets back the outcome and what may be stored (type, brand, last four,
 * expiry). `idempotencyKey`: the same key charges once, however often it is sent.
 */
export interface ChargeInput {
  paymentMethodToken: string;
  /** Minor units. */
  amount: number;
  currency: string;
  description: string;
  idempotencyKey: string;
  /** The brand's own secret API key (opened from its sealed form); null: the configured default. */
  apiKey: string | null;
}

export interface ChargedCard {
  type: 'credit_card' | 'debit_card';
  brand: string;
  lastFour: string;
  expMonth: number;
  expYear: number;
}

export type ChargeResult =
  | { status: 'succeeded'; transactionId: string; card: ChargedCard }
  | { status: 'declined'; reason: string; transactionId: string | null; card: ChargedCard | null };

export interface PaymentGateway {
  /** `xendit` or `simulated`: recorded with the link, shown as the invoice's gateway. */
  readonly name: string;
  createPaymentLink(input: CreatePaymentLinkInput): Promise<PaymentLink>;
  /** Charges a tokenised payment method (document 004); a gateway without it cannot take portal card payments. */
  chargePaymentMethod?(input: ChargeInput): Promise<ChargeResult>;
}

/** The gateway could not make a link (refused, unreachable, misconfigured); `reason` is safe to record. */
export class PaymentGatewayError extends Error {
  constructor(
    readonly reason: string,
    readonly status: number | null = null,
  ) {
    super(`Payment gateway: ${reason}`);
    this.name = 'PaymentGatewayError';
  }
}
