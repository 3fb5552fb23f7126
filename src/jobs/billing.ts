import { addDays, businessDate, dayOfPeriod, periodOf } from '../commands/billing/dates';
import type { BillingCommandDeps } from '../commands/billing/deps';
import { createInvoice, markInvoiceOverdue } from '../commands/billing/invoices';
import { reactivateSubscription, suspendSubscription } from '../commands/billing/subscriptions';
import { systemMeta, type RequestMeta } from '../commands/context';
import { DomainError, DuplicateError, IllegalStateError } from '../domain/shared/errors';
import type { Logger } from '../ports/logger';
import type { ReadStore } from '../ports/read-store';
import { getPlans } from '../projections/billing-catalog/queries';
import type { PlanDoc } from '../projections/billing-catalog/projector';
import { activeLanggananOf, activeLanggananPage, suspendedLangganan } from '../projections/billing-customers/queries';
import { hasInvoiceFor, issuedPastDue, overdueDueBefore, overdueOfPelanggan } from '../projections/billing-invoices/queries';

/**
 * The billing jobs of document 002, each a command over candidates read from the read models:
 * every append is decided by its aggregate (and the one-invoice-per-period reservation), so a
 * job run twice, or on two instances at once, appends nothing twice.
 */
export interface BillingJobDeps {
  commands: BillingCommandDeps;
  readStore: ReadStore;
  logger: Logger;
}

export interface BillingJobResult {
  /** Ids of what the run changed (invoices created or marked, subscriptions suspended or reactivated). */
  done: number[];
  /** Candidates that needed nothing (already done, changed meanwhile). */
  skipped: number;
  /** Candidates that failed (logged; the next run tries again). */
  failed: number;
  /** Position of the last append, for read-your-writes; null when nothing was appended. */
  position: number | null;
}

const emptyResult = (): BillingJobResult => ({ done: [], skipped: 0, failed: 0, position: null });

async function attempt(deps: BillingJobDeps, result: BillingJobResult, job: string, id: number, work: () => Promise<{ position: number | null }>): Promise<void> {
  try {
    const { position } = await work();
    if (position === null) result.skipped++;
    else {
      result.done.push(id);
      result.position = position;
    }
  } catch (err) {
    if (err instanceof DuplicateError || err instanceof IllegalStateError) {
      result.skipped++;
      return;
    }
    result.failed++;
    deps.logger.error({ job, id, err: err instanceof DomainError ? err.message : err instanceof Error ? err.message : String(err) }, 'billing job: candidate failed');
  }
}

const PAGE = 500;

/**
 * Monthly invoices: one for the current period (business date) for every active subscription
 * that has none yet, issued at once with a payment link, due on the subscription's billing day
 * in that period, for the plan's price. The period reservation makes a second run create nothing.
 */
export async function runMonthlyInvoices(deps: BillingJobDeps, now: Date): Promise<BillingJobResult> {
  const meta = systemMeta(deps.commands.ids, 'billing-invoices-job');
  const result = emptyResult();
  const today = businessDate(now, deps.commands.billing.timeZone);
  const period = periodOf(today);
  const plans = new Map<number, PlanDoc | null>();
  let after: number | null = null;
  for (;;) {
    const page = await activeLanggananPage(deps.readStore, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const missing = [...new Set(page.map((s) => s.paket_layanan_id).filter((id) => !plans.has(id)))];
    for (const p of await getPlans(deps.readStore, missing)) plans.set(p.id, p);
    for (const id of missing) if (!plans.has(id)) plans.set(id, null);
    for (const s of page) {
      const plan = plans.get(s.paket_layanan_id);
      if (!plan || (await hasInvoiceFor(deps.readStore, s.pelanggan_id, period))) {
        result.skipped++;
        continue;
      }
      await attempt(deps, result, 'billing-invoices', s.id, async () => {
        const created = await createInvoice(
          deps.commands,
          {
            customerId: s.customer_id,
            brandId: plan.id_brand,
            period,
            dueDate: dayOfPeriod(period, Number(s.tgl_jatuh_tempo.slice(8, 10))),
            items: [{ description: `${plan.nama_paket} (${period})`, quantity: 1, unitPrice: plan.harga }],
            issue: true,
            subscriptionId: s.id,
          },
          meta,
        );
        return { position: created.position };
      });
    }
  }
  if (result.done.length || result.failed) deps.logger.info({ period, created: result.done.length, skipped: result.skipped, failed: result.failed }, 'monthly invoices run');
  return result;
}

/** Daily: every issued invoice whose due date has passed (business date) becomes overdue (Jatuh Tempo). */
export async function runOverdueMarking(deps: BillingJobDeps, now: Date): Promise<BillingJobResult> {
  const meta = systemMeta(deps.commands.ids, 'billing-overdue-job');
  const result = emptyResult();
  const today = businessDate(now, deps.commands.billing.timeZone);
  let after = 0;
  for (;;) {
    const page = await issuedPastDue(deps.readStore, today, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    for (const inv of page) await attempt(deps, result, 'billing-overdue', inv.id, () => markInvoiceOverdue(deps.commands, inv.id, meta));
  }
  if (result.done.length || result.failed) deps.logger.info({ marked: result.done.length, failed: result.failed }, 'overdue marking run');
  return result;
}

/**
 * Suspension: the active subscription of every customer with an invoice overdue for longer
 * than the grace period (BILLING_SUSPEND_AFTER_DAYS) is suspended (SubscriptionSuspended,
 * reason `overdue`, naming the invoice); the RouterOS sync reacts to it.
 */
export async function runSuspensions(deps: BillingJobDeps, now: Date): Promise<BillingJobResult> {
  const meta = systemMeta(deps.commands.ids, 'billing-suspension-job');
  const result = emptyResult();
  const before = addDays(businessDate(now, deps.commands.billing.timeZone), -deps.commands.billing.suspendAfterDays);
  let after = 0;
  for (;;) {
    const page = await overdueDueBefore(deps.readStore, before, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const firstOverdue = new Map<string, number>();
    for (const inv of page) if (!firstOverdue.has(inv.customer_id)) firstOverdue.set(inv.customer_id, inv.id);
    for (const s of await activeLanggananOf(deps.readStore, [...firstOverdue.keys()])) {
      await attempt(deps, result, 'billing-suspension', s.id, () =>
        suspendSubscription(deps.commands, s.id, { reason: 'overdue', invoiceId: firstOverdue.get(s.customer_id)! }, meta),
      );
    }
  }
  if (result.done.length || result.failed) deps.logger.info({ suspended: result.done.length, failed: result.failed }, 'suspension run');
  return result;
}

/**
 * Reactivation on payment: a subscription suspended for non-payment is reactivated once its
 * customer has no invoice overdue past the grace period any more. Run right after a payment
 * (for that customer) and on a schedule (for everyone), so a missed one is caught up.
 */
export async function runReactivations(
  deps: BillingJobDeps,
  now: Date,
  options: { customerIds?: readonly string[]; invoiceId?: number | null; meta?: RequestMeta } = {},
): Promise<BillingJobResult> {
  const meta = options.meta ?? systemMeta(deps.commands.ids, 'billing-reactivation-job');
  const result = emptyResult();
  const before = addDays(businessDate(now, deps.commands.billing.timeZone), -deps.commands.billing.suspendAfterDays);
  for (const s of await suspendedLangganan(deps.readStore, options.customerIds)) {
    if (s.status_reason !== 'overdue') continue;
    if ((await overdueOfPelanggan(deps.readStore, s.pelanggan_id, before)).length > 0) {
      result.skipped++;
      continue;
    }
    await attempt(deps, result, 'billing-reactivation', s.id, () =>
      reactivateSubscription(deps.commands, s.id, { reason: 'payment', invoiceId: options.invoiceId ?? null }, meta),
    );
  }
  return result;
}
