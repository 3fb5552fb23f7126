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
  paidAmount: number;
  paymentIds: number[];
  /** Gateway callbacks seen, by callback id (duplicates are answered from here). */
  callbacks: Record<string, CallbackRecord>;
  link: { gateway: string; gatewayInvoiceId: string; url: string } | null;
}

export interface NewItem {
  description: string;
  quantity: number;
  unitPrice: number;
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
  }
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Items with their amounts, and the total: integers only, and no total beyond what a number holds exactly. */
export function invoiceTotals(items: readonly NewItem[]): { items: InvoiceItem[]; total: number } {
  const errors: FieldErrors = {};
  if (items.length === 0) errors.items = ['An invoice needs at least one item.'];
  const out: InvoiceItem[] = [];
  let total = 0;
  items.forEach((item, i) => {
    if (item.description.trim() === '') (errors[`items.${i}.deskripsi`] ??= []).push('The deskripsi may not be empty.');
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) (errors[`items.${i}.jumlah`] ??= []).push('The jumlah must be a whole number, 1 or more.');
    if (!Number.isSafeInteger(item.unitPrice) || item.unitPrice < 0) (errors[`items.${i}.harga`] ??= []).push('The harga must be a whole number of rupiah, 0 or more.');
    const amount = item.quantity * item.unitPrice;
    total += amount;
    out.push({ description: item.description.trim(), quantity: item.quantity, unitPrice: item.unitPrice, amount });
  });
  if (!Number.isSafeInteger(total)) (errors.items ??= []).push('The invoice total is too large.');
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { items: out, total };
}

const PAYABLE: readonly InvoiceStatus[] = ['issued', 'overdue'];

export function decideInvoice(command: InvoiceCommand, state: InvoiceState): InvoiceEvent[] {
  if (command.type === 'CreateInvoice') {
    if (state.exists) throw new IllegalStateError('Invoice already exists');
    const errors: FieldErrors = {};
    if (!PERIOD.test(command.period)) errors.periode = ['The periode must be a month (YYYY-MM).'];
    if (!isCalendarDate(command.dueDate)) errors.tanggal_jatuh_tempo = ['The tanggal jatuh tempo must be a date (YYYY-MM-DD).'];
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const { items, total } = invoiceTotals(command.items);
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
      if (previousStatus === 'paid') throw refuse('cancelled', ['draft', 'issued', 'overdue']);
      return [{ type: 'InvoiceVoided', data: { ...ref, period: state.period, previousStatus, reason: command.reason, voidedAt: command.now } }];
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
        const amount = command.paidAmount ?? Math.max(0, state.total - state.paidAmount);
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
  const paidAmount = state.paidAmount + p.amount;
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
