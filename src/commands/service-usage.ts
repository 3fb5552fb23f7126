import { initialServiceUsageState, serviceUsageDecider, serviceUsageStream, type DailyUsage, type ServiceUsageCommand } from '../domain/service-usage';
import { subscriptionDecider, subscriptionStream } from '../domain/subscription';
import { ValidationError } from '../domain/shared/errors';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, loadAggregate } from './handle-command';

/**
 * Usage ingestion (document 004, POST /api/v1/services/usage): a batch of per-service daily
 * counters. Every service named must exist (422 naming the records otherwise, before anything
 * is recorded); then, per service and month, one command on `service_usage-<id>-<YYYY-MM>` that
 * replaces the days given (see src/domain/service-usage/events.ts). The groups are independent:
 * a batch that fails halfway is sent again and records only what is still missing.
 */
export interface UsageRecordInput extends DailyUsage {
  subscriptionId: number;
  /** The record's index in the request, for error messages. */
  index: number;
}

export interface RecordedUsage {
  received: number;
  /** Days recorded or replaced. */
  recorded: number;
  /** Days given again with the same values: nothing recorded. */
  unchanged: number;
  position: number | null;
}

export async function recordUsageBatch(deps: CommandDeps, input: { batchId: string; records: readonly UsageRecordInput[] }, meta: RequestMeta): Promise<RecordedUsage> {
  const ids = [...new Set(input.records.map((r) => r.subscriptionId))];
  const customers = new Map<number, string>();
  await Promise.all(
    ids.map(async (id) => {
      const { state } = await loadAggregate(deps, subscriptionDecider, subscriptionStream(id));
      if (state.exists) customers.set(id, state.customerId);
    }),
  );
  const unknown: Record<string, string[]> = {};
  for (const r of input.records) if (!customers.has(r.subscriptionId)) unknown[`records.${r.index}.service_id`] = ['The service does not exist.'];
  if (Object.keys(unknown).length) throw new ValidationError(unknown);

  const groups = new Map<string, UsageRecordInput[]>();
  for (const r of input.records) {
    const key = `${r.subscriptionId}|${r.date.slice(0, 7)}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const now = deps.clock.now().toISOString();
  const commands = [...groups].map(([key, records]) => {
    const [id, month] = key.split('|') as [string, string];
    const subscriptionId = Number(id);
    const command: ServiceUsageCommand = { type: 'RecordDailyUsage', subscriptionId, customerId: customers.get(subscriptionId)!, month, records, batchId: input.batchId, now };
    return { command, records };
  });
  // Every group is checked before any is recorded: a bad record anywhere records nothing.
  const fields: Record<string, string[]> = {};
  for (const { command, records } of commands) {
    try {
      serviceUsageDecider.decide(command, initialServiceUsageState());
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // The decider names records by their place in the group: name them by their place in the request.
      for (const [field, messages] of Object.entries(err.fields)) {
        const m = /^records\.(\d+)\.(.+)$/.exec(field);
        fields[m ? `records.${records[Number(m[1])]!.index}.${m[2]}` : field] = messages;
      }
    }
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);
  let recorded = 0;
  let position: number | null = null;
  for (const { command } of commands) {
    const result = await handleCommand(deps, serviceUsageDecider, serviceUsageStream(command.subscriptionId, command.month), command, meta);
    recorded += result.newEvents.length;
    if (result.position !== null) position = Math.max(position ?? 0, result.position);
  }
  return { received: input.records.length, recorded, unchanged: input.records.length - recorded, position };
}
