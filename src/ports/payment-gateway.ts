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

export interface PaymentGateway {
  /** `xendit` or `simulated`: recorded with the link, shown as the invoice's gateway. */
  readonly name: string;
  createPaymentLink(input: CreatePaymentLinkInput): Promise<PaymentLink>;
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
