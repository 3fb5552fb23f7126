import { systemMeta } from '../commands/context';
import { raiseSlaWarning, recordSlaBreach, type TicketCommandDeps } from '../commands/tickets';
import { IllegalStateError } from '../domain/shared/errors';
import { maxWarningWindowMs, slaWarningAt } from '../domain/ticket';
import type { Logger } from '../ports/logger';
import type { ReadStore } from '../ports/read-store';
import { slaBreachCandidates, slaWarningCandidates } from '../projections/tickets/queries';

export interface SlaJobDeps {
  commands: TicketCommandDeps;
  readStore: ReadStore;
  logger: Logger;
}

export interface SlaJobResult {
  /** Ticket ids that got TicketSlaBreached in this run. */
  breached: string[];
  /** Ticket ids that got TicketSlaWarningRaised in this run. */
  warned: string[];
  /** Candidates the decider refused (already done, resolved meanwhile, read model behind). */
  skipped: number;
  /** Candidates that failed for another reason (logged; the next run tries again). */
  failed: number;
  /** Log position of the last event appended, for read-your-writes; null when nothing was appended. */
  position: number | null;
}

/**
 * SLA breach detection and warnings: for every open ticket past its deadline, TicketSlaBreached
 * (once per deadline); for every open ticket whose warning window has started,
 * TicketSlaWarningRaised (once per deadline). Candidates come from the tickets read model
 * through its (open, overdue, sla_deadline) index; each append is a
 * command whose decider refuses duplicates, so running the job twice, or on two instances at
 * once, appends nothing new.
 */
export async function runSlaJob(deps: SlaJobDeps, now: Date): Promise<SlaJobResult> {
  const meta = systemMeta(deps.commands.ids, 'sla-job');
  const result: SlaJobResult = { breached: [], warned: [], skipped: 0, failed: 0, position: null };
  const attempt = async (ticketId: string, run: () => ReturnType<typeof recordSlaBreach>, done: string[]) => {
    try {
      const r = await run();
      if (r.position !== null) {
        done.push(ticketId);
        result.position = r.position;
      }
    } catch (err) {
      if (err instanceof IllegalStateError) {
        result.skipped++;
        return;
      }
      result.failed++;
      deps.logger.error({ ticketId, err: err instanceof Error ? err.message : String(err) }, 'SLA job: ticket failed');
    }
  };

  for (const t of await slaBreachCandidates(deps.readStore, now)) {
    await attempt(t._id, () => recordSlaBreach(deps.commands, t._id, now, meta), result.breached);
  }
  const { sla } = deps.commands;
  const nowMs = now.getTime();
  for (const t of await slaWarningCandidates(deps.readStore, now, maxWarningWindowMs(sla))) {
    if (Date.parse(slaWarningAt(t.created_at, t.sla_deadline, sla.warningPercent)) > nowMs) continue;
    await attempt(t._id, () => raiseSlaWarning(deps.commands, t._id, now, meta), result.warned);
  }
  if (result.breached.length || result.warned.length || result.failed) {
    deps.logger.info(
      { breached: result.breached.length, warned: result.warned.length, skipped: result.skipped, failed: result.failed },
      'SLA job run',
    );
  }
  return result;
}
