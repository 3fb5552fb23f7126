import { isCalendarDate } from '../customer/decider';
import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from '../shared/errors';
import type { InvoiceEvent, InvoiceItem, InvoiceStatus } from './events';

export interface CallbackRecord {
  status: string;
  paymentId: number | null;
  outcome: 'applied' | 'not_applied' | 'expired' | 'ignored';
}

export interface InvoiceState {
  exists: boolean;
  invoiceId: number;
  number: string;
  customerId: string;
  pelangganId: number;
  brandId: string;
  period: string;
  dueDate: string;
  total: number;
  currency: string;
  status: InvoiceStatus;
  /** Paid on it over time (refunds not taken off: see refundedAmount). */
  paidAmount: number;
  paymentIds: number[];
  /** Given back through refunds (004); what stays paid is paidAmount − refundedAmount. */
  refundedAmount: number;
  refundIds: string[];
  /** Gateway callbacks seen, by callback id (duplicates are answered from here). */
  callbacks: Record<string, CallbackRecord>;
  link: { gateway: string; gatewayInvoiceId: string; url: string } | null;
}

export interface NewItem {
  description: string;
  quantity: number;
  unitPrice: number;
  /** 004: tax rate in millionths (0.08 → 80000). */
  taxRatePpm?: number;
  /** 004: the subscription the line bills, and the period of service it covers. */
  serviceId?: number | null;
  servicePeriod?: string | null;
}

export type InvoiceCommand =
  | {
      type: 'CreateInvoice';
      invoiceId: number;
      number: string;
      customerId: string;
      pelangganId: number;
      brandId: string;
      period: string;
      issueDate: string;
      dueDate: string;
      items: readonly NewItem[];
      currency: string;
      externalId: string;
      subscriptionId: number | null;
      /** Issue at once (002 default: Menunggu Pembayaran) rather than leave a draft. */
      issue: boolean;
      /** 004: notes printed on the invoice. */
      notes?: string | null;
      now: string;
    }
  | { type: 'IssueInvoice'; now: string }
  | { type: 'RecordPaymentLink'; gateway: string; gatewayInvoiceId: string; url: string; expiresAt: string | null; now: string }
  | { type: 'RecordPaymentLinkFailure'; gateway: string; reason: string; now: string }
  | {
      type: 'RecordPayment';
      paymentId: number;
      amount: number;
      method: string;
      gateway: string | null;
      gatewayReference: string | null;
      paidAt: string;
      /** The business date of paidAt (YYYY-MM-DD), compared with the due date. */
      paidOn: string;
      now: string;
    }
  | { type: 'MarkOverdue'; today: string; reason: 'due_date_passed' | 'payment_link_expired'; now: string }
  | { type: 'VoidInvoice'; reason: string | null; now: string }
  /** 004: the invoice was mailed to `to` (an issued, paid, overdue or refunded one; not a draft or a cancelled one). */
  | { type: 'RecordInvoiceSent'; to: string; now: string }
  /** 004: money given back on an applied payment (the payment's stream has already taken it). */
  | { type: 'RecordRefund'; paymentId: number; refundId: string; amount: number; reason: string | null; now: string }
  | {
      type: 'RecordGatewayCallback';
      gateway: string;
      callbackId: string;
      status: string;
      paidAmount: number | null;
      paidAt: string | null;
      paidOn: string | null;
      paymentChannel: string | null;
      /** Allocated by the caller for a PAID callback: the payment it becomes. */
      paymentId: number | null;
      now: string;
    };

export const initialInvoiceState = (): InvoiceState => ({
  exists: false,
  invoiceId: 0,
  number: '',
  customerId: '',
  pelangganId: 0,
  brandId: '',
  period: '',
  dueDate: '',
  total: 0,
  currency: 'IDR',
  status: 'draft',
  paidAmount: 0,
  paymentIds: [],
  refundedAmount: 0,
  refundIds: [],
  callbacks: {},
  link: null,
});

export function evolveInvoice(state: InvoiceState, event: InvoiceEvent): InvoiceState {
  switch (event.type) {
    case 'InvoiceCreated': {
      const d = event.data;
      return {
        ...initialInvoiceState(),
        exists: true,
        invoiceId: d.invoiceId,
        number: d.number,
        customerId: d.customerId,
        pelangganId: d.pelangganId,
        brandId: d.brandId,
        period: d.period,
        dueDate: d.dueDate,
        total: d.total,
        currency: d.currency,
      };
    }
    case 'InvoiceIssued':
      return { ...state, status: 'issued' };
    case 'InvoicePaymentLinkCreated':
      return { ...state, link: { gateway: event.data.gateway, gatewayInvoiceId: event.data.gatewayInvoiceId, url: event.data.url } };
    case 'InvoicePaymentLinkFailed':
      return state;
    case 'InvoicePaymentRecorded':
      return { ...state, paidAmount: state.paidAmount + event.data.amount, paymentIds: [...state.paymentIds, event.data.paymentId] };
    case 'InvoicePaid':
      return { ...state, status: 'paid' };
    case 'InvoiceMarkedOverdue':
      return { ...state, status: 'overdue' };
    case 'InvoiceVoided':
      return { ...state, status: 'void' };
    case 'InvoiceGatewayCallbackReceived': {
      const d = event.data;
      return { ...state, callbacks: { ...state.callbacks, [d.callbackId]: { status: d.status, paymentId: d.paymentId, outcome: d.outcome } } };
    }
    case 'InvoiceRefundRecorded':
      return { ...state, refundedAmount: event.data.refundedAmount, refundIds: [...state.refundIds, event.data.refundId], status: event.data.status };
    case 'InvoiceSent':
      return state;
  }
}

/** What stays paid on the invoice after refunds. */
export const netPaid = (state: Pick<InvoiceState, 'paidAmount' | 'refundedAmount'>): number => state.paidAmount - state.refundedAmount;

const MILLION = 1_000_000n;

/**
 * A line's tax (004): amount × rate, in integer minor units, rounded half up (amounts are never
 * negative, so half away from zero). Exact for any safe-integer amount (computed in BigInt).
 */
export function lineTax(amount: number, taxRatePpm: number): number {
  const product = BigInt(amount) * BigInt(taxRatePpm);
  return Number((product + MILLION / 2n) / MILLION);
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Items with their amounts (and, on taxed 004 lines, their tax), the subtotal, the tax and the
 * total: integers only, and no total beyond what a number holds exactly. `taxed`: some line
 * carries a tax rate (the invoice then records its subtotal and tax).
 */
export function invoiceTotals(items: readonly NewItem[]): { items: InvoiceItem[]; subtotal: number; tax: number; total: number; taxed: boolean } {
  const errors: FieldErrors = {};
  if (items.length === 0) errors.items = ['An invoice needs at least one item.'];
  const out: InvoiceItem[] = [];
  let subtotal = 0;
  let tax = 0;
  let taxed = false;
  items.forEach((item, i) => {
    if (item.description.trim() === '') (errors[`items.${i}.deskripsi`] ??= []).push('The deskripsi may not be empty.');
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) (errors[`items.${i}.jumlah`] ??= []).push('The jumlah must be a whole number, 1 or more.');
    if (!Number.isSafeInteger(item.unitPrice) || item.unitPrice < 0) (errors[`items.${i}.harga`] ??= []).push('The harga must be a whole number of rupiah, 0 or more.');
    const rate = item.taxRatePpm;
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 0 || rate > 1_000_000)) (errors[`items.${i}.tax_rate`] ??= []).push('The tax rate must be between 0 and 1.');
    const amount = item.quantity * item.unitPrice;
    subtotal += amount;
    const line: InvoiceItem = { description: item.description.trim(), quantity: item.quantity, unitPrice: item.unitPrice, amount };
    if (rate !== undefined && Number.isSafeInteger(amount) && Number.isInteger(rate) && rate >= 0 && rate <= 1_000_000) {
      taxed = true;
      line.taxRatePpm = rate;
      line.tax = lineTax(amount, rate);
      tax += line.tax;
    }
    if (item.serviceId !== undefined) line.serviceId = item.serviceId;
    if (item.servicePeriod !== undefined) line.servicePeriod = item.servicePeriod;
    out.push(line);
  });
  const total = subtotal + tax;
  if (!Number.isSafeInteger(total)) (errors.items ??= []).push('The invoice total is too large.');
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { items: out, subtotal, tax, total, taxed };
}

const PAYABLE: readonly InvoiceStatus[] = ['issued', 'overdue'];

export function decideInvoice(command: InvoiceCommand, state: InvoiceState): InvoiceEvent[] {
  if (command.type === 'CreateInvoice') {
    if (state.exists) throw new IllegalStateError('Invoice already exists');
    const errors: FieldErrors = {};
    if (!PERIOD.test(command.period)) errors.periode = ['The periode must be a month (YYYY-MM).'];
    if (!isCalendarDate(command.dueDate)) errors.tanggal_jatuh_tempo = ['The tanggal jatuh tempo must be a date (YYYY-MM-DD).'];
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const { items, subtotal, tax, total, taxed } = invoiceTotals(command.items);
    const { invoiceId, customerId, pelangganId } = command;
    const ref = { invoiceId, customerId, pelangganId };
    const created: InvoiceEvent = {
      type: 'InvoiceCreated',
      data: {
        ...ref,
        number: command.number,
        brandId: command.brandId,
        period: command.period,
        issueDate: command.issueDate,
        dueDate: command.dueDate,
        items,
        total,
        currency: command.currency,
        externalId: command.externalId,
        subscriptionId: command.subscriptionId,
        ...(taxed || command.notes !== undefined ? { subtotal, tax } : {}),
        ...(command.notes !== undefined ? { notes: command.notes } : {}),
        createdAt: command.now,
      },
    };
    return command.issue ? [created, { type: 'InvoiceIssued', data: { ...ref, issuedAt: command.now } }] : [created];
  }
  if (!state.exists) throw new NotFoundError('Invoice', String(state.invoiceId));
  const ref = { invoiceId: state.invoiceId, customerId: state.customerId, pelangganId: state.pelangganId };
  const refuse = (what: string, allowed: readonly string[]) =>
    new IllegalStateError(`An invoice that is ${state.status} cannot be ${what}`, state.status, allowed);

  switch (command.type) {
    case 'IssueInvoice':
      if (state.status === 'issued') return [];
      if (state.status !== 'draft') throw refuse('issued', ['draft']);
      return [{ type: 'InvoiceIssued', data: { ...ref, issuedAt: command.now } }];

    case 'RecordPaymentLink':
      if (state.link?.gatewayInvoiceId === command.gatewayInvoiceId) return [];
      if (!PAYABLE.includes(state.status)) throw refuse('given a payment link', PAYABLE);
      return [
        {
          type: 'InvoicePaymentLinkCreated',
          data: { ...ref, gateway: command.gateway, gatewayInvoiceId: command.gatewayInvoiceId, url: command.url, expiresAt: command.expiresAt, createdAt: command.now },
        },
      ];

    case 'RecordPaymentLinkFailure':
      return [{ type: 'InvoicePaymentLinkFailed', data: { ...ref, gateway: command.gateway, reason: command.reason, failedAt: command.now } }];

    case 'RecordPayment': {
      if (state.paymentIds.includes(command.paymentId)) return [];
      if (!PAYABLE.includes(state.status)) throw refuse('paid', PAYABLE);
      if (!Number.isSafeInteger(command.amount) || command.amount <= 0) {
        throw new ValidationError({ paid_amount: ['The paid amount must be a whole number of rupiah above 0.'] });
      }
      return paymentEvents(state, command);
    }

    case 'MarkOverdue':
      if (state.status === 'overdue') return [];
      if (state.status !== 'issued') throw refuse('marked overdue', ['issued']);
      if (command.reason === 'due_date_passed' && !(state.dueDate < command.today)) {
        throw new IllegalStateError(`The invoice is not past its due date (${state.dueDate})`, state.status, ['issued']);
      }
      return [{ type: 'InvoiceMarkedOverdue', data: { ...ref, dueDate: state.dueDate, reason: command.reason, markedAt: command.now } }];

    case 'VoidInvoice': {
      if (state.status === 'void') return [];
      const previousStatus = state.status;
      // A paid invoice is refunded, never voided; so is money paid on one that is not settled yet.
      if (previousStatus === 'paid' || previousStatus === 'refunded') throw refuse('cancelled', ['draft', 'issued', 'overdue']);
      if (netPaid(state) > 0) {
        throw new IllegalStateError(`The invoice has ${netPaid(state)} paid on it: refund the payments before voiding it`, state.status, ['draft', 'issued', 'overdue']);
      }
      return [{ type: 'InvoiceVoided', data: { ...ref, period: state.period, previousStatus, reason: command.reason, voidedAt: command.now } }];
    }

    case 'RecordInvoiceSent':
      if (state.status === 'draft' || state.status === 'void') throw refuse('sent', ['issued', 'overdue', 'paid', 'refunded']);
      return [{ type: 'InvoiceSent', data: { ...ref, to: command.to, sentAt: command.now } }];

    case 'RecordRefund': {
      if (state.refundIds.includes(command.refundId)) return [];
      if (!state.paymentIds.includes(command.paymentId)) {
        throw new IllegalStateError(`Payment ${command.paymentId} was not applied to invoice ${state.number}`, state.status);
      }
      const paidNow = netPaid(state);
      if (!Number.isSafeInteger(command.amount) || command.amount <= 0) throw new ValidationError({ amount: ['The refund must be a whole number of minor units above 0.'] });
      if (command.amount > paidNow) throw new ValidationError({ amount: [`The refund may not exceed what is paid on the invoice (${paidNow}).`] });
      const netAfter = paidNow - command.amount;
      const status: InvoiceStatus = state.status === 'paid' && netAfter === 0 ? 'refunded' : state.status;
      return [
        {
          type: 'InvoiceRefundRecorded',
          data: {
            ...ref,
            paymentId: command.paymentId,
            refundId: command.refundId,
            amount: command.amount,
            currency: state.currency,
            refundedAmount: state.refundedAmount + command.amount,
            netPaid: netAfter,
            previousStatus: state.status,
            status,
            reason: command.reason,
            refundedAt: command.now,
          },
        },
      ];
    }

    case 'RecordGatewayCallback': {
      if (state.callbacks[command.callbackId]) return [];
      const callback = (outcome: CallbackRecord['outcome'], paymentId: number | null): InvoiceEvent => ({
        type: 'InvoiceGatewayCallbackReceived',
        data: {
          ...ref,
          gateway: command.gateway,
          callbackId: command.callbackId,
          status: command.status,
          paidAmount: command.paidAmount,
          paidAt: command.paidAt,
          paymentChannel: command.paymentChannel,
          paymentId,
          outcome,
          receivedAt: command.now,
        },
      });
      if (command.status === 'PAID') {
        if (command.paymentId === null || command.paidAt === null || command.paidOn === null) {
          throw new TypeError('A PAID callback needs a payment id and its time');
        }
        const amount = command.paidAmount ?? Math.max(0, state.total - netPaid(state));
        if (!PAYABLE.includes(state.status) || amount <= 0) return [callback('not_applied', command.paymentId)];
        return [
          callback('applied', command.paymentId),
          ...paymentEvents(state, {
            paymentId: command.paymentId,
            amount,
            method: 'gateway',
            gateway: command.gateway,
            gatewayReference: command.callbackId,
            paidAt: command.paidAt,
            paidOn: command.paidOn,
            now: command.now,
          }),
        ];
      }
      if (command.status === 'EXPIRED' && state.status === 'issued') {
        return [
          callback('expired', null),
          { type: 'InvoiceMarkedOverdue', data: { ...ref, dueDate: state.dueDate, reason: 'payment_link_expired', markedAt: command.now } },
        ];
      }
      return [callback('ignored', null)];
    }
  }
}

/** A payment on a payable invoice, and InvoicePaid when it settles the invoice. */
function paymentEvents(
  state: InvoiceState,
  p: { paymentId: number; amount: number; method: string; gateway: string | null; gatewayReference: string | null; paidAt: string; paidOn: string; now: string },
): InvoiceEvent[] {
  const ref = { invoiceId: state.invoiceId, customerId: state.customerId, pelangganId: state.pelangganId };
  const paidAmount = netPaid(state) + p.amount;
  const balance = state.total - paidAmount;
  const events: InvoiceEvent[] = [
    {
      type: 'InvoicePaymentRecorded',
      data: {
        ...ref,
        paymentId: p.paymentId,
        amount: p.amount,
        currency: state.currency,
        method: p.method,
        gateway: p.gateway,
        gatewayReference: p.gatewayReference,
        paidAt: p.paidAt,
        balance,
        recordedAt: p.now,
      },
    },
  ];
  if (balance <= 0) {
    events.push({
      type: 'InvoicePaid',
      data: {
        ...ref,
        paymentId: p.paymentId,
        paidAmount,
        paidAt: p.paidAt,
        previousStatus: state.status as 'issued' | 'overdue',
        late: p.paidOn > state.dueDate,
      },
    });
  }
  return events;
}

export const invoiceDecider: Decider<InvoiceState, InvoiceCommand, InvoiceEvent> = {
  initialState: initialInvoiceState,
  evolve: evolveInvoice,
  decide: decideInvoice,
};
