import { createHash } from 'node:crypto';
import { brandDecider, brandStream } from '../domain/brand';
import { netPaid } from '../domain/invoice';
import { paymentMethodsDecider, paymentMethodsStream } from '../domain/payment-method';
import { invoiceCheckoutDecider, invoiceCheckoutStream, PaymentDeclinedError } from '../domain/portal-payment';
import { IllegalStateError, NotFoundError } from '../domain/shared/errors';
import { PaymentGatewayError } from '../ports/payment-gateway';
import { loadInvoice, payInvoice } from './billing/invoices';
import type { BillingCommandDeps } from './billing/deps';
import type { RequestMeta } from './context';
import { handleCommand, loadAggregate } from './handle-command';
import type { PortalCommandDeps } from './portal-accounts';

/**
 * A customer pays one of their invoices by card in the portal (document 004 POST
 * /api/portal/v1/billing/payments), through the PaymentGateway port of the invoice's brand:
 *
 *  1. the invoice must be the customer's (404 otherwise) and payable (issued or overdue: 409);
 *  2. the attempt starts on `invoice_checkout-<invoiceId>` (amount = what is outstanding,
 *     unless PORTAL_PARTIAL_PAYMENTS; one attempt at a time; see the checkout decider);
 *  3. the gateway charges the token with an idempotency key: derived from the client's
 *     Idempotency-Key when there is one (a retry after a crash charges once), else the attempt id;
 *  4. declined: PortalPaymentFailed, PaymentDeclinedError (422 PAYMENT_FAILED);
 *     unreachable: the attempt stays pending (a retry with the same key resumes it), 502;
 *  5. succeeded: document 002's payInvoice records the payment on the invoice (method `card`,
 *     the gateway and its transaction id), PortalPaymentSucceeded closes the attempt, and the
 *     method is saved when asked (only the token, type, brand, last four and expiry).
 */
export interface PortalPaymentInput {
  customerId: string;
  invoiceId: number;
  /** Minor units. */
  amount: number;
  paymentMethodToken: string;
  savePaymentMethod: boolean;
  /** The client's Idempotency-Key, scoped to the caller (null: none sent). */
  idempotencyKey: string | null;
}

export interface PortalPaymentResult {
  paymentId: number;
  transactionId: string;
  amount: number;
  currency: string;
  invoicePaid: boolean;
  card: { type: string; brand: string; lastFour: string; expMonth: number; expYear: number };
  position: number | null;
}

/** How long an attempt the gateway never answered blocks others. */
export const CHECKOUT_STALE_AFTER_MS = 2 * 60_000;

type Deps = BillingCommandDeps & PortalCommandDeps;

const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

export async function payInvoiceFromPortal(deps: Deps, input: PortalPaymentInput, meta: RequestMeta): Promise<PortalPaymentResult> {
  let invoice;
  try {
    invoice = await loadInvoice(deps, input.invoiceId);
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError('Invoice', String(input.invoiceId));
    throw err;
  }
  if (invoice.customerId !== input.customerId || invoice.status === 'draft') throw new NotFoundError('Invoice', String(input.invoiceId));
  if (invoice.status !== 'issued' && invoice.status !== 'overdue') {
    throw new IllegalStateError(`An invoice that is ${invoice.status} cannot be paid`, invoice.status, ['issued', 'overdue']);
  }
  const outstanding = invoice.total - netPaid(invoice);
  const attemptId = deps.ids.uuid();
  const gatewayKey = input.idempotencyKey
    ? `portal-${createHash('sha256').update(`${input.customerId}|${input.invoiceId}|${input.idempotencyKey}`).digest('hex').slice(0, 40)}`
    : `portal-${attemptId}`;
  const now = () => deps.clock.now().toISOString();
  const started = await handleCommand(
    deps,
    invoiceCheckoutDecider,
    invoiceCheckoutStream(input.invoiceId),
    {
      type: 'StartPortalPayment',
      invoiceId: input.invoiceId,
      customerId: input.customerId,
      attemptId,
      amount: input.amount,
      currency: invoice.currency,
      outstanding,
      allowPartial: deps.portal.allowPartialPayments,
      gatewayKey,
      staleAfterMs: CHECKOUT_STALE_AFTER_MS,
      now: now(),
    },
    meta,
  );
  // The same payment retried (same key) resumes the attempt it started.
  const attempt = started.state.pending!;
  const amount = attempt.amount;

  const { state: brand } = await loadAggregate(deps, brandDecider, brandStream(invoice.brandId));
  const gateway = deps.paymentGateway(brand.gateway?.provider ?? 'simulated');
  if (!gateway.chargePaymentMethod) throw new PaymentGatewayError(`the ${gateway.name} gateway cannot charge saved payment methods`);
  const charge = await gateway.chargePaymentMethod({
    paymentMethodToken: input.paymentMethodToken,
    amount,
    currency: invoice.currency,
    description: `${invoice.number} (${invoice.period})`,
    idempotencyKey: attempt.gatewayKey,
    apiKey: brand.gateway?.apiKeySealed ? deps.secrets.open(brand.gateway.apiKeySealed) : null,
  });

  if (charge.status === 'declined') {
    await handleCommand(
      deps,
      invoiceCheckoutDecider,
      invoiceCheckoutStream(input.invoiceId),
      {
        type: 'CompletePortalPayment',
        customerId: input.customerId,
        attemptId: attempt.attemptId,
        currency: invoice.currency,
        outcome: { succeeded: false, gateway: gateway.name, reason: charge.reason, transactionId: charge.transactionId, card: charge.card },
        now: now(),
      },
      meta,
    );
    throw new PaymentDeclinedError(charge.reason);
  }

  let paymentId: number | null = null;
  let position: number | null = null;
  let invoicePaid = false;
  let applyError: unknown = null;
  try {
    const paid = await payInvoice(
      deps,
      input.invoiceId,
      { amount, paidAt: null, method: 'card', gateway: gateway.name, gatewayReference: charge.transactionId, paymentChannel: charge.card.type },
      meta,
    );
    paymentId = paid.paymentId;
    position = paid.position;
    invoicePaid = paid.paid;
  } catch (err) {
    // Charged, but the invoice no longer takes it (paid or voided meanwhile): recorded as owed back.
    applyError = err;
  }
  const completed = await handleCommand(
    deps,
    invoiceCheckoutDecider,
    invoiceCheckoutStream(input.invoiceId),
    {
      type: 'CompletePortalPayment',
      customerId: input.customerId,
      attemptId: attempt.attemptId,
      currency: invoice.currency,
      outcome: { succeeded: true, gateway: gateway.name, transactionId: charge.transactionId, card: charge.card, paymentId },
      now: now(),
    },
    meta,
  );
  position = maxOf(position, completed.position);
  if (applyError) throw applyError;
  if (input.savePaymentMethod) {
    const saved = await handleCommand(
      deps,
      paymentMethodsDecider,
      paymentMethodsStream(input.customerId),
      { type: 'SavePaymentMethod', customerId: input.customerId, methodId: input.paymentMethodToken, gateway: gateway.name, card: charge.card, now: now() },
      meta,
    );
    position = maxOf(position, saved.position);
  }
  return { paymentId: paymentId!, transactionId: charge.transactionId, amount, currency: invoice.currency, invoicePaid, card: charge.card, position };
}
