import { brandDecider, brandStream } from '../../domain/brand';
import { customerDecider, customerStream } from '../../domain/customer';
import { invoiceDecider, invoiceStream, netPaid, type InvoiceState, type NewItem } from '../../domain/invoice';
import { paymentDecider, paymentStream } from '../../domain/payment';
import { DuplicateError, NotFoundError } from '../../domain/shared/errors';
import { PaymentGatewayError } from '../../ports/payment-gateway';
import type { RequestMeta } from '../context';
import { handleCommand, loadAggregate, type CommandResult } from '../handle-command';
import { releaseUnique, reserveUnique } from '../reservations';
import { nextSequenceNumber } from '../sequences';
import { loadBrand } from './brands';
import { addDays, businessDate } from './dates';
import type { BillingCommandDeps } from './deps';
import { loadOpenCustomer } from './open-customer';

/**
 * Invoice use cases. One invoice per customer and period: a reservation of `<customer>|<period>`
 * owned by the invoice id (released when the invoice is voided, so the period can be invoiced
 * again). Integer ids from the `invoice` sequence, numbers from the brand's own sequence.
 * Payments: the invoice stream decides (payable? settled?) and records the payment atomically
 * with its status; the Payment aggregate (`payment-<id>`) then records the money, idempotently,
 * so a retry after a crash completes it.
 */
export const INVOICE_PERIOD = 'invoice_period';

const periodKey = (customerId: string, period: string): string => `${customerId}|${period}`;

/** INV-JAKINET-2026-000042: the brand, the period's year, the brand's own sequence. */
export const invoiceNumber = (brandId: string, period: string, n: number): string => `INV-${brandId}-${period.slice(0, 4)}-${String(n).padStart(6, '0')}`;

export interface CreateInvoiceInput {
  customerId: string;
  /** Default: the customer's brand. */
  brandId: string | null;
  period: string;
  /** Default: today (business date). */
  issueDate?: string;
  dueDate: string;
  items: readonly NewItem[];
  /** Draft (false) or issued at once (true: 002 Menunggu Pembayaran). */
  issue: boolean;
  subscriptionId: number | null;
  /**
   * One invoice per customer and period (002's monthly invoices: default true). Document 004's
   * invoices are made whenever staff make them: false, and the period is only the issue month.
   */
  onePerPeriod?: boolean;
  /** 004: notes printed on the invoice. */
  notes?: string | null;
}

export interface CreatedInvoice {
  invoiceId: number;
  result: CommandResult<InvoiceState>;
  /** Position after the payment link (or its failure), for read-your-writes. */
  position: number | null;
}

export async function createInvoice(deps: BillingCommandDeps, input: CreateInvoiceInput, meta: RequestMeta): Promise<CreatedInvoice> {
  const customer = await loadOpenCustomer(deps, input.customerId);
  const brandId = input.brandId ?? customer.details.brand;
  if (!brandId) throw new NotFoundError('Brand', '(none)');
  const brand = await loadBrand(deps, brandId);
  const invoiceId = await nextSequenceNumber(deps, 'invoice', meta);
  const owner = String(invoiceId);
  const onePerPeriod = input.onePerPeriod ?? true;
  try {
    if (onePerPeriod) await reserveUnique(deps, INVOICE_PERIOD, periodKey(input.customerId, input.period), owner, meta);
  } catch (err) {
    if (err instanceof DuplicateError) throw new DuplicateError('periode', input.period);
    throw err;
  }
  let result: CommandResult<InvoiceState>;
  try {
    const number = invoiceNumber(brand.brandId, input.period, await nextSequenceNumber(deps, `invoice_number-${brand.brandId}`, meta));
    const now = deps.clock.now();
    result = await handleCommand(
      deps,
      invoiceDecider,
      invoiceStream(invoiceId),
      {
        type: 'CreateInvoice',
        invoiceId,
        number,
        customerId: input.customerId,
        pelangganId: customer.number,
        brandId: brand.brandId,
        period: input.period,
        issueDate: input.issueDate ?? businessDate(now, deps.billing.timeZone),
        dueDate: input.dueDate,
        items: input.items,
        currency: deps.billing.currency,
        externalId: number,
        subscriptionId: input.subscriptionId,
        issue: input.issue,
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
        now: now.toISOString(),
      },
      meta,
      { newStream: true },
    );
  } catch (err) {
    if (onePerPeriod) await releaseUnique(deps, INVOICE_PERIOD, periodKey(input.customerId, input.period), owner, meta);
    throw err;
  }
  const link = input.issue ? await ensurePaymentLink(deps, invoiceId, meta) : null;
  return { invoiceId, result, position: link ?? result.position };
}

export async function loadInvoice(deps: Pick<BillingCommandDeps, 'eventStore' | 'registry'>, invoiceId: number): Promise<InvoiceState> {
  const { state } = await loadAggregate(deps, invoiceDecider, invoiceStream(invoiceId));
  if (!state.exists) throw new NotFoundError('Invoice', String(invoiceId));
  return state;
}

/**
 * Asks the brand's payment gateway for a payment link, once per invoice, and records it
 * (InvoicePaymentLinkCreated) or records why there is none (InvoicePaymentLinkFailed: the
 * invoice stays payable, e.g. by a manual payment). Returns the position of what was recorded.
 */
export async function ensurePaymentLink(deps: BillingCommandDeps, invoiceId: number, meta: RequestMeta): Promise<number | null> {
  const invoice = await loadInvoice(deps, invoiceId);
  if (invoice.link || (invoice.status !== 'issued' && invoice.status !== 'overdue')) return null;
  const { state: brand } = await loadAggregate(deps, brandDecider, brandStream(invoice.brandId));
  const provider = brand.gateway?.provider ?? 'simulated';
  const gateway = deps.paymentGateway(provider);
  const { state: customer } = await loadAggregate(deps, customerDecider, customerStream(invoice.customerId));
  const now = deps.clock.now();
  const untilDue = Date.parse(`${addDays(invoice.dueDate, 1)}T00:00:00.000Z`) - now.getTime();
  const durationSeconds = brand.gateway?.invoiceDurationSeconds ?? Math.max(86_400, Math.ceil(untilDue / 1000));
  let command;
  try {
    const link = await gateway.createPaymentLink({
      externalId: invoice.number,
      amount: invoice.total - netPaid(invoice),
      currency: invoice.currency,
      description: `${invoice.number} (${invoice.period})`,
      payerEmail: customer.closed ? null : customer.details.email,
      customerName: customer.closed ? null : customer.details.fullName,
      durationSeconds,
      apiKey: brand.gateway?.apiKeySealed ? deps.secrets.open(brand.gateway.apiKeySealed) : null,
    });
    command = { type: 'RecordPaymentLink' as const, gateway: gateway.name, gatewayInvoiceId: link.gatewayInvoiceId, url: link.url, expiresAt: link.expiresAt, now: deps.clock.now().toISOString() };
  } catch (err) {
    const reason = err instanceof PaymentGatewayError ? err.reason : 'unexpected gateway error';
    command = { type: 'RecordPaymentLinkFailure' as const, gateway: gateway.name, reason, now: deps.clock.now().toISOString() };
  }
  const result = await handleCommand(deps, invoiceDecider, invoiceStream(invoiceId), command, meta);
  return result.position;
}

export async function issueInvoice(deps: BillingCommandDeps, invoiceId: number, meta: RequestMeta): Promise<{ position: number | null }> {
  const result = await handleCommand(deps, invoiceDecider, invoiceStream(invoiceId), { type: 'IssueInvoice', now: deps.clock.now().toISOString() }, meta);
  const link = await ensurePaymentLink(deps, invoiceId, meta);
  return { position: link ?? result.position };
}

/** Marks an issued invoice past its due date overdue (the daily job; 002 PATCH to Jatuh Tempo). */
export function markInvoiceOverdue(deps: BillingCommandDeps, invoiceId: number, meta: RequestMeta): Promise<CommandResult<InvoiceState>> {
  const now = deps.clock.now();
  return handleCommand(
    deps,
    invoiceDecider,
    invoiceStream(invoiceId),
    { type: 'MarkOverdue', today: businessDate(now, deps.billing.timeZone), reason: 'due_date_passed', now: now.toISOString() },
    meta,
  );
}

/** Cancels an invoice; its period may then be invoiced again. */
export async function voidInvoice(deps: BillingCommandDeps, invoiceId: number, reason: string | null, meta: RequestMeta): Promise<CommandResult<InvoiceState>> {
  const result = await handleCommand(deps, invoiceDecider, invoiceStream(invoiceId), { type: 'VoidInvoice', reason, now: deps.clock.now().toISOString() }, meta);
  if (result.newEvents.length > 0) await releaseUnique(deps, INVOICE_PERIOD, periodKey(result.state.customerId, result.state.period), String(invoiceId), meta);
  return result;
}

export interface PaymentOutcome {
  invoice: InvoiceState;
  paymentId: number | null;
  /** The invoice is paid now (the caller reactivates a suspended subscription). */
  paid: boolean;
  position: number | null;
}

/**
 * A payment recorded by staff (002 PATCH status to Lunas): the amount defaults to what is left
 * to pay, the time to now. Send it with an Idempotency-Key to make a retry safe.
 */
export async function payInvoice(
  deps: BillingCommandDeps,
  invoiceId: number,
  input: {
    amount: number | null;
    paidAt: string | null;
    method: string;
    /** Document 004's portal card payments: the gateway that charged, its transaction id, the card type. */
    gateway?: string | null;
    gatewayReference?: string | null;
    paymentChannel?: string | null;
  },
  meta: RequestMeta,
): Promise<PaymentOutcome> {
  const current = await loadInvoice(deps, invoiceId);
  const gateway = input.gateway ?? null;
  const gatewayReference = input.gatewayReference ?? null;
  const paymentId = await nextSequenceNumber(deps, 'payment', meta);
  const now = deps.clock.now();
  const paidAt = input.paidAt ?? now.toISOString();
  const amount = input.amount ?? current.total - netPaid(current);
  const result = await handleCommand(
    deps,
    invoiceDecider,
    invoiceStream(invoiceId),
    {
      type: 'RecordPayment',
      paymentId,
      amount,
      method: input.method,
      gateway,
      gatewayReference,
      paidAt,
      paidOn: businessDate(paidAt, deps.billing.timeZone),
      now: now.toISOString(),
    },
    meta,
  );
  const money = await recordMoney(deps, result.state, { paymentId, amount, method: input.method, gateway, gatewayReference, paymentChannel: input.paymentChannel ?? null, paidAt, applied: true }, meta);
  return { invoice: result.state, paymentId, paid: result.state.status === 'paid', position: money ?? result.position };
}

/** Records the money on the payment's own stream (once: a second call records nothing). */
async function recordMoney(
  deps: BillingCommandDeps,
  invoice: InvoiceState,
  p: { paymentId: number; amount: number; method: string; gateway: string | null; gatewayReference: string | null; paymentChannel: string | null; paidAt: string; applied: boolean },
  meta: RequestMeta,
): Promise<number | null> {
  const result = await handleCommand(
    deps,
    paymentDecider,
    paymentStream(p.paymentId),
    {
      type: 'ReceivePayment',
      payment: { ...p, invoiceId: invoice.invoiceId, invoiceNumber: invoice.number, customerId: invoice.customerId, pelangganId: invoice.pelangganId, currency: invoice.currency },
      now: deps.clock.now().toISOString(),
    },
    meta,
  );
  return result.position;
}

export interface GatewayCallback {
  gateway: string;
  /** The callback's own id: a callback delivered twice is applied once. */
  callbackId: string;
  /** PAID, EXPIRED, ... as the gateway says it. */
  status: string;
  paidAmount: number | null;
  paidAt: string | null;
  paymentChannel: string | null;
}

export interface CallbackOutcome extends PaymentOutcome {
  duplicate: boolean;
  outcome: 'applied' | 'not_applied' | 'expired' | 'ignored';
}

/**
 * A gateway callback for an invoice. The invoice stream records it once per callback id, in
 * the same append as what it causes (payment and settlement, or overdue on EXPIRED), so a
 * duplicate is recognised atomically. A duplicate still completes what the first delivery may
 * have left undone (the payment's own stream), then answers as a duplicate.
 */
export async function applyGatewayCallback(deps: BillingCommandDeps, invoiceId: number, callback: GatewayCallback, meta: RequestMeta): Promise<CallbackOutcome> {
  let invoice = await loadInvoice(deps, invoiceId);
  let duplicate = invoice.callbacks[callback.callbackId] !== undefined;
  let position: number | null = null;
  const paidAt = callback.paidAt ?? deps.clock.now().toISOString();
  if (!duplicate) {
    const paymentId = callback.status === 'PAID' ? await nextSequenceNumber(deps, 'payment', meta) : null;
    const result = await handleCommand(
      deps,
      invoiceDecider,
      invoiceStream(invoiceId),
      {
        type: 'RecordGatewayCallback',
        gateway: callback.gateway,
        callbackId: callback.callbackId,
        status: callback.status,
        paidAmount: callback.paidAmount,
        paidAt: callback.status === 'PAID' ? paidAt : callback.paidAt,
        paidOn: callback.status === 'PAID' ? businessDate(paidAt, deps.billing.timeZone) : null,
        paymentChannel: callback.paymentChannel,
        paymentId,
        now: deps.clock.now().toISOString(),
      },
      meta,
    );
    invoice = result.state;
    position = result.position;
    // Another delivery of the same callback won the race: this one is the duplicate.
    duplicate = result.newEvents.length === 0;
  }
  const record = invoice.callbacks[callback.callbackId]!;
  if (record.paymentId !== null) {
    const amount = callback.paidAmount ?? invoice.total;
    if (amount > 0) {
      const money = await recordMoney(
        deps,
        invoice,
        {
          paymentId: record.paymentId,
          amount,
          method: 'gateway',
          gateway: callback.gateway,
          gatewayReference: callback.callbackId,
          paymentChannel: callback.paymentChannel,
          paidAt,
          applied: record.outcome === 'applied',
        },
        meta,
      );
      if (money !== null) position = money;
    }
  }
  return { invoice, paymentId: record.paymentId, paid: invoice.status === 'paid', duplicate, outcome: record.outcome, position };
}
