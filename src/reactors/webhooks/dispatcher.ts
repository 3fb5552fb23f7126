import { performance } from 'node:perf_hooks';
import type { RequestMeta } from '../../commands/context';
import { disableWebhook, loadWebhook, recordDeliveryAttempt, type WebhookCommandDeps } from '../../commands/webhooks';
import { IllegalStateError, NotFoundError } from '../../domain/shared/errors';
import { parseRetryAfter, type AttemptResult, type RetryPolicy } from '../../domain/webhook-delivery';
import type { Logger } from '../../ports/logger';
import type { ReadStore } from '../../ports/read-store';
import { WebhookTransportError, type WebhookTransport } from '../../ports/webhook-transport';
import type { DeliveryDoc, WebhookDoc } from '../../projections/webhooks/projector';
import { activeWebhooks, getWebhook, nextPendingDelivery } from '../../projections/webhooks/queries';
import { signedHeaders } from './signature';

/** Timers, injected: tests fire them by hand with the manual clock, never by sleeping. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface WebhookDeliverySettings {
  retry: RetryPolicy;
  /** Each attempt must be answered within this (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Failed attempts in a row after which a webhook is disabled (WEBHOOK_DISABLE_AFTER_FAILURES). */
  disableAfterFailures: number;
  /** The longest the dispatcher sleeps without looking (new messages wake it sooner). */
  pollMs: number;
}

export interface WebhookDispatcherOptions {
  commands: WebhookCommandDeps;
  readStore: ReadStore;
  transport: WebhookTransport;
  logger: Logger;
  settings: WebhookDeliverySettings;
  /** Read-your-writes: the dispatcher reads the delivery log after its own writes. */
  sync: { waitFor(position: number, timeoutMs: number): Promise<boolean> };
  isLeader?: () => boolean;
  timers?: Timers;
  /** In [0, 1): the jitter of retry waits. */
  random?: () => number;
  /** Elapsed time of an attempt (a duration, not a time of day). */
  monotonicMs?: () => number;
}

/** Messages one webhook may take per round before the next webhook's turn (fairness). */
const PER_ROUND = 100;

/**
 * Sends the scheduled messages. Per webhook, in the order of the events they announce: the
 * oldest message still pending is the only one tried, so a receiver sees a webhook's events in
 * log order, and a message waiting for its retry holds the later ones back (they follow as soon
 * as it is delivered or given up). Webhooks are served side by side. Each attempt is signed
 * afresh (Standard Webhooks: the same `webhook-id`, this attempt's timestamp), sent through the
 * transport (address policy, no redirects, a deadline) and recorded as an event; the delivery log
 * is their projection. After `disableAfterFailures` failed attempts in a row, or a 410 Gone, the
 * webhook is disabled. Runs on the instance that holds the projection lease.
 */
export class WebhookDispatcher {
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly monotonic: () => number;
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.monotonic = options.monotonicMs ?? (() => performance.now());
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** New messages were scheduled: look soon. */
  wake(): void {
    if (!this.started) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Resolves when no round is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Attempts every message that is due now (one round per webhook), then sleeps until the next is due. */
  tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = this.round()
      .catch((err: unknown) => this.options.logger.error({ err: String(err) }, 'webhook dispatch round failed'))
      .then((next) => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        } else this.schedule(next ?? this.options.settings.pollMs);
      });
    this.running = run;
    return run;
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, Math.max(0, Math.min(delayMs, this.options.settings.pollMs)));
  }

  /** One round; resolves with how long until the next message is due (null: nothing waits). */
  private async round(): Promise<number | null> {
    if (this.options.isLeader && !this.options.isLeader()) return null;
    const hooks = await activeWebhooks(this.options.readStore);
    const due = await Promise.all(hooks.map((h) => this.drain(h)));
    const now = this.options.commands.clock.now().getTime();
    const next = due.filter((d): d is number => d !== null);
    return next.length ? Math.max(0, Math.min(...next) - now) : null;
  }

  /** Sends one webhook's due messages in order; resolves with when its next one is due. */
  private async drain(hook: WebhookDoc): Promise<number | null> {
    for (let sent = 0; sent < PER_ROUND; sent++) {
      const delivery = await nextPendingDelivery(this.options.readStore, hook._id);
      if (!delivery || !delivery.next_attempt_at) return null;
      const due = Date.parse(delivery.next_attempt_at);
      if (due > this.options.commands.clock.now().getTime()) return due;
      const carryOn = await this.attempt(hook._id, delivery);
      if (!carryOn) return null;
    }
    return this.options.commands.clock.now().getTime();
  }

  private meta(delivery: DeliveryDoc): RequestMeta {
    const id = `webhook-dispatch:${delivery._id}:${delivery.attempt_count + 1}`;
    return { actor: { userId: 'system', role: 'system' }, requestId: id, correlationId: delivery.source_event_id, causationId: delivery.source_event_id };
  }

  /** One attempt of one message; false when the webhook is no longer to be served. */
  private async attempt(webhookId: string, delivery: DeliveryDoc): Promise<boolean> {
    const { commands, settings, logger } = this.options;
    let hook;
    try {
      hook = await loadWebhook(commands, webhookId);
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
    if (!hook.settings?.active) return false;
    const secret = commands.secrets.open(hook.settings.secretSealed);
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(commands.clock.now().getTime() / 1000);
    const started = this.monotonic();
    let result: AttemptResult;
    try {
      const res = await this.options.transport.post({
        url: hook.settings.url,
        headers: signedHeaders(secret, delivery._id, timestamp, body),
        body,
        timeoutMs: settings.timeoutMs,
      });
      result = { kind: 'response', statusCode: res.statusCode, retryAfterMs: parseRetryAfter(res.retryAfter, commands.clock.now()) };
    } catch (err) {
      if (!(err instanceof WebhookTransportError)) logger.warn({ err: String(err), deliveryId: delivery._id }, 'webhook attempt failed unexpectedly');
      result = { kind: 'error', message: err instanceof WebhookTransportError ? err.message : 'The request could not be sent.' };
    }
    const durationMs = this.monotonic() - started;
    let position: number | null;
    try {
      position = (await recordDeliveryAttempt(commands, delivery._id, { result, durationMs, policy: settings.retry, random: this.random() }, this.meta(delivery))).position;
    } catch (err) {
      // Already settled (a stale read): move on once the log says so.
      if (err instanceof IllegalStateError) return true;
      throw err;
    }
    if (position !== null) await this.options.sync.waitFor(position, 10_000);
    if (result.kind === 'response' && result.statusCode >= 200 && result.statusCode < 300) return true;
    const gone = result.kind === 'response' && result.statusCode === 410;
    const current = await getWebhook(this.options.readStore, webhookId);
    const failures = current?.consecutive_failures ?? 0;
    if (gone || failures >= settings.disableAfterFailures) {
      const disabled = await disableWebhook(commands, webhookId, { reason: gone ? 'gone' : 'consecutive_failures', failures }, this.meta(delivery));
      if (disabled.position !== null) await this.options.sync.waitFor(disabled.position, 10_000);
      logger.warn({ webhookId, failures, gone }, 'webhook disabled after failed deliveries');
      return false;
    }
    // A failure that will be retried: the next message waits for it.
    return true;
  }
}
