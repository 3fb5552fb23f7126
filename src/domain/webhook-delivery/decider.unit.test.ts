import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError } from '../shared/errors';
import { webhookDeliveryDecider, type WebhookDeliveryCommand } from './decider';
import type { WebhookDeliveryEvent } from './events';
import { classifyAttempt, parseRetryAfter, retryDelayMs, type AttemptResult, type RetryPolicy } from './retry';

const spec = deciderSpec(webhookDeliveryDecider);
const t0 = '2026-01-15T12:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();
const policy: RetryPolicy = { maxAttempts: 3, baseMs: 60_000, maxDelayMs: 3_600_000 };
const ref = { deliveryId: 'd1', webhookId: 'w1' };
const payload = { event: 'customer.created', timestamp: t0, tenant_id: 't', data: { customer: { id: 'c1' } }, webhook_id: 'w1' };

const schedule: WebhookDeliveryCommand = {
  type: 'ScheduleDelivery',
  ...ref,
  event: 'customer.created',
  sourceEventId: 'e1',
  sourceEventType: 'CustomerRegistered',
  sourcePosition: 42,
  payload,
  now: t0,
};
const scheduled: WebhookDeliveryEvent = {
  type: 'WebhookDeliveryScheduled',
  data: { ...ref, event: 'customer.created', sourceEventId: 'e1', sourceEventType: 'CustomerRegistered', sourcePosition: 42, payload, scheduledAt: t0 },
};
const response = (statusCode: number, retryAfterMs: number | null = null): AttemptResult => ({ kind: 'response', statusCode, retryAfterMs });
const attempt = (result: AttemptResult, now: string, random = 0): WebhookDeliveryCommand => ({ type: 'RecordAttempt', result, durationMs: 12, policy, random, now });
const attempted = (n: number, outcome: 'delivered' | 'retrying' | 'failed', statusCode: number | null, error: string | null, attemptedAt: string, nextAttemptAt: string | null): WebhookDeliveryEvent => ({
  type: 'WebhookDeliveryAttempted',
  data: { ...ref, attempt: n, outcome, statusCode, error, durationMs: 12, attemptedAt, nextAttemptAt },
});

describe('Webhook delivery decider', () => {
  it('schedules a message once (a replayed event schedules nothing more)', () => {
    spec.given([]).when(schedule).then([scheduled]);
    spec.given([scheduled]).when(schedule).thenNothing();
  });

  it('is delivered by a 2xx', () => {
    spec.given([scheduled]).when(attempt(response(204), t0)).then([attempted(1, 'delivered', 204, null, t0, null)]);
  });

  it('retries a 5xx, a 429, a 408 and a network failure after the base delay, doubling, with jitter', () => {
    const first = attempted(1, 'retrying', 503, 'HTTP 503', t0, at(60_000));
    spec.given([scheduled]).when(attempt(response(503), t0)).then([first]);
    // The second failure waits twice the base, stretched by the jitter (random 0.5 → ×1.25).
    spec
      .given([scheduled, first])
      .when(attempt({ kind: 'error', message: 'connect ECONNREFUSED' }, at(60_000), 0.5))
      .then([attempted(2, 'retrying', null, 'connect ECONNREFUSED', at(60_000), at(60_000 + 150_000))]);
    for (const status of [408, 429, 500]) expect(classifyAttempt(response(status))).toBe('retryable');
  });

  it('gives up after the last attempt of the policy', () => {
    const a1 = attempted(1, 'retrying', 500, 'HTTP 500', t0, at(60_000));
    const a2 = attempted(2, 'retrying', 500, 'HTTP 500', at(60_000), at(180_000));
    spec.given([scheduled, a1, a2]).when(attempt(response(500), at(180_000))).then([attempted(3, 'failed', 500, 'HTTP 500', at(180_000), null)]);
  });

  it('does not follow or retry a redirect, nor retry another 4xx', () => {
    spec.given([scheduled]).when(attempt(response(302), t0)).then([attempted(1, 'failed', 302, 'HTTP 302: redirects are not followed', t0, null)]);
    spec.given([scheduled]).when(attempt(response(400), t0)).then([attempted(1, 'failed', 400, 'HTTP 400', t0, null)]);
  });

  it('honours Retry-After when it asks for longer than the schedule', () => {
    spec.given([scheduled]).when(attempt(response(429, 600_000), t0)).then([attempted(1, 'retrying', 429, 'HTTP 429', t0, at(600_000))]);
    // Shorter than the schedule: the schedule wins.
    spec.given([scheduled]).when(attempt(response(503, 1_000), t0)).then([attempted(1, 'retrying', 503, 'HTTP 503', t0, at(60_000))]);
  });

  it('a redelivery starts a new round of attempts, continuing the count', () => {
    const failed = attempted(1, 'failed', 400, 'HTTP 400', t0, null);
    const again: WebhookDeliveryEvent = { type: 'WebhookRedeliveryRequested', data: { ...ref, requestedAt: at(5_000) } };
    spec.given([scheduled, failed]).when({ type: 'RequestRedelivery', now: at(5_000) }).then([again]);
    spec.given([scheduled, failed, again]).when(attempt(response(200), at(6_000))).then([attempted(2, 'delivered', 200, null, at(6_000), null)]);
    const state = [scheduled, failed, again].reduce(webhookDeliveryDecider.evolve, webhookDeliveryDecider.initialState());
    expect(state).toMatchObject({ status: 'pending', attempts: 1, roundAttempts: 0, nextAttemptAt: at(5_000) });
  });

  it('refuses to attempt what is delivered, and knows no unscheduled delivery', () => {
    spec.given([scheduled, attempted(1, 'delivered', 200, null, t0, null)]).when(attempt(response(200), t0)).thenThrows(IllegalStateError);
    spec.given([]).when({ type: 'RequestRedelivery', now: t0 }).thenThrows(NotFoundError);
  });
});

describe('retry schedule', () => {
  const minute = { maxAttempts: 8, baseMs: 60_000, maxDelayMs: 6 * 3_600_000 };
  it('doubles from the base, never sooner than nominal and at most half again as long', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(minute, n, 0))).toEqual([1, 2, 4, 8, 16, 32, 64].map((m) => m * 60_000));
    expect(retryDelayMs(minute, 1, 0.999_999)).toBeLessThan(90_001);
    expect(retryDelayMs(minute, 20, 0)).toBe(6 * 3_600_000);
  });
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date(t0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.parse(t0) + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
