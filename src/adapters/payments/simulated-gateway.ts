import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock';
import type { CreatePaymentLinkInput, PaymentGateway, PaymentLink } from '../../ports/payment-gateway';

/**
 * The simulated gateway of the embedded default and the tests: no network; the link points at
 * this server's base URL and the gateway id is derived from the external id, so asking twice
 * gives the same link. A payment is simulated by posting a Xendit-shaped callback to
 * POST /api/invoices/xendit-callback with the configured XENDIT_CALLBACK_TOKEN.
 */
export function createSimulatedGateway(options: { baseUrl: string; clock: Clock }): PaymentGateway {
  return {
    name: 'simulated',
    async createPaymentLink(input: CreatePaymentLinkInput): Promise<PaymentLink> {
      const id = `sim_${createHash('sha256').update(input.externalId).digest('hex').slice(0, 24)}`;
      return {
        gatewayInvoiceId: id,
        url: `${options.baseUrl.replace(/\/$/, '')}/simulated-payments/${id}`,
        expiresAt: new Date(options.clock.now().getTime() + input.durationSeconds * 1000).toISOString(),
      };
    },
  };
}
