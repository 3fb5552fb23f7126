import type { RequestMeta } from '../commands/context';
import type { MikrotikCommandDeps } from '../commands/mikrotik-servers';
import { recordPppoeSyncFailure, syncPppoeSecret, type PppoeSyncSubject } from '../commands/mikrotik-sync';
import { mikrotikSyncStream } from '../domain/mikrotik-sync';
import { NotFoundError, ValidationError } from '../domain/shared/errors';
import type { Logger } from '../ports/logger';
import type { ReadStore } from '../ports/read-store';
import type { ProjectedEvent } from '../projections/engine/projector';
import { resolvePppoeSyncSubject } from '../projections/mikrotik-sync/subject';
import type { ReactorHandler } from './checkpointed-reactor';

/**
 * The reaction of the routers to billing: when a subscription is suspended, reactivated or
 * ended, the pelanggan's PPPoE secret is synced on the Mikrotik server its technical data names
 * (suspended or ended: disabled, on the suspended profile, live session removed; reactivated:
 * enabled on its plan's profile). Run by a CheckpointedReactor from the event log.
 *
 * The sync writes what the read models say now (they include the trigger): replayed late, or
 * after a reactivation already followed, the router still ends up as the customer's current
 * state says. Each trigger is retried `attempts` times with a doubling delay; only the final
 * outcome is recorded (PppoeSynced, or PppoeSyncFailed, which billing turns into a
 * notification), with the trigger as its causation. A trigger whose outcome is already
 * recorded (redelivered after a crash) is skipped. A pelanggan with no server, no PPPoE account
 * or no plan has nothing on a router to change: logged and skipped.
 */

export const MIKROTIK_TRIGGERS = ['SubscriptionSuspended', 'SubscriptionReactivated', 'SubscriptionTerminated', 'SubscriptionActivated'] as const;

export interface MikrotikReactionDeps {
  commands: MikrotikCommandDeps;
  readStore: ReadStore;
  logger: Logger;
  /** Attempts per trigger (MIKROTIK_SYNC_ATTEMPTS). */
  attempts: number;
  /** Delay before the first retry, doubled for each further one (MIKROTIK_SYNC_RETRY_DELAY_MS). */
  retryDelayMs: number;
  resolveSubject?: (readStore: ReadStore, pelangganId: number) => Promise<PppoeSyncSubject | null>;
  /** Waits between attempts; interrupted by stop(). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether the outcome of this trigger is already in the customer's sync stream. */
async function alreadyHandled(deps: MikrotikReactionDeps, customerId: string, triggerId: string): Promise<boolean> {
  const recent = await deps.commands.eventStore.readStream(mikrotikSyncStream(customerId), { direction: 'backwards', maxCount: 50 });
  return recent.some((e) => e.metadata.causationId === triggerId);
}

export function mikrotikProvisioningHandler(deps: MikrotikReactionDeps): ReactorHandler {
  const resolve = deps.resolveSubject ?? resolvePppoeSyncSubject;
  const sleep = deps.sleep ?? realSleep;
  const logger = deps.logger.child({ reactor: 'mikrotik_provisioning' });
  return {
    name: 'mikrotik_provisioning',
    eventTypes: MIKROTIK_TRIGGERS,
    async handle(event: ProjectedEvent) {
      const customerId = String(event.data.customerId);
      const pelangganId = Number(event.data.pelangganId);
      if (await alreadyHandled(deps, customerId, event.id)) return;
      const subject = await resolve(deps.readStore, pelangganId);
      if (!subject || subject.mikrotikServerId === null) {
        logger.info({ pelangganId, trigger: event.type }, 'no Mikrotik server for this pelanggan; nothing to provision');
        return;
      }
      const serverId = subject.mikrotikServerId;
      const meta: RequestMeta = {
        actor: { userId: 'system', role: 'system' },
        requestId: `mikrotik-reactor:${event.id}`,
        correlationId: event.metadata.correlationId ?? event.id,
        causationId: event.id,
      };
      for (let attempt = 1; attempt <= deps.attempts; attempt++) {
        const last = attempt === deps.attempts;
        try {
          const outcome = await syncPppoeSecret(deps.commands, serverId, subject, meta, { recordFailure: last });
          if (outcome.status === 'synced') return;
          logger.warn({ pelangganId, serverId, attempt, reason: outcome.reason }, 'PPPoE sync failed');
        } catch (err) {
          if (err instanceof NotFoundError) {
            const ref = { pelangganId, customerId, mikrotikServerId: serverId };
            await recordPppoeSyncFailure(deps.commands, ref, `Mikrotik server ${serverId} does not exist`, meta);
            return;
          }
          if (err instanceof ValidationError) {
            logger.info({ pelangganId, trigger: event.type, fields: err.fields }, 'pelanggan cannot be provisioned; skipped');
            return;
          }
          throw err;
        }
        if (!last) await sleep(deps.retryDelayMs * 2 ** (attempt - 1));
      }
    },
  };
}
