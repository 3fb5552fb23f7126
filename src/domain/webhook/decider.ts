import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from '../shared/errors';
import { WEBHOOK_EVENTS, type WebhookEvent, type WebhookEventName, type WebhookSettings } from './events';

export interface WebhookState {
  exists: boolean;
  deleted: boolean;
  webhookId: string;
  settings: WebhookSettings | null;
}

/**
 * What the command layer found out about a URL's host (DNS is I/O, so it happens outside):
 * `ok`, or why it may not be called (it resolves to a loopback, link-local or private address
 * and its host is not in WEBHOOK_ALLOWED_HOSTS).
 */
export type UrlCheck = { ok: true } | { ok: false; reason: string };

export type WebhookCommand =
  | { type: 'CreateWebhook'; webhookId: string; settings: WebhookSettings; urlCheck: UrlCheck; now: string }
  /** Absent fields stay as they are; `urlCheck` is required when `url` is given. */
  | { type: 'UpdateWebhook'; changes: Partial<WebhookSettings>; urlCheck?: UrlCheck; now: string }
  | { type: 'DisableWebhook'; reason: 'consecutive_failures' | 'gone'; failures: number; now: string }
  | { type: 'DeleteWebhook'; now: string };

export const initialWebhookState = (): WebhookState => ({ exists: false, deleted: false, webhookId: '', settings: null });

export function evolveWebhook(state: WebhookState, event: WebhookEvent): WebhookState {
  switch (event.type) {
    case 'WebhookCreated': {
      const { webhookId, createdAt: _c, ...settings } = event.data;
      return { exists: true, deleted: false, webhookId, settings };
    }
    case 'WebhookUpdated':
      return { ...state, settings: { ...state.settings!, ...event.data.changes } };
    case 'WebhookDisabled':
      return { ...state, settings: { ...state.settings!, active: false } };
    case 'WebhookDeleted':
      return { ...state, deleted: true };
  }
}

export const MAX_URL_LENGTH = 2048;

/** The URL's form (scheme, host, no credentials); where it points is the UrlCheck's business. */
export function checkWebhookUrl(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ['The url must be an absolute http or https URL.'];
  }
  const problems: string[] = [];
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') problems.push('The url must use http or https.');
  if (parsed.username || parsed.password) problems.push('The url may not contain credentials.');
  if (!parsed.hostname) problems.push('The url must name a host.');
  if (url.length > MAX_URL_LENGTH) problems.push(`The url may not be longer than ${MAX_URL_LENGTH} characters.`);
  return problems;
}

function checkSettings(s: Partial<WebhookSettings>, urlCheck: UrlCheck | undefined): void {
  const errors: FieldErrors = {};
  if (s.url !== undefined) {
    const problems = checkWebhookUrl(s.url);
    if (problems.length === 0 && urlCheck && !urlCheck.ok) problems.push(urlCheck.reason);
    if (problems.length === 0 && !urlCheck) throw new TypeError('A webhook url needs its UrlCheck');
    if (problems.length) errors.url = problems;
  }
  if (s.events !== undefined) {
    if (s.events.length === 0) errors.events = ['Subscribe to at least one event.'];
    else if (new Set(s.events).size !== s.events.length) errors.events = ['Each event may be listed once.'];
    else if (s.events.some((e) => !WEBHOOK_EVENTS.includes(e))) errors.events = [`The events must be among: ${WEBHOOK_EVENTS.join(', ')}.`];
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

const sameEvents = (a: readonly WebhookEventName[], b: readonly WebhookEventName[]) => a.length === b.length && a.every((e, i) => e === b[i]);

export function decideWebhook(command: WebhookCommand, state: WebhookState): WebhookEvent[] {
  if (command.type === 'CreateWebhook') {
    if (state.exists) throw new IllegalStateError('Webhook already exists');
    checkSettings(command.settings, command.urlCheck);
    return [{ type: 'WebhookCreated', data: { webhookId: command.webhookId, ...command.settings, createdAt: command.now } }];
  }
  if (!state.exists || state.deleted) throw new NotFoundError('Webhook', state.webhookId);
  const current = state.settings!;
  switch (command.type) {
    case 'DeleteWebhook':
      return [{ type: 'WebhookDeleted', data: { webhookId: state.webhookId, deletedAt: command.now } }];
    case 'DisableWebhook':
      // Already off (by a person or an earlier run of failures): nothing to record.
      if (!current.active) return [];
      return [{ type: 'WebhookDisabled', data: { webhookId: state.webhookId, reason: command.reason, failures: command.failures, disabledAt: command.now } }];
    case 'UpdateWebhook': {
      const c = command.changes;
      const changes: Partial<WebhookSettings> = {};
      const previous: Partial<Omit<WebhookSettings, 'secretSealed'>> = {};
      if (c.url !== undefined && c.url !== current.url) [changes.url, previous.url] = [c.url, current.url];
      if (c.events !== undefined && !sameEvents(c.events, current.events)) [changes.events, previous.events] = [c.events, current.events];
      if (c.active !== undefined && c.active !== current.active) [changes.active, previous.active] = [c.active, current.active];
      if (c.description !== undefined && c.description !== current.description) [changes.description, previous.description] = [c.description, current.description];
      // A new secret is always a change (sealed values of the same secret differ).
      if (c.secretSealed !== undefined) changes.secretSealed = c.secretSealed;
      checkSettings(changes, command.urlCheck);
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'WebhookUpdated', data: { webhookId: state.webhookId, changes, previous, updatedAt: command.now } }];
    }
  }
}

export const webhookDecider: Decider<WebhookState, WebhookCommand, WebhookEvent> = {
  initialState: initialWebhookState,
  evolve: evolveWebhook,
  decide: decideWebhook,
};
