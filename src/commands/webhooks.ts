import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, ValidationError } from '../domain/shared/errors';
import { webhookDecider, webhookStream, type UrlCheck, type WebhookSettings, type WebhookState } from '../domain/webhook';
import {
  webhookDeliveryDecider,
  webhookDeliveryStream,
  type AttemptResult,
  type RetryPolicy,
  type WebhookDeliveryState,
} from '../domain/webhook-delivery';
import type { WebhookEventName } from '../domain/webhook';
import type { SecretBox } from '../ports/secret-box';
import type { WebhookTargetPolicy } from '../ports/webhook-transport';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult } from './handle-command';

/**
 * Webhook subscriptions and their deliveries (document 004, DESIGN.md §7). The signing secret
 * is sealed with the SecretBox before it is written; where a URL points is checked through the
 * WebhookTargetPolicy (DNS, WEBHOOK_ALLOWED_HOSTS) before the decider sees it.
 */
export interface WebhookCommandDeps extends CommandDeps {
  secrets: SecretBox;
  webhookTargets: WebhookTargetPolicy;
}

export const SECRET_MIN_LENGTH = 16;
export const SECRET_MAX_LENGTH = 256;

/** A fresh secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function checkSecret(secret: string): void {
  if (secret.length < SECRET_MIN_LENGTH || secret.length > SECRET_MAX_LENGTH) {
    throw new ValidationError({ secret: [`The secret must be ${SECRET_MIN_LENGTH} to ${SECRET_MAX_LENGTH} characters.`] });
  }
}

export interface CreateWebhookInput {
  url: string;
  events: WebhookEventName[];
  /** Null: one is generated (and answered once). */
  secret: string | null;
  active: boolean;
  description: string | null;
}

export async function createWebhook(
  deps: WebhookCommandDeps,
  input: CreateWebhookInput,
  meta: RequestMeta,
): Promise<{ webhookId: string; secret: string; result: CommandResult<WebhookState> }> {
  const secret = input.secret ?? generateWebhookSecret();
  checkSecret(secret);
  const webhookId = deps.ids.uuid();
  const urlCheck = await deps.webhookTargets.check(input.url);
  const settings: WebhookSettings = {
    url: input.url,
    events: input.events,
    secretSealed: deps.secrets.seal(secret),
    active: input.active,
    description: input.description,
  };
  const result = await handleCommand(
    deps,
    webhookDecider,
    webhookStream(webhookId),
    { type: 'CreateWebhook', webhookId, settings, urlCheck, now: deps.clock.now().toISOString() },
    meta,
  );
  return { webhookId, secret, result };
}

export interface UpdateWebhookInput {
  url?: string;
  events?: WebhookEventName[];
  secret?: string;
  active?: boolean;
  description?: string | null;
}

export async function updateWebhook(deps: WebhookCommandDeps, webhookId: string, input: UpdateWebhookInput, meta: RequestMeta): Promise<CommandResult<WebhookState>> {
  if (input.secret !== undefined) checkSecret(input.secret);
  const urlCheck: UrlCheck | undefined = input.url !== undefined ? await deps.webhookTargets.check(input.url) : undefined;
  const changes: Partial<WebhookSettings> = {
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.events !== undefined ? { events: input.events } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.secret !== undefined ? { secretSealed: deps.secrets.seal(input.secret) } : {}),
  };
  return handleCommand(deps, webhookDecider, webhookStream(webhookId), { type: 'UpdateWebhook', changes, urlCheck, now: deps.clock.now().toISOString() }, meta);
}

export function deleteWebhook(deps: WebhookCommandDeps, webhookId: string, meta: RequestMeta): Promise<CommandResult<WebhookState>> {
  return handleCommand(deps, webhookDecider, webhookStream(webhookId), { type: 'DeleteWebhook', now: deps.clock.now().toISOString() }, meta);
}

export function disableWebhook(
  deps: CommandDeps,
  webhookId: string,
  input: { reason: 'consecutive_failures' | 'gone'; failures: number },
  meta: RequestMeta,
): Promise<CommandResult<WebhookState>> {
  return handleCommand(deps, webhookDecider, webhookStream(webhookId), { type: 'DisableWebhook', ...input, now: deps.clock.now().toISOString() }, meta);
}

export async function loadWebhook(deps: Pick<CommandDeps, 'eventStore' | 'registry'>, webhookId: string): Promise<WebhookState> {
  const { state } = await loadAggregate(deps, webhookDecider, webhookStream(webhookId));
  if (!state.exists || state.deleted) throw new NotFoundError('Webhook', webhookId);
  return state;
}

/**
 * The id of the message announcing `sourceEventId` as `event` to `webhookId`: derived, so a
 * replay schedules the same stream (taken: nothing new), shaped like a UUID (version 5 bits).
 */
export function deliveryIdFor(webhookId: string, sourceEventId: string, event: WebhookEventName): string {
  const h = createHash('sha256').update(`${webhookId}|${sourceEventId}|${event}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface ScheduleDeliveryInput {
  webhookId: string;
  event: WebhookEventName;
  sourceEventId: string;
  sourceEventType: string;
  sourcePosition: number;
  payload: Record<string, unknown>;
}

export async function scheduleDelivery(
  deps: CommandDeps,
  input: ScheduleDeliveryInput,
  meta: RequestMeta,
): Promise<{ deliveryId: string; result: CommandResult<WebhookDeliveryState> }> {
  const deliveryId = deliveryIdFor(input.webhookId, input.sourceEventId, input.event);
  const result = await handleCommand(
    deps,
    webhookDeliveryDecider,
    webhookDeliveryStream(deliveryId),
    { type: 'ScheduleDelivery', deliveryId, ...input, now: deps.clock.now().toISOString() },
    meta,
  );
  return { deliveryId, result };
}

export function recordDeliveryAttempt(
  deps: CommandDeps,
  deliveryId: string,
  input: { result: AttemptResult; durationMs: number; policy: RetryPolicy; random: number },
  meta: RequestMeta,
): Promise<CommandResult<WebhookDeliveryState>> {
  return handleCommand(deps, webhookDeliveryDecider, webhookDeliveryStream(deliveryId), { type: 'RecordAttempt', ...input, now: deps.clock.now().toISOString() }, meta);
}

/** The redeliver action: the message is attempted again when its turn comes (at once, when nothing older waits). */
export async function requestRedelivery(deps: CommandDeps, webhookId: string, deliveryId: string, meta: RequestMeta): Promise<CommandResult<WebhookDeliveryState>> {
  await loadWebhook(deps, webhookId);
  const { state } = await loadAggregate(deps, webhookDeliveryDecider, webhookDeliveryStream(deliveryId));
  if (!state.exists || state.webhookId !== webhookId) throw new NotFoundError('Delivery', deliveryId);
  return handleCommand(deps, webhookDeliveryDecider, webhookDeliveryStream(deliveryId), { type: 'RequestRedelivery', now: deps.clock.now().toISOString() }, meta);
}

export async function loadDelivery(deps: Pick<CommandDeps, 'eventStore' | 'registry'>, deliveryId: string): Promise<{ state: WebhookDeliveryState; payload: Record<string, unknown> | null }> {
  const loaded = await loadAggregate(deps, webhookDeliveryDecider, webhookDeliveryStream(deliveryId));
  // The payload is not part of the state: it is read from the event that scheduled the delivery.
  const [first] = await deps.eventStore.readStream(webhookDeliveryStream(deliveryId), { cached: true, maxCount: 1 });
  const scheduled = first?.type === 'WebhookDeliveryScheduled' ? first : undefined;
  return { state: loaded.state, payload: scheduled ? (scheduled.data.payload as Record<string, unknown>) : null };
}
