import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { invoiceDecider, invoiceTotals, type InvoiceCommand, type InvoiceState } from './decider';
import { INVOICE_STATUSES, type InvoiceEvent, type InvoiceStatus } from './events';

const spec = deciderSpec(invoiceDecider);
const now = '2026-02-01T01:00:00.000Z';
const later = '2026-02-10T08:00:00.000Z';
const ref = { invoiceId: 7, customerId: 'c1', pelangganId: 12 };

const create: Extract<InvoiceCommand, { type: 'CreateInvoice' }> = {
  type: 'CreateInvoice',
  ...ref,
  number: 'INV-JAKINET-2026-000007',
  brandId: 'JAKINET',
  period: '2026-02',
  issueDate: '2026-02-01',
  dueDate: '2026-02-20',
  items: [
    { description: 'Internet 50Mbps', quantity: 1, unitPrice: 300_000 },
    { description: 'Sewa ONT', quantity: 2, unitPrice: 25_000 },
  ],
  currency: 'IDR',
  externalId: 'INV-JAKINET-2026-000007',
  subscriptionId: 3,
  issue: true,
  now,
};

const created: InvoiceEvent = {
  type: 'InvoiceCreated',
  data: {
    ...ref,
    number: 'INV-JAKINET-2026-000007',
    brandId: 'JAKINET',
    period: '2026-02',
    issueDate: '2026-02-01',
    dueDate: '2026-02-20',
    items: [
      { description: 'Internet 50Mbps', quantity: 1, unitPrice: 300_000, amount: 300_000 },
      { description: 'Sewa ONT', quantity: 2, unitPrice: 25_000, amount: 50_000 },
    ],
    total: 350_000,
    currency: 'IDR',
    externalId: 'INV-JAKINET-2026-000007',
    subscriptionId: 3,
    createdAt: now,
  },
};
const issued: InvoiceEvent = { type: 'InvoiceIssued', data: { ...ref, issuedAt: now } };
const overdue: InvoiceEvent = { type: 'InvoiceMarkedOverdue', data: { ...ref, dueDate: '2026-02-20', reason: 'due_date_passed', markedAt: later } };
const pay = (paymentId: number, amount: number, paidOn = '2026-02-15'): InvoiceCommand => ({
  type: 'RecordPayment',
  paymentId,
  amount,
  method: 'manual',
  gateway: null,
  gatewayReference: null,
  paidAt: `${paidOn}T03:00:00.000Z`,
  paidOn,
  now: later,
});
const recorded = (paymentId: number, amount: number, balance: number, paidOn = '2026-02-15'): InvoiceEvent => ({
  type: 'InvoicePaymentRecorded',
  data: { ...ref, paymentId, amount, currency: 'IDR', method: 'manual', gateway: null, gatewayReference: null, paidAt: `${paidOn}T03:00:00.000Z`, balance, recordedAt: later },
});
const paid = (paymentId: number, paidAmount: number, previousStatus: 'issued' | 'overdue', late: boolean, paidOn = '2026-02-15'): InvoiceEvent => ({
  type: 'InvoicePaid',
  data: { ...ref, paymentId, paidAmount, paidAt: `${paidOn}T03:00:00.000Z`, previousStatus, late },
});
const voided = (previousStatus: 'draft' | 'issued' | 'overdue'): InvoiceEvent => ({
  type: 'InvoiceVoided',
  data: { ...ref, period: '2026-02', previousStatus, reason: 'salah input', voidedAt: later },
});

/** The events that bring an invoice into each status. */
const history: Record<InvoiceStatus, InvoiceEvent[]> = {
  draft: [created],
  issued: [created, issued],
  overdue: [created, issued, overdue],
  paid: [created, issued, recorded(1, 350_000, 0), paid(1, 350_000, 'issued', false)],
  void: [created, voided('draft')],
  refunded: [
    created,
    issued,
    recorded(1, 350_000, 0),
    paid(1, 350_000, 'issued', false),
    {
      type: 'InvoiceRefundRecorded',
      data: { ...ref, paymentId: 1, refundId: 'r1', amount: 350_000, currency: 'IDR', refundedAmount: 350_000, netPaid: 0, previousStatus: 'paid', status: 'refunded', reason: null, refundedAt: later },
    },
  ],
};
const stateOf = (events: InvoiceEvent[]): InvoiceState => events.reduce(invoiceDecider.evolve, invoiceDecider.initialState());

describe('Invoice decider', () => {
  describe('CreateInvoice', () => {
    it('creates and issues with integer item amounts and total', () => {
      spec.given([]).when(create).then([created, issued]);
    });

    it('creates a draft when asked', () => {
      spec.given([]).when({ ...create, issue: false }).then([created]);
      expect(stateOf([created]).status).toBe('draft');
    });

    it('refuses an invalid period, due date and items, field by field', () => {
      spec
        .given([])
        .when({ ...create, period: '2026-13', dueDate: '2026-02-30' })
        .thenThrows(ValidationError, (e) => expect(Object.keys(e.fields).sort()).toEqual(['periode', 'tanggal_jatuh_tempo']));
      spec
        .given([])
        .when({ ...create, items: [{ description: ' ', quantity: 0, unitPrice: 10.5 }] })
        .thenThrows(ValidationError, (e) => expect(Object.keys(e.fields).sort()).toEqual(['items.0.deskripsi', 'items.0.harga', 'items.0.jumlah']));
      spec.given([]).when({ ...create, items: [] }).thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['items']));
    });

    it('refuses a total beyond what a number holds exactly', () => {
      expect(() => invoiceTotals([{ description: 'x', quantity: 2, unitPrice: Number.MAX_SAFE_INTEGER - 1 }])).toThrow(ValidationError);
      expect(invoiceTotals([{ description: 'x', quantity: 3, unitPrice: 333_333 }]).total).toBe(999_999);
    });

    it('cannot create the same invoice twice', () => {
      spec.given([created]).when(create).thenThrows(IllegalStateError);
    });
  });

  describe('transitions', () => {
    const attempts: Record<string, (s: InvoiceStatus) => InvoiceCommand> = {
      issue: () => ({ type: 'IssueInvoice', now: later }),
      pay: () => pay(9, 350_000),
      overdue: () => ({ type: 'MarkOverdue', today: '2026-02-21', reason: 'due_date_passed', now: later }),
      void: () => ({ type: 'VoidInvoice', reason: 'salah input', now: later }),
    };
    /** What each command does from each status: the events' types, 'nothing' or 'refused'. */
    const table: Record<InvoiceStatus, Record<keyof typeof attempts, string>> = {
      draft: { issue: 'InvoiceIssued', pay: 'refused', overdue: 'refused', void: 'InvoiceVoided' },
      issued: { issue: 'nothing', pay: 'InvoicePaymentRecorded,InvoicePaid', overdue: 'InvoiceMarkedOverdue', void: 'InvoiceVoided' },
      overdue: { issue: 'refused', pay: 'InvoicePaymentRecorded,InvoicePaid', overdue: 'nothing', void: 'InvoiceVoided' },
      paid: { issue: 'refused', pay: 'refused', overdue: 'refused', void: 'refused' },
      void: { issue: 'refused', pay: 'refused', overdue: 'refused', void: 'nothing' },
      refunded: { issue: 'refused', pay: 'refused', overdue: 'refused', void: 'refused' },
    };
    const cases = INVOICE_STATUSES.flatMap((status) => Object.keys(attempts).map((cmd) => [status, cmd, table[status][cmd]!] as const));

    it('covers every status with every command', () => {
      expect(cases).toHaveLength(INVOICE_STATUSES.length * Object.keys(attempts).length);
    });

    it.each(cases)('%s + %s → %s', (status, cmd, expected) => {
      const state = stateOf(history[status]);
      let outcome: string;
      try {
        const events = invoiceDecider.decide(attempts[cmd]!(status), state);
        outcome = events.length ? events.map((e) => e.type).join(',') : 'nothing';
      } catch (err) {
        expect(err).toBeInstanceOf(IllegalStateError);
        outcome = 'refused';
      }
      expect(outcome).toBe(expected);
    });

    it('a refused transition names the current status and the allowed ones', () => {
      spec
        .given(history.paid)
        .when(attempts.void!('paid'))
        .thenThrows(IllegalStateError, (e) => expect([e.current, e.allowed]).toEqual(['paid', ['draft', 'issued', 'overdue']]));
    });

    it('marks overdue only after the due date', () => {
      spec
        .given(history.issued)
        .when({ type: 'MarkOverdue', today: '2026-02-20', reason: 'due_date_passed', now: later })
        .thenThrows(IllegalStateError);
      spec.given(history.issued).when({ type: 'MarkOverdue', today: '2026-02-21', reason: 'due_date_passed', now: later }).then([overdue]);
    });

    it('voiding records the status it left and the period (free to invoice again)', () => {
      spec.given(history.overdue).when(attempts.void!('overdue')).then([voided('overdue')]);
    });

    it('commands on an invoice that does not exist are not found', () => {
      spec.given([]).when({ type: 'IssueInvoice', now }).thenThrows(NotFoundError);
    });
  });

  describe('payments', () => {
    it('a partial payment leaves a balance; the one that settles pays the invoice', () => {
      spec.given(history.issued).when(pay(1, 100_000)).then([recorded(1, 100_000, 250_000)]);
      spec
        .given([...history.issued, recorded(1, 100_000, 250_000)])
        .when(pay(2, 250_000))
        .then([recorded(2, 250_000, 0), paid(2, 350_000, 'issued', false)]);
    });

    it('paying after the due date is late (lunas-telat), from overdue or not', () => {
      spec
        .given(history.overdue)
        .when(pay(1, 350_000, '2026-02-25'))
        .then([recorded(1, 350_000, 0, '2026-02-25'), paid(1, 350_000, 'overdue', true, '2026-02-25')]);
      spec
        .given(history.issued)
        .when(pay(1, 350_000, '2026-02-21'))
        .then([recorded(1, 350_000, 0, '2026-02-21'), paid(1, 350_000, 'issued', true, '2026-02-21')]);
    });

    it('the same payment recorded twice is recorded once', () => {
      spec.given([...history.issued, recorded(1, 100_000, 250_000)]).when(pay(1, 100_000)).thenNothing();
    });

    it('refuses amounts that are not whole rupiah above zero', () => {
      for (const amount of [0, -5, 10.5]) spec.given(history.issued).when(pay(1, amount)).thenThrows(ValidationError);
    });
  });

  describe('payment links', () => {
    const link: InvoiceCommand = { type: 'RecordPaymentLink', gateway: 'xendit', gatewayInvoiceId: 'x1', url: 'https://pay/x1', expiresAt: null, now };
    it('records a link on a payable invoice, once', () => {
      const event: InvoiceEvent = {
        type: 'InvoicePaymentLinkCreated',
        data: { ...ref, gateway: 'xendit', gatewayInvoiceId: 'x1', url: 'https://pay/x1', expiresAt: null, createdAt: now },
      };
      spec.given(history.issued).when(link).then([event]);
      spec.given([...history.issued, event]).when(link).thenNothing();
      spec.given(history.draft).when(link).thenThrows(IllegalStateError);
    });
  });

  describe('gateway callbacks', () => {
    const callback = (over: Partial<Extract<InvoiceCommand, { type: 'RecordGatewayCallback' }>> = {}): InvoiceCommand => ({
      type: 'RecordGatewayCallback',
      gateway: 'xendit',
      callbackId: 'cb-1',
      status: 'PAID',
      paidAmount: 350_000,
      paidAt: '2026-02-15T03:00:00.000Z',
      paidOn: '2026-02-15',
      paymentChannel: 'BCA',
      paymentId: 5,
      now: later,
      ...over,
    });
    const received = (outcome: string, paymentId: number | null, status = 'PAID', paidAmount: number | null = 350_000) =>
      expect.objectContaining({ type: 'InvoiceGatewayCallbackReceived', data: expect.objectContaining({ callbackId: 'cb-1', status, outcome, paymentId, paidAmount }) });

    it('PAID records the callback, the payment and the settlement in one decision', () => {
      const events = invoiceDecider.decide(callback(), stateOf(history.issued));
      expect(events).toEqual([
        received('applied', 5),
        expect.objectContaining({ type: 'InvoicePaymentRecorded', data: expect.objectContaining({ paymentId: 5, amount: 350_000, method: 'gateway', gateway: 'xendit', gatewayReference: 'cb-1' }) }),
        expect.objectContaining({ type: 'InvoicePaid', data: expect.objectContaining({ paymentId: 5, late: false }) }),
      ]);
    });

    it('a duplicated callback (same id) records nothing, and the first one is remembered with its payment', () => {
      const first = invoiceDecider.decide(callback(), stateOf(history.issued));
      const state = stateOf([...history.issued, ...first]);
      expect(invoiceDecider.decide(callback({ paymentId: 6 }), state)).toEqual([]);
      expect(state.callbacks['cb-1']).toEqual({ status: 'PAID', paymentId: 5, outcome: 'applied' });
    });

    it('PAID for an invoice that is no longer payable is recorded as not applied (money to give back)', () => {
      expect(invoiceDecider.decide(callback({ callbackId: 'cb-1' }), stateOf(history.void))).toEqual([received('not_applied', 5)]);
    });

    it('EXPIRED makes an issued invoice overdue, and is only recorded otherwise', () => {
      const expired = callback({ status: 'EXPIRED', paidAmount: null, paidAt: null, paidOn: null, paymentId: null });
      expect(invoiceDecider.decide(expired, stateOf(history.issued))).toEqual([
        received('expired', null, 'EXPIRED', null),
        { type: 'InvoiceMarkedOverdue', data: { ...ref, dueDate: '2026-02-20', reason: 'payment_link_expired', markedAt: later } },
      ]);
      expect(invoiceDecider.decide(expired, stateOf(history.paid))).toEqual([received('ignored', null, 'EXPIRED', null)]);
    });
  });
});
