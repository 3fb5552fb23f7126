import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { checkWebhookUrl, webhookDecider, type WebhookCommand } from './decider';
import type { WebhookEvent, WebhookSettings } from './events';

const spec = deciderSpec(webhookDecider);
const now = '2026-01-15T12:00:00.000Z';
const later = '2026-01-15T13:00:00.000Z';
const settings: WebhookSettings = {
  url: 'https://hooks.example.com/dotmac',
  events: ['customer.created', 'invoice.paid'],
  secretSealed: 'v1.sealed-1',
  active: true,
  description: null,
};
const ok = { ok: true } as const;
const create: WebhookCommand = { type: 'CreateWebhook', webhookId: 'w1', settings, urlCheck: ok, now };
const created: WebhookEvent = { type: 'WebhookCreated', data: { webhookId: 'w1', ...settings, createdAt: now } };

describe('Webhook decider', () => {
  it('creates a subscription with its sealed secret', () => {
    spec.given([]).when(create).then([created]);
  });

  it('refuses a URL whose host resolves to an address it may not call, naming why', () => {
    spec
      .given([])
      .when({ ...create, urlCheck: { ok: false, reason: 'The url resolves to a private address (10.0.0.5).' } })
      .thenThrows(ValidationError, (e) => expect(e.fields).toEqual({ url: ['The url resolves to a private address (10.0.0.5).'] }));
  });

  it('refuses URLs that are not http(s), carry credentials or are not URLs', () => {
    expect(checkWebhookUrl('ftp://example.com/x')).toEqual(['The url must use http or https.']);
    expect(checkWebhookUrl('https://user:pw@example.com/x')).toEqual(['The url may not contain credentials.']);
    expect(checkWebhookUrl('not a url')).toEqual(['The url must be an absolute http or https URL.']);
    expect(checkWebhookUrl(`https://example.com/${'a'.repeat(2100)}`)).toEqual(['The url may not be longer than 2048 characters.']);
    spec.given([]).when({ ...create, settings: { ...settings, url: 'file:///etc/passwd' } }).thenThrows(ValidationError);
  });

  it('needs at least one event, each once', () => {
    spec.given([]).when({ ...create, settings: { ...settings, events: [] } }).thenThrows(ValidationError, (e) => expect(e.fields.events).toEqual(['Subscribe to at least one event.']));
    spec
      .given([])
      .when({ ...create, settings: { ...settings, events: ['invoice.paid', 'invoice.paid'] } })
      .thenThrows(ValidationError, (e) => expect(e.fields.events).toEqual(['Each event may be listed once.']));
  });

  it('records only what an update changes, with the previous values (never the previous secret)', () => {
    spec
      .given([created])
      .when({ type: 'UpdateWebhook', changes: { events: ['ticket.created'], active: true, secretSealed: 'v1.sealed-2' }, now: later })
      .then([
        {
          type: 'WebhookUpdated',
          data: { webhookId: 'w1', changes: { events: ['ticket.created'], secretSealed: 'v1.sealed-2' }, previous: { events: ['customer.created', 'invoice.paid'] }, updatedAt: later },
        },
      ]);
    spec.given([created]).when({ type: 'UpdateWebhook', changes: { active: true, url: settings.url }, urlCheck: ok, now: later }).thenNothing();
  });

  it('checks a new URL like a new subscription', () => {
    spec
      .given([created])
      .when({ type: 'UpdateWebhook', changes: { url: 'http://127.0.0.1:9/x' }, urlCheck: { ok: false, reason: 'The url resolves to a loopback address (127.0.0.1).' }, now: later })
      .thenThrows(ValidationError);
  });

  it('is disabled after a run of failures once; a disabled one stays as it is', () => {
    const disabled: WebhookEvent = { type: 'WebhookDisabled', data: { webhookId: 'w1', reason: 'consecutive_failures', failures: 16, disabledAt: later } };
    spec.given([created]).when({ type: 'DisableWebhook', reason: 'consecutive_failures', failures: 16, now: later }).then([disabled]);
    spec.given([created, disabled]).when({ type: 'DisableWebhook', reason: 'consecutive_failures', failures: 17, now: later }).thenNothing();
    // Switched on again by a person.
    spec
      .given([created, disabled])
      .when({ type: 'UpdateWebhook', changes: { active: true }, now: later })
      .then([{ type: 'WebhookUpdated', data: { webhookId: 'w1', changes: { active: true }, previous: { active: false }, updatedAt: later } }]);
  });

  it('a deleted webhook no longer exists', () => {
    const deleted: WebhookEvent = { type: 'WebhookDeleted', data: { webhookId: 'w1', deletedAt: later } };
    spec.given([created]).when({ type: 'DeleteWebhook', now: later }).then([deleted]);
    spec.given([created, deleted]).when({ type: 'DeleteWebhook', now: later }).thenThrows(NotFoundError);
    spec.given([created, deleted]).when({ type: 'UpdateWebhook', changes: { active: false }, now: later }).thenThrows(NotFoundError);
    spec.given([]).when({ type: 'DeleteWebhook', now }).thenThrows(NotFoundError);
    spec.given([created]).when(create).thenThrows(IllegalStateError);
  });
});
