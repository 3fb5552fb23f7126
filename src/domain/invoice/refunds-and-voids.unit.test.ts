import { deciderSpec } from '../../../test/support/decider-spec';
import { paymentDecider, type PaymentCommand } from '../payment/decider';
import type { PaymentEvent } from '../payment/events';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { invoiceDecider, invoiceTotals, lineTax, netPaid, type InvoiceCommand, type InvoiceState } from './decider';
import type { InvoiceEvent } from './events';

/**
 * Document 004's additions to the invoice and the payment: refunds (partial or full, never
 * more than was paid, recorded as events, the invoice's status following), voids (a paid
 * invoice, or one with money on it, is refunded instead), and lines with tax rates.
 */

const invoices = deciderSpec(invoiceDecider);
const payments = deciderSpec(paymentDecider);
const t0 = '2026-02-01T01:00:00.000Z';
const t1 = '2026-02-10T08:00:00.000Z';
const ref = { invoiceId: 9, customerId: 'c1', pelangganId: 4 };

const created: InvoiceEvent = {
  type: 'InvoiceCreated',
  data: {
    ...ref,
    number: 'INV-DOTMAC-2026-000009',
    brandId: 'DOTMAC',
    period: '2026-02',
    issueDate: '2026-02-01',
    dueDate: '2026-02-28',
    items: [{ description: 'High-Speed Internet 100Mbps', quantity: 1, unitPrice: 5999, amount: 5999, taxRatePpm: 80_000, tax: 480 }],
    total: 6479,
    currency: 'USD',
    externalId: 'INV-DOTMAC-2026-000009',
    subscriptionId: null,
    subtotal: 5999,
    tax: 480,
    notes: 'Monthly service charge',
    createdAt: t0,
  },
};
const issued: InvoiceEvent = { type: 'InvoiceIssued', data: { ...ref, issuedAt: t0 } };
const recorded = (paymentId: number, amount: number, balance: number): InvoiceEvent => ({
  type: 'InvoicePaymentRecorded',
  data: { ...ref, paymentId, amount, currency: 'USD', method: 'credit_card', gateway: null, gatewayReference: null, paidAt: t1, balance, recordedAt: t1 },
});
const paid: InvoiceEvent = { type: 'InvoicePaid', data: { ...ref, paymentId: 1, paidAmount: 6479, paidAt: t1, previousStatus: 'issued', late: false } };
const refund = (paymentId: number, refundId: string, amount: number): InvoiceCommand => ({ type: 'RecordRefund', paymentId, refundId, amount, reason: 'Service downtime credit', now: t1 });
const refunded = (refundId: string, amount: number, refundedAmount: number, net: number, previousStatus: 'paid' | 'issued', status: 'paid' | 'refunded' | 'issued'): InvoiceEvent => ({
  type: 'InvoiceRefundRecorded',
  data: { ...ref, paymentId: 1, refundId, amount, currency: 'USD', refundedAmount, netPaid: net, previousStatus, status, reason: 'Service downtime credit', refundedAt: t1 },
});
const stateOf = (events: InvoiceEvent[]): InvoiceState => events.reduce(invoiceDecider.evolve, invoiceDecider.initialState());
const paidInvoice = [created, issued, recorded(1, 6479, 0), paid];

describe('invoice refunds', () => {
  it('a partial refund leaves the invoice paid, with less paid on it', () => {
    invoices.given(paidInvoice).when(refund(1, 'r1', 3000)).then([refunded('r1', 3000, 3000, 3479, 'paid', 'paid')]);
    const state = stateOf([...paidInvoice, refunded('r1', 3000, 3000, 3479, 'paid', 'paid')]);
    expect([state.status, netPaid(state), state.refundedAmount]).toEqual(['paid', 3479, 3000]);
  });

  it('refunding what is left makes it refunded', () => {
    const first = refunded('r1', 3000, 3000, 3479, 'paid', 'paid');
    invoices.given([...paidInvoice, first]).when(refund(1, 'r2', 3479)).then([refunded('r2', 3479, 6479, 0, 'paid', 'refunded')]);
    expect(stateOf([...paidInvoice, first, refunded('r2', 3479, 6479, 0, 'paid', 'refunded')]).status).toBe('refunded');
  });

  it('never refunds more than was paid', () => {
    invoices
      .given(paidInvoice)
      .when(refund(1, 'r1', 6480))
      .thenThrows(ValidationError, (e) => expect(e.fields.amount).toEqual(['The refund may not exceed what is paid on the invoice (6479).']));
    invoices.given([...paidInvoice, refunded('r1', 6479, 6479, 0, 'paid', 'refunded')]).when(refund(1, 'r2', 1)).thenThrows(ValidationError);
    invoices.given(paidInvoice).when(refund(1, 'r1', 0)).thenThrows(ValidationError);
  });

  it('records a refund once (a retried request), and only for a payment the invoice took', () => {
    invoices.given([...paidInvoice, refunded('r1', 3000, 3000, 3479, 'paid', 'paid')]).when(refund(1, 'r1', 3000)).thenNothing();
    invoices.given(paidInvoice).when(refund(2, 'r1', 10)).thenThrows(IllegalStateError);
  });

  it('a refund of a partial payment on an unsettled invoice puts the amount back to pay', () => {
    const part = [created, issued, recorded(1, 2000, 4479)];
    invoices.given(part).when(refund(1, 'r1', 2000)).then([refunded('r1', 2000, 2000, 0, 'issued', 'issued')]);
    // Paying it all afterwards settles it: the refunded money is owed again.
    const after = [...part, refunded('r1', 2000, 2000, 0, 'issued', 'issued')];
    const pay: InvoiceCommand = { type: 'RecordPayment', paymentId: 2, amount: 6479, method: 'credit_card', gateway: null, gatewayReference: null, paidAt: t1, paidOn: '2026-02-10', now: t1 };
    expect(invoiceDecider.decide(pay, stateOf(after)).map((e) => e.type)).toEqual(['InvoicePaymentRecorded', 'InvoicePaid']);
  });
});

describe('invoice voids', () => {
  const voidIt: InvoiceCommand = { type: 'VoidInvoice', reason: 'Issued in error', now: t1 };

  it('voids an unpaid invoice', () => {
    invoices.given([created, issued]).when(voidIt).then([{ type: 'InvoiceVoided', data: { ...ref, period: '2026-02', previousStatus: 'issued', reason: 'Issued in error', voidedAt: t1 } }]);
  });

  it('never voids a paid or refunded invoice: it is refunded instead', () => {
    invoices.given(paidInvoice).when(voidIt).thenThrows(IllegalStateError, (e) => expect(e.allowed).toEqual(['draft', 'issued', 'overdue']));
    invoices.given([...paidInvoice, refunded('r1', 6479, 6479, 0, 'paid', 'refunded')]).when(voidIt).thenThrows(IllegalStateError);
  });

  it('refuses to void an invoice with money on it until that is refunded', () => {
    const part = [created, issued, recorded(1, 2000, 4479)];
    invoices.given(part).when(voidIt).thenThrows(IllegalStateError, (e) => expect(e.message).toContain('refund the payments'));
    invoices.given([...part, refunded('r1', 2000, 2000, 0, 'issued', 'issued')]).when(voidIt).then([
      { type: 'InvoiceVoided', data: { ...ref, period: '2026-02', previousStatus: 'issued', reason: 'Issued in error', voidedAt: t1 } },
    ]);
  });
});

describe('payment refunds', () => {
  const received: PaymentEvent = {
    type: 'PaymentReceived',
    data: {
      paymentId: 1,
      invoiceId: 9,
      invoiceNumber: 'INV-DOTMAC-2026-000009',
      customerId: 'c1',
      pelangganId: 4,
      amount: 6479,
      currency: 'USD',
      method: 'credit_card',
      gateway: 'simulated',
      gatewayReference: 'txn_1',
      paymentChannel: null,
      paidAt: t1,
      applied: true,
      receivedAt: t1,
    },
  };
  const refundCmd = (refundId: string, amount: number): PaymentCommand => ({ type: 'RefundPayment', refundId, amount, reason: 'Service downtime credit', method: 'original_payment_method', now: t1 });
  const refundedEv = (refundId: string, amount: number, refundedTotal: number): PaymentEvent => ({
    type: 'PaymentRefunded',
    data: {
      paymentId: 1,
      refundId,
      invoiceId: 9,
      invoiceNumber: 'INV-DOTMAC-2026-000009',
      customerId: 'c1',
      pelangganId: 4,
      amount,
      currency: 'USD',
      reason: 'Service downtime credit',
      method: 'original_payment_method',
      refundedTotal,
      applied: true,
      refundedAt: t1,
    },
  });

  it('refunds part of a payment, then the rest, and nothing beyond', () => {
    payments.given([received]).when(refundCmd('r1', 3000)).then([refundedEv('r1', 3000, 3000)]);
    payments.given([received, refundedEv('r1', 3000, 3000)]).when(refundCmd('r2', 3479)).then([refundedEv('r2', 3479, 6479)]);
    payments
      .given([received, refundedEv('r1', 3000, 3000)])
      .when(refundCmd('r2', 3480))
      .thenThrows(ValidationError, (e) => expect(e.fields.amount).toEqual(['The refund may not exceed what is left of the payment (3479 minor units).']));
    payments.given([received, refundedEv('r1', 6479, 6479)]).when(refundCmd('r2', 1)).thenThrows(IllegalStateError);
  });

  it('records a refund once, and knows no refund of an unknown payment', () => {
    payments.given([received, refundedEv('r1', 3000, 3000)]).when(refundCmd('r1', 3000)).thenNothing();
    payments.given([]).when(refundCmd('r1', 1)).thenThrows(NotFoundError);
    payments.given([received]).when(refundCmd('r1', -5)).thenThrows(ValidationError);
  });
});

describe('lines with tax rates (004)', () => {
  it('taxes each line in integer minor units, rounded half up, and totals subtotal + tax', () => {
    expect(lineTax(5999, 80_000)).toBe(480); // 479.92 → 480
    expect(lineTax(1250, 100_000)).toBe(125);
    expect(lineTax(5, 100_000)).toBe(1); // 0.5 → 1 (half up)
    expect(lineTax(4, 100_000)).toBe(0); // 0.4 → 0
    expect(lineTax(Number.MAX_SAFE_INTEGER, 1_000_000)).toBe(Number.MAX_SAFE_INTEGER);
    const totals = invoiceTotals([
      { description: 'Internet', quantity: 1, unitPrice: 5999, taxRatePpm: 80_000 },
      { description: 'Static IP', quantity: 3, unitPrice: 333, taxRatePpm: 82_500 }, // 999 × 0.0825 = 82.4175 → 82
      { description: 'Setup (untaxed)', quantity: 1, unitPrice: 9900 },
    ]);
    expect(totals.items.map((i) => i.tax)).toEqual([480, 82, undefined]);
    expect([totals.subtotal, totals.tax, totals.total, totals.taxed]).toEqual([16_898, 562, 17_460, true]);
  });

  it('creates an invoice that records its subtotal, tax and notes', () => {
    const create: InvoiceCommand = {
      type: 'CreateInvoice',
      ...ref,
      number: 'INV-DOTMAC-2026-000009',
      brandId: 'DOTMAC',
      period: '2026-02',
      issueDate: '2026-02-01',
      dueDate: '2026-02-28',
      items: [{ description: 'High-Speed Internet 100Mbps', quantity: 1, unitPrice: 5999, taxRatePpm: 80_000 }],
      currency: 'USD',
      externalId: 'INV-DOTMAC-2026-000009',
      subscriptionId: null,
      issue: true,
      notes: 'Monthly service charge',
      now: t0,
    };
    invoices.given([]).when(create).then([created, issued]);
  });

  it('refuses a rate outside 0..1', () => {
    expect(() => invoiceTotals([{ description: 'x', quantity: 1, unitPrice: 100, taxRatePpm: 1_000_001 }])).toThrow(ValidationError);
  });
});

describe('sending an invoice (004)', () => {
  const send: InvoiceCommand = { type: 'RecordInvoiceSent', to: 'jane@example.com', now: t1 };
  it('records that an issued, paid or refunded invoice was mailed', () => {
    invoices.given([created, issued]).when(send).then([{ type: 'InvoiceSent', data: { ...ref, to: 'jane@example.com', sentAt: t1 } }]);
    invoices.given(paidInvoice).when(send).then([{ type: 'InvoiceSent', data: { ...ref, to: 'jane@example.com', sentAt: t1 } }]);
  });
  it('does not send a draft or a cancelled invoice', () => {
    invoices.given([created]).when(send).thenThrows(IllegalStateError);
    invoices.given([created, issued, { type: 'InvoiceVoided', data: { ...ref, period: '2026-02', previousStatus: 'issued', reason: null, voidedAt: t1 } }]).when(send).thenThrows(IllegalStateError);
  });
});
