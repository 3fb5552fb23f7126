import { addDays, businessDate, dayOfPeriod, periodOf } from '../commands/billing/dates';
import type { BillingCommandDeps } from '../commands/billing/deps';
import { createInvoice, markInvoiceOverdue } from '../commands/billing/invoices';
import { reactivateSubscription, suspendSubscription } from '../commands/billing/subscriptions';
import { mapConcurrently } from '../commands/concurrency';
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

/**
 * Candidates handled at a time: their appends share the event store's commits, and the round
 * trips of a payment gateway (a link for each monthly invoice) overlap instead of adding up.
 */
export const JOB_WINDOW = 8;

type Outcome = { position: number } | 'skipped' | 'failed';

/** A candidate: its id, and its command (a null position: nothing needed doing). */
type Candidate = readonly [id: number, work: () => Promise<{ position: number | null }>];

async function outcomeOf(deps: BillingJobDeps, job: string, [id, work]: Candidate): Promise<Outcome> {
  try {
    const { position } = await work();
    return position === null ? 'skipped' : { position };
  } catch (err) {
    if (err instanceof DuplicateError || err instanceof IllegalStateError) return 'skipped';
    deps.logger.error({ job, id, err: err instanceof DomainError ? err.message : err instanceof Error ? err.message : String(err) }, 'billing job: candidate failed');
    return 'failed';
  }
}

/** Runs the candidates, JOB_WINDOW at a time, and adds their outcomes to `result` in the candidates' order. */
async function attemptAll(deps: BillingJobDeps, result: BillingJobResult, job: string, candidates: readonly Candidate[]): Promise<void> {
  const outcomes = await mapConcurrently(candidates, JOB_WINDOW, (candidate) => outcomeOf(deps, job, candidate));
  candidates.forEach(([id], i) => {
    const outcome = outcomes[i]!;
    if (outcome === 'skipped') result.skipped++;
    else if (outcome === 'failed') result.failed++;
    else {
      result.done.push(id);
      result.position = Math.max(result.position ?? 0, outcome.position);
    }
  });
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
    const candidates: Candidate[] = [];
    for (const s of page) {
      const plan = plans.get(s.paket_layanan_id);
      if (!plan) {
        result.skipped++;
        continue;
      }
      candidates.push([
        s.id,
        async () => {
          if (await hasInvoiceFor(deps.readStore, s.pelanggan_id, period)) return { position: null };
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
        },
      ]);
    }
    await attemptAll(deps, result, 'billing-invoices', candidates);
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
    await attemptAll(
      deps,
      result,
      'billing-overdue',
      page.map((inv): Candidate => [inv.id, () => markInvoiceOverdue(deps.commands, inv.id, meta)]),
    );
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
    const subscriptions = await activeLanggananOf(deps.readStore, [...firstOverdue.keys()]);
    await attemptAll(
      deps,
      result,
      'billing-suspension',
      subscriptions.map((s): Candidate => [s.id, () => suspendSubscription(deps.commands, s.id, { reason: 'overdue', invoiceId: firstOverdue.get(s.customer_id)! }, meta)]),
    );
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
  const candidates = (await suspendedLangganan(deps.readStore, options.customerIds))
    .filter((s) => s.status_reason === 'overdue')
    .map(
      (s): Candidate => [
        s.id,
        async () => {
          if ((await overdueOfPelanggan(deps.readStore, s.pelanggan_id, before)).length > 0) return { position: null };
          return reactivateSubscription(deps.commands, s.id, { reason: 'payment', invoiceId: options.invoiceId ?? null }, meta);
        },
      ],
    );
  await attemptAll(deps, result, 'billing-reactivation', candidates);
  return result;
}
