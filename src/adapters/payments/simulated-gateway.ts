import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock';
import type { ChargedCard, ChargeInput, ChargeResult, CreatePaymentLinkInput, PaymentGateway, PaymentLink } from '../../ports/payment-gateway';
import { trimOldest } from '../../domain/shared/bounded-map';

/**
 * Portal card payments on the simulated gateway (document 004): any `pm_…` token is a card,
 * as the usual test tokens name them: `pm_card_visa` (the default, 4242), `pm_card_mastercard`
 * (4444), `pm_card_amex` (8431), `…debit…` a debit card; `…declined…` is declined
 * (card_declined), `…insufficient…` too (insufficient_funds). The same idempotency key charges
 * once: its result is remembered and answered again.
 */
function simulatedCard(token: string, clock: Clock): ChargedCard {
  const t = token.toLowerCase();
  const brand = t.includes('mastercard') ? 'mastercard' : t.includes('amex') ? 'amex' : 'visa';
  return {
    type: t.includes('debit') ? 'debit_card' : 'credit_card',
    brand,
    lastFour: brand === 'mastercard' ? '4444' : brand === 'amex' ? '8431' : '4242',
    expMonth: 12,
    expYear: clock.now().getUTCFullYear() + 3,
  };
}

function simulatedCharge(input: ChargeInput, clock: Clock): ChargeResult {
  const transactionId = `txn_sim_${createHash('sha256').update(input.idempotencyKey).digest('hex').slice(0, 24)}`;
  if (!/^pm_[A-Za-z0-9_]{1,120}$/.test(input.paymentMethodToken)) return { status: 'declined', reason: 'invalid_payment_method', transactionId: null, card: null };
  const card = simulatedCard(input.paymentMethodToken, clock);
  const t = input.paymentMethodToken.toLowerCase();
  if (t.includes('declined')) return { status: 'declined', reason: 'card_declined', transactionId, card };
  if (t.includes('insufficient')) return { status: 'declined', reason: 'insufficient_funds', transactionId, card };
  return { status: 'succeeded', transactionId, card };
}

/**
 * The simulated gateway of the embedded default and the tests: no network; the link points at
 * this server's base URL and the gateway id is derived from the external id, so asking twice
 * gives the same link. A payment is simulated by posting a Xendit-shaped callback to
 * POST /api/invoices/xendit-callback with the configured XENDIT_CALLBACK_TOKEN.
 */
export function createSimulatedGateway(options: { baseUrl: string; clock: Clock }): PaymentGateway {
  const charges = new Map<string, ChargeResult>();
  return {
    name: 'simulated',
    async chargePaymentMethod(input: ChargeInput): Promise<ChargeResult> {
      const earlier = charges.get(input.idempotencyKey);
      if (earlier) return earlier;
      const result = simulatedCharge(input, options.clock);
      // Remembered for retries; the oldest forgotten past 10,000 (a simulation, not a ledger).
      charges.set(input.idempotencyKey, result);
      trimOldest(charges, 10_000);
      return result;
    },
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
