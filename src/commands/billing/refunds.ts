import { invoiceDecider, invoiceStream, type InvoiceState } from '../../domain/invoice';
import { paymentDecider, paymentStream, type PaymentState } from '../../domain/payment';
import type { RequestMeta } from '../context';
import { handleCommand } from '../handle-command';
import type { BillingCommandDeps } from './deps';

/**
 * Document 004's refunds (`POST /api/v1/billing/payments/{id}/refund`). The payment's own
 * stream decides first (never more than the payment less what was refunded before; its expected
 * revision holds that under concurrent refunds), then the invoice that took the payment records
 * the refund and its status follows (a paid invoice refunded in full becomes `refunded`). Both
 * steps name the same refund id, so a retry after a failure in between completes the second
 * step and records nothing twice. The money goes back by the recorded method outside this
 * product (the payment gateway port makes links and charges, not refunds).
 */
export interface RefundInput {
  amount: number;
  reason: string | null;
  method: string;
  /** Given by a retry; new refunds get a fresh one. */
  refundId?: string;
}

export interface RefundOutcome {
  refundId: string;
  payment: PaymentState;
  invoice: InvoiceState | null;
  position: number | null;
}

export async function refundPayment(deps: BillingCommandDeps, paymentId: number, input: RefundInput, meta: RequestMeta): Promise<RefundOutcome> {
  const refundId = input.refundId ?? deps.ids.uuid();
  const now = () => deps.clock.now().toISOString();
  const payment = await handleCommand(
    deps,
    paymentDecider,
    paymentStream(paymentId),
    { type: 'RefundPayment', refundId, amount: input.amount, reason: input.reason, method: input.method, now: now() },
    meta,
  );
  let position = payment.position;
  let invoice: InvoiceState | null = null;
  if (payment.state.applied) {
    const recorded = await handleCommand(
      deps,
      invoiceDecider,
      invoiceStream(payment.state.invoiceId),
      { type: 'RecordRefund', paymentId, refundId, amount: input.amount, reason: input.reason, now: now() },
      meta,
    );
    invoice = recorded.state;
    if (recorded.position !== null) position = recorded.position;
  }
  return { refundId, payment: payment.state, invoice, position };
}
