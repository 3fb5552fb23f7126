import { deciderSpec } from '../../../test/support/decider-spec';
import { ValidationError } from '../shared/errors';
import { paymentDecider, type PaymentCommand } from './decider';
import type { PaymentEvent } from './events';

const spec = deciderSpec(paymentDecider);
const now = '2026-02-15T03:00:05.000Z';
const payment = {
  paymentId: 5,
  invoiceId: 7,
  invoiceNumber: 'INV-JAKINET-2026-000007',
  customerId: 'c1',
  pelangganId: 12,
  amount: 350_000,
  currency: 'IDR',
  method: 'gateway',
  gateway: 'xendit',
  gatewayReference: 'cb-1',
  paymentChannel: 'BCA',
  paidAt: '2026-02-15T03:00:00.000Z',
  applied: true,
};
const receive: PaymentCommand = { type: 'ReceivePayment', payment, now };
const received: PaymentEvent = { type: 'PaymentReceived', data: { ...payment, receivedAt: now } };

describe('Payment decider', () => {
  it('records the money received for an invoice', () => {
    spec.given([]).when(receive).then([received]);
  });

  it('records a payment once (a retried request or callback records nothing)', () => {
    spec.given([received]).when(receive).thenNothing();
  });

  it('records an unapplied payment as such (to be given back)', () => {
    spec
      .given([])
      .when({ ...receive, payment: { ...payment, applied: false } })
      .then([{ type: 'PaymentReceived', data: { ...payment, applied: false, receivedAt: now } }]);
  });

  it('refuses amounts that are not whole minor units above zero', () => {
    for (const amount of [0, -1, 1.5]) spec.given([]).when({ ...receive, payment: { ...payment, amount } }).thenThrows(ValidationError);
  });

  it('its state says which invoice it paid and whether it was applied', () => {
    expect(paymentDecider.evolve(paymentDecider.initialState(), received)).toMatchObject({ exists: true, paymentId: 5, invoiceId: 7, amount: 350_000, applied: true, refunded: 0 });
  });
});
