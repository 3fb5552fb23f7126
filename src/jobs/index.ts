import type { TicketCommandDeps } from '../commands/tickets';
import type { Logger } from '../ports/logger';
import type { ReadStore } from '../ports/read-store';
import { JobScheduler, type JobDefinition } from './scheduler';
import { runSlaJob } from './sla';
import { runLowStockDigestJob } from './low-stock-digest';
import type { InventoryCommandDeps } from '../commands/inventory-settings';
import type { BillingCommandDeps } from '../commands/billing/deps';
import { runMonthlyInvoices, runOverdueMarking, runReactivations, runSuspensions } from './billing';

export { JobScheduler, type Job, type JobDefinition } from './scheduler';
export { runSlaJob, type SlaJobDeps, type SlaJobResult } from './sla';
export { runLowStockDigestJob, type LowStockDigestJobDeps, type LowStockDigestJobResult } from './low-stock-digest';

export interface JobsDeps {
  commands: TicketCommandDeps & InventoryCommandDeps & BillingCommandDeps;
  readStore: ReadStore;
  logger: Logger;
  /** Whether this instance runs the scheduled jobs now (it holds the projection lease). */
  isLeader?: () => boolean;
}

export interface JobSchedules {
  /** SLA_JOB_SCHEDULE */
  sla: string;
  /** INVENTORY_DIGEST_SCHEDULE */
  lowStockDigest: string;
  /** BILLING_*_JOB_SCHEDULE (document 002): monthly invoices, overdue marking, suspension, reactivation. */
  billing?: { invoices: string; overdue: string; suspension: string; reactivation: string };
}

/** Every recurring job of the product, for the composition root to start and stop. */
export function createJobScheduler(deps: JobsDeps, schedules: JobSchedules): JobScheduler {
  const logger = deps.logger.child({ component: 'jobs' });
  const jobs: JobDefinition[] = [
    { name: 'sla', schedule: schedules.sla, run: (now) => runSlaJob({ ...deps, logger }, now) },
    { name: 'low-stock-digest', schedule: schedules.lowStockDigest, run: (now) => runLowStockDigestJob({ ...deps, logger }, now) },
  ];
  if (schedules.billing) {
    const b = { ...deps, logger };
    jobs.push(
      { name: 'billing-invoices', schedule: schedules.billing.invoices, run: (now) => runMonthlyInvoices(b, now) },
      { name: 'billing-overdue', schedule: schedules.billing.overdue, run: (now) => runOverdueMarking(b, now) },
      { name: 'billing-suspension', schedule: schedules.billing.suspension, run: (now) => runSuspensions(b, now) },
      { name: 'billing-reactivation', schedule: schedules.billing.reactivation, run: (now) => runReactivations(b, now) },
    );
  }
  return new JobScheduler({ clock: deps.commands.clock, logger, isLeader: deps.isLeader }, jobs);
}
