import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError } from '../shared/errors';
import type { WebhookEventName } from '../webhook/events';
import type { DeliveryOutcome, WebhookDeliveryEvent } from './events';
import { classifyAttempt, retryDelayMs, type AttemptResult, type RetryPolicy } from './retry';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryState {
  exists: boolean;
  deliveryId: string;
  webhookId: string;
  status: DeliveryStatus;
  /** Attempts over the delivery's life. */
  attempts: number;
  /** Attempts since it was scheduled or last asked for again. */
  roundAttempts: number;
  nextAttemptAt: string | null;
}

export type WebhookDeliveryCommand =
  | {
      type: 'ScheduleDelivery';
      deliveryId: string;
      webhookId: string;
      event: WebhookEventName;
      sourceEventId: string;
      sourceEventType: string;
      sourcePosition: number;
      payload: Record<string, unknown>;
      now: string;
    }
  | {
      type: 'RecordAttempt';
      result: AttemptResult;
      durationMs: number;
      policy: RetryPolicy;
      /** In [0, 1): the jitter of the next wait (passed in: deciders draw no random numbers). */
      random: number;
      now: string;
    }
  | { type: 'RequestRedelivery'; now: string };

export const initialWebhookDeliveryState = (): WebhookDeliveryState => ({
  exists: false,
  deliveryId: '',
  webhookId: '',
  status: 'pending',
  attempts: 0,
  roundAttempts: 0,
  nextAttemptAt: null,
});

export function evolveWebhookDelivery(state: WebhookDeliveryState, event: WebhookDeliveryEvent): WebhookDeliveryState {
  switch (event.type) {
    case 'WebhookDeliveryScheduled':
      return {
        ...initialWebhookDeliveryState(),
        exists: true,
        deliveryId: event.data.deliveryId,
        webhookId: event.data.webhookId,
        nextAttemptAt: event.data.scheduledAt,
      };
    case 'WebhookDeliveryAttempted': {
      const status: DeliveryStatus = event.data.outcome === 'retrying' ? 'pending' : event.data.outcome;
      return { ...state, status, attempts: event.data.attempt, roundAttempts: state.roundAttempts + 1, nextAttemptAt: event.data.nextAttemptAt };
    }
    case 'WebhookRedeliveryRequested':
      return { ...state, status: 'pending', roundAttempts: 0, nextAttemptAt: event.data.requestedAt };
  }
}

function describe(result: AttemptResult): string | null {
  if (result.kind === 'error') return result.message;
  if (result.statusCode >= 200 && result.statusCode < 300) return null;
  if (result.statusCode >= 300 && result.statusCode < 400) return `HTTP ${result.statusCode}: redirects are not followed`;
  return `HTTP ${result.statusCode}`;
}

export function decideWebhookDelivery(command: WebhookDeliveryCommand, state: WebhookDeliveryState): WebhookDeliveryEvent[] {
  if (command.type === 'ScheduleDelivery') {
    // The same message scheduled again (a replay): already there.
    if (state.exists) return [];
    const { type: _t, now, ...rest } = command;
    return [{ type: 'WebhookDeliveryScheduled', data: { ...rest, scheduledAt: now } }];
  }
  if (!state.exists) throw new NotFoundError('Delivery', state.deliveryId);
  const ref = { deliveryId: state.deliveryId, webhookId: state.webhookId };
  switch (command.type) {
    case 'RequestRedelivery':
      return [{ type: 'WebhookRedeliveryRequested', data: { ...ref, requestedAt: command.now } }];
    case 'RecordAttempt': {
      if (state.status !== 'pending') throw new IllegalStateError(`A ${state.status} delivery is not attempted`, state.status, ['pending']);
      const kind = classifyAttempt(command.result);
      const attemptsLeft = command.policy.maxAttempts - (state.roundAttempts + 1);
      let outcome: DeliveryOutcome;
      let nextAttemptAt: string | null = null;
      if (kind === 'delivered') outcome = 'delivered';
      else if (kind === 'final' || attemptsLeft <= 0) outcome = 'failed';
      else {
        outcome = 'retrying';
        const retryAfter = command.result.kind === 'response' ? command.result.retryAfterMs : null;
        const wait = retryDelayMs(command.policy, state.roundAttempts + 1, command.random, retryAfter);
        nextAttemptAt = new Date(Date.parse(command.now) + wait).toISOString();
      }
      return [
        {
          type: 'WebhookDeliveryAttempted',
          data: {
            ...ref,
            attempt: state.attempts + 1,
            outcome,
            statusCode: command.result.kind === 'response' ? command.result.statusCode : null,
            error: describe(command.result),
            durationMs: Math.max(0, Math.round(command.durationMs)),
            attemptedAt: command.now,
            nextAttemptAt,
          },
        },
      ];
    }
  }
}

export const webhookDeliveryDecider: Decider<WebhookDeliveryState, WebhookDeliveryCommand, WebhookDeliveryEvent> = {
  initialState: initialWebhookDeliveryState,
  evolve: evolveWebhookDelivery,
  decide: decideWebhookDelivery,
};
