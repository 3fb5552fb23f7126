import type { WebhookEvent } from '../../domain/webhook';
import type { WebhookDeliveryEvent } from '../../domain/webhook-delivery';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const WEBHOOKS = 'webhooks';
export const WEBHOOK_DELIVERIES = 'webhook_deliveries';

/** A webhook subscription (`_id` its UUID), without its secret; with the run of failed attempts. */
export interface WebhookDoc extends Doc {
  url: string;
  events: string[];
  active: boolean;
  description: string | null;
  /** Why the delivery machinery switched it off, while it is off for that reason. */
  disabled_reason: 'consecutive_failures' | 'gone' | null;
  disabled_at: string | null;
  /** Failed attempts since the last delivered one (or since it was switched on again). */
  consecutive_failures: number;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_failure_at: string | null;
  /** Log position of WebhookCreated: events before it are not announced to it. */
  created_position: number;
  revision: number;
  created_at: string;
  updated_at: string;
}

export interface DeliveryAttemptDoc {
  attempt: number;
  outcome: 'delivered' | 'retrying' | 'failed';
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  attempted_at: string;
  next_attempt_at: string | null;
}

/** One message to one webhook (`_id` the delivery id, the `webhook-id` header), with its attempts. */
export interface DeliveryDoc extends Doc {
  webhook_id: string;
  event: string;
  source_event_id: string;
  source_event_type: string;
  /** Log position of the announced event: deliveries to one webhook go in this order. */
  source_position: number;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  attempts: DeliveryAttemptDoc[];
  created_at: string;
  updated_at: string;
}

/**
 * Webhook subscriptions and their delivery log, from the webhook and delivery streams. The
 * delivery log is what `GET /api/v1/webhooks/{id}/deliveries` lists and what the dispatcher
 * reads to find each webhook's next message; every attempt is an event, the log its projection.
 * A deleted webhook leaves both collections (its streams stay in the log).
 */
export const webhooksProjector: Projector = {
  name: 'webhooks',
  handles: ['WebhookCreated', 'WebhookUpdated', 'WebhookDisabled', 'WebhookDeleted', 'WebhookDeliveryScheduled', 'WebhookDeliveryAttempted', 'WebhookRedeliveryRequested'],
  collections: {
    [WEBHOOKS]: [
      // The list (newest first) and the reactor's "who wants this event".
      { keys: { created_at: -1, _id: -1 } },
      { keys: { active: 1, created_at: -1, _id: -1 } },
      { keys: { active: 1, events: 1 } },
    ],
    [WEBHOOK_DELIVERIES]: [
      // A webhook's delivery log, newest first, optionally by status; the dispatcher's oldest pending one.
      { keys: { webhook_id: 1, source_position: -1, _id: -1 } },
      { keys: { webhook_id: 1, status: 1, source_position: -1, _id: -1 } },
      { keys: { webhook_id: 1, event: 1, source_position: -1, _id: -1 } },
    ],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (WebhookEvent | WebhookDeliveryEvent);
    const webhooks = ctx.collection<WebhookDoc>(WEBHOOKS);
    const deliveries = ctx.collection<DeliveryDoc>(WEBHOOK_DELIVERIES);
    switch (event.type) {
      case 'WebhookCreated': {
        const d = event.data;
        await applyOnce(
          webhooks,
          d.webhookId,
          event.position,
          {
            $set: {
              url: d.url,
              events: d.events,
              active: d.active,
              description: d.description,
              disabled_reason: null,
              disabled_at: null,
              consecutive_failures: 0,
              last_attempt_at: null,
              last_success_at: null,
              last_failure_at: null,
              created_position: event.position,
              revision: event.revision,
              created_at: d.createdAt,
              updated_at: d.createdAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'WebhookUpdated': {
        const c = event.data.changes;
        const set: Record<string, unknown> = { revision: event.revision, updated_at: event.data.updatedAt };
        if (c.url !== undefined) set.url = c.url;
        if (c.events !== undefined) set.events = c.events;
        if (c.description !== undefined) set.description = c.description;
        if (c.active !== undefined) {
          set.active = c.active;
          // Switched on again: a fresh start for the failure count.
          if (c.active) Object.assign(set, { disabled_reason: null, disabled_at: null, consecutive_failures: 0 });
        }
        await applyOnce(webhooks, event.data.webhookId, event.position, { $set: set });
        return;
      }
      case 'WebhookDisabled':
        await applyOnce(webhooks, event.data.webhookId, event.position, {
          $set: { active: false, disabled_reason: event.data.reason, disabled_at: event.data.disabledAt, revision: event.revision, updated_at: event.data.disabledAt },
        });
        return;
      case 'WebhookDeleted':
        await webhooks.deleteOne({ _id: event.data.webhookId });
        await deliveries.deleteMany({ webhook_id: event.data.webhookId });
        return;
      case 'WebhookDeliveryScheduled': {
        const d = event.data;
        // Only for a webhook that is still there (one deleted meanwhile takes its messages with it).
        if (!(await webhooks.findOne({ _id: d.webhookId }, { projection: { _id: 1 } }))) return;
        await applyOnce(
          deliveries,
          d.deliveryId,
          event.position,
          {
            $set: {
              webhook_id: d.webhookId,
              event: d.event,
              source_event_id: d.sourceEventId,
              source_event_type: d.sourceEventType,
              source_position: d.sourcePosition,
              payload: d.payload,
              status: 'pending',
              attempt_count: 0,
              next_attempt_at: d.scheduledAt,
              last_status_code: null,
              last_error: null,
              delivered_at: null,
              attempts: [],
              created_at: d.scheduledAt,
              updated_at: d.scheduledAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'WebhookDeliveryAttempted': {
        const d = event.data;
        const attempt: DeliveryAttemptDoc = {
          attempt: d.attempt,
          outcome: d.outcome,
          status_code: d.statusCode,
          error: d.error,
          duration_ms: d.durationMs,
          attempted_at: d.attemptedAt,
          next_attempt_at: d.nextAttemptAt,
        };
        const applied = await applyOnce(deliveries, d.deliveryId, event.position, {
          $set: {
            status: d.outcome === 'retrying' ? 'pending' : d.outcome,
            attempt_count: d.attempt,
            next_attempt_at: d.nextAttemptAt,
            last_status_code: d.statusCode,
            last_error: d.error,
            ...(d.outcome === 'delivered' ? { delivered_at: d.attemptedAt } : {}),
            updated_at: d.attemptedAt,
          },
          $push: { attempts: attempt },
        });
        if (!applied) return;
        const ok = d.outcome === 'delivered';
        await applyOnce(
          webhooks,
          d.webhookId,
          event.position,
          ok
            ? { $set: { consecutive_failures: 0, last_attempt_at: d.attemptedAt, last_success_at: d.attemptedAt } }
            : { $set: { last_attempt_at: d.attemptedAt, last_failure_at: d.attemptedAt }, $inc: { consecutive_failures: 1 } },
        );
        return;
      }
      case 'WebhookRedeliveryRequested':
        await applyOnce(deliveries, event.data.deliveryId, event.position, {
          $set: { status: 'pending', next_attempt_at: event.data.requestedAt, updated_at: event.data.requestedAt },
        });
        return;
    }
  },
};
