import { deciderSpec } from '../../../test/support/decider-spec';
import { paymentMethodsDecider } from '../payment-method/decider';
import type { PaymentMethodEvent } from '../payment-method/events';
import { IllegalStateError, ValidationError } from '../shared/errors';
import { invoiceCheckoutDecider, type InvoiceCheckoutCommand } from './decider';
import type { Card, PortalPaymentEvent } from './events';

const spec = deciderSpec(invoiceCheckoutDecider);
const t0 = '2026-01-15T12:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();
const card: Card = { type: 'credit_card', brand: 'visa', lastFour: '4242', expMonth: 12, expYear: 2029 };
const start = (over: Partial<Extract<InvoiceCheckoutCommand, { type: 'StartPortalPayment' }>> = {}): InvoiceCheckoutCommand => ({
  type: 'StartPortalPayment',
  invoiceId: 9,
  customerId: 'c-1',
  attemptId: 'a-2',
  amount: 6479,
  currency: 'USD',
  outstanding: 6479,
  allowPartial: false,
  gatewayKey: 'k-2',
  staleAfterMs: 120_000,
  now: t0,
  ...over,
});
const started = (attemptId = 'a-1', gatewayKey = 'k-1'): PortalPaymentEvent => ({
  type: 'PortalPaymentStarted',
  data: { invoiceId: 9, customerId: 'c-1', attemptId, amount: 6479, currency: 'USD', outstanding: 6479, gatewayKey, startedAt: t0 },
});

describe('Invoice checkout decider (portal card payments)', () => {
  it('starts an attempt for exactly what is outstanding', () => {
    spec.given([]).when(start()).then([started('a-2', 'k-2')]);
  });
  it('refuses less than what is outstanding unless partial payments are allowed, and never more', () => {
    spec.given([]).when(start({ amount: 1000 })).thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['amount']));
    spec
      .given([])
      .when(start({ amount: 1000, allowPartial: true }))
      .then([{ ...started('a-2', 'k-2'), data: { ...started('a-2', 'k-2').data, amount: 1000 } } as PortalPaymentEvent]);
    spec.given([]).when(start({ amount: 7000, allowPartial: true })).thenThrows(ValidationError);
    spec.given([]).when(start({ outstanding: 0, amount: 1 })).thenThrows(IllegalStateError);
  });
  it('lets one attempt at a time charge the invoice; the same gateway key resumes it; a stale one is abandoned', () => {
    spec.given([started()]).when(start()).thenThrows(IllegalStateError);
    spec.given([started()]).when(start({ gatewayKey: 'k-1' })).thenNothing();
    spec.given([started()]).when(start({ now: later(120_000) })).then([{ ...started('a-2', 'k-2'), data: { ...started('a-2', 'k-2').data, startedAt: later(120_000) } } as PortalPaymentEvent]);
  });
  it('records the end of an attempt once: succeeded or failed (payment.failed)', () => {
    const ok: PortalPaymentEvent = {
      type: 'PortalPaymentSucceeded',
      data: { invoiceId: 9, customerId: 'c-1', attemptId: 'a-1', amount: 6479, currency: 'USD', gateway: 'simulated', transactionId: 'txn_1', card, paymentId: 3, succeededAt: t0 },
    };
    const complete = (outcome: Extract<InvoiceCheckoutCommand, { type: 'CompletePortalPayment' }>['outcome']): InvoiceCheckoutCommand => ({
      type: 'CompletePortalPayment',
      customerId: 'c-1',
      attemptId: 'a-1',
      currency: 'USD',
      outcome,
      now: t0,
    });
    spec.given([started()]).when(complete({ succeeded: true, gateway: 'simulated', transactionId: 'txn_1', card, paymentId: 3 })).then([ok]);
    spec.given([started(), ok]).when(complete({ succeeded: true, gateway: 'simulated', transactionId: 'txn_1', card, paymentId: 3 })).thenNothing();
    spec
      .given([started()])
      .when(complete({ succeeded: false, gateway: 'simulated', reason: 'card_declined', transactionId: null, card: null }))
      .then([
        {
          type: 'PortalPaymentFailed',
          data: { invoiceId: 9, customerId: 'c-1', attemptId: 'a-1', amount: 6479, currency: 'USD', gateway: 'simulated', reason: 'card_declined', transactionId: null, card: null, failedAt: t0 },
        },
      ]);
    // After the end, a new attempt may start at once.
    spec.given([started(), ok]).when(start()).then([started('a-2', 'k-2')]);
  });
});

describe('Payment methods decider', () => {
  const methods = deciderSpec(paymentMethodsDecider);
  const saved = (methodId: string, isDefault: boolean): PaymentMethodEvent => ({
    type: 'PaymentMethodSaved',
    data: { customerId: 'c-1', methodId, gateway: 'simulated', ...card, isDefault, savedAt: t0 },
  });
  it('keeps only the gateway token, brand, last four and expiry; the first is the default; saving again records nothing', () => {
    methods.given([]).when({ type: 'SavePaymentMethod', customerId: 'c-1', methodId: 'pm_1', gateway: 'simulated', card, now: t0 }).then([saved('pm_1', true)]);
    methods.given([saved('pm_1', true)]).when({ type: 'SavePaymentMethod', customerId: 'c-1', methodId: 'pm_2', gateway: 'simulated', card, now: t0 }).then([saved('pm_2', false)]);
    methods.given([saved('pm_1', true)]).when({ type: 'SavePaymentMethod', customerId: 'c-1', methodId: 'pm_1', gateway: 'simulated', card, now: t0 }).thenNothing();
  });
});
