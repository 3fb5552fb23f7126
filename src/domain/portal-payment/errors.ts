import { IllegalStateError } from '../shared/errors';

/** The payment gateway declined the charge (document 004: PAYMENT_FAILED); `reason` is the gateway's, safe to show. */
export class PaymentDeclinedError extends IllegalStateError {
  constructor(readonly reason: string) {
    super(`The payment was declined: ${reason}`);
    this.name = 'PaymentDeclinedError';
  }
}
