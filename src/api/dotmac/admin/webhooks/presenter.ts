import type { DeliveryDoc, WebhookDoc } from '../../../../projections/webhooks/projector';
import { isoSeconds } from '../../envelope';

const at = (v: string | null) => (v ? isoSeconds(v) : null);

/** A webhook subscription in document 004's words; its secret never leaves (only that one is set). */
export function presentWebhook(doc: WebhookDoc) {
  return {
    id: doc._id,
    url: doc.url,
    events: doc.events,
    active: doc.active,
    description: doc.description,
    secret_set: true,
    disabled_reason: doc.disabled_reason,
    disabled_at: at(doc.disabled_at),
    consecutive_failures: doc.consecutive_failures,
    last_attempt_at: at(doc.last_attempt_at),
    last_success_at: at(doc.last_success_at),
    last_failure_at: at(doc.last_failure_at),
    created_at: isoSeconds(doc.created_at),
    updated_at: isoSeconds(doc.updated_at),
  };
}

/** A line of the delivery log (the message's `webhook-id` is its id). */
export function presentDelivery(doc: DeliveryDoc) {
  return {
    id: doc._id,
    webhook_id: doc.webhook_id,
    event: doc.event,
    status: doc.status,
    attempts: doc.attempt_count,
    next_attempt_at: at(doc.next_attempt_at),
    last_status_code: doc.last_status_code,
    last_error: doc.last_error,
    delivered_at: at(doc.delivered_at),
    created_at: isoSeconds(doc.created_at),
    updated_at: isoSeconds(doc.updated_at),
  };
}

/** One message with its body and every attempt. */
export function presentDeliveryDetail(doc: DeliveryDoc) {
  return {
    ...presentDelivery(doc),
    payload: doc.payload,
    attempt_log: doc.attempts.map((a) => ({
      attempt: a.attempt,
      outcome: a.outcome,
      status_code: a.status_code,
      error: a.error,
      duration_ms: a.duration_ms,
      attempted_at: isoSeconds(a.attempted_at),
      next_attempt_at: at(a.next_attempt_at),
    })),
  };
}
