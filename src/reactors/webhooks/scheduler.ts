import type { CommandDeps, RequestMeta } from '../../commands/context';
import { scheduleDelivery } from '../../commands/webhooks';
import type { Logger } from '../../ports/logger';
import type { ReadStore } from '../../ports/read-store';
import type { ProjectedEvent } from '../../projections/engine/projector';
import { webhooksFor } from '../../projections/webhooks/queries';
import type { ReactorHandler } from '../checkpointed-reactor';
import { ANNOUNCES, announcementsOf, payloadOf, WEBHOOK_SOURCE_EVENTS, type CatalogueContext } from './catalogue';

export interface WebhookSchedulingDeps {
  commands: CommandDeps;
  readStore: ReadStore;
  logger: Logger;
  /** `tenant_id` of every payload. */
  tenantId: string;
  portalIdOf: CatalogueContext['portalIdOf'];
  /** Told when messages were scheduled (the dispatcher wakes up). */
  onScheduled?: () => void;
}

/**
 * The outbox side of webhooks: a CheckpointedReactor handler fed from the event log. For each
 * domain event of the catalogue it writes one message per active webhook subscribed to the
 * announced event and created before it (WebhookDeliveryScheduled on the message's own stream,
 * with the body fixed once); the dispatcher then sends them. The message id is derived from the
 * webhook and the event, so a replay after a crash (at least once) schedules nothing twice.
 */
export function webhookSchedulingHandler(deps: WebhookSchedulingDeps): ReactorHandler {
  const ctx: CatalogueContext = { readStore: deps.readStore, portalIdOf: deps.portalIdOf };
  return {
    name: 'webhooks',
    eventTypes: WEBHOOK_SOURCE_EVENTS,
    async handle(event: ProjectedEvent) {
      // Nobody listens (the usual case while a long log is first read): no payload is built.
      const listening = new Map<string, Awaited<ReturnType<typeof webhooksFor>>>();
      for (const name of ANNOUNCES[event.type] ?? []) {
        const hooks = await webhooksFor(deps.readStore, name, event.position);
        if (hooks.length) listening.set(name, hooks);
      }
      if (listening.size === 0) return;
      const announcements = await announcementsOf(event, ctx);
      if (announcements.length === 0) return;
      const meta: RequestMeta = {
        actor: { userId: 'system', role: 'system' },
        requestId: `webhooks:${event.id}`,
        correlationId: event.metadata.correlationId ?? event.id,
        causationId: event.id,
      };
      let scheduled = 0;
      for (const a of announcements) {
        for (const hook of listening.get(a.event) ?? []) {
          const { result } = await scheduleDelivery(
            deps.commands,
            {
              webhookId: hook._id,
              event: a.event,
              sourceEventId: event.id,
              sourceEventType: event.type,
              sourcePosition: event.position,
              payload: payloadOf(a, event, hook._id, deps.tenantId),
            },
            meta,
          );
          if (result.newEvents.length) scheduled++;
        }
      }
      if (scheduled) deps.onScheduled?.();
    },
  };
}
