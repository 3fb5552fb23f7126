import type { CreatePaymentLinkInput, PaymentGateway, PaymentLink } from '../../ports/payment-gateway';
import { PaymentGatewayError } from '../../ports/payment-gateway';

export interface XenditOptions {
  /** https://api.xendit.co (XENDIT_API_URL; a local stand-in in tests). */
  baseUrl: string;
  /** The default secret API key (XENDIT_API_KEY); a brand's own key takes precedence. */
  apiKey: string | null;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface XenditInvoice {
  id?: unknown;
  invoice_url?: unknown;
  expiry_date?: unknown;
}

/**
 * Xendit's Invoice API: `POST /v2/invoices` with HTTP Basic auth (the secret key as the user
 * name, no password) creates a hosted invoice page; its `invoice_url` is the payment link.
 * Xendit reports the payment later through the invoice callback (POST /api/invoices/xendit-callback).
 * Failures become PaymentGatewayError with a reason safe to record (never the key).
 */
export function createXenditGateway(options: XenditOptions): PaymentGateway {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  return {
    name: 'xendit',
    async createPaymentLink(input: CreatePaymentLinkInput): Promise<PaymentLink> {
      const key = input.apiKey ?? options.apiKey;
      if (!key) throw new PaymentGatewayError('no Xendit API key is configured for this brand');
      const body: Record<string, unknown> = {
        external_id: input.externalId,
        amount: input.amount,
        currency: input.currency,
        description: input.description,
        invoice_duration: input.durationSeconds,
      };
      if (input.payerEmail) body.payer_email = input.payerEmail;
      if (input.customerName) body.customer = { given_names: input.customerName, ...(input.payerEmail ? { email: input.payerEmail } : {}) };
      let res: Response;
      try {
        res = await doFetch(`${base}/v2/invoices`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify(body),
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        throw new PaymentGatewayError(timedOut ? 'Xendit did not answer in time' : 'Xendit could not be reached');
      }
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      if (!res.ok) {
        const code = json && typeof json === 'object' && typeof (json as { error_code?: unknown }).error_code === 'string' ? (json as { error_code: string }).error_code : null;
        throw new PaymentGatewayError(`Xendit answered ${res.status}${code ? ` ${code}` : ''}`, res.status);
      }
      const invoice = (json ?? {}) as XenditInvoice;
      if (typeof invoice.id !== 'string' || typeof invoice.invoice_url !== 'string') {
        throw new PaymentGatewayError('Xendit answered without an invoice id and url', res.status);
      }
      return {
        gatewayInvoiceId: invoice.id,
        url: invoice.invoice_url,
        expiresAt: typeof invoice.expiry_date === 'string' ? invoice.expiry_date : null,
      };
    },
  };
}
