import { systemMeta } from '../../commands/context';
import { registerCustomer, updateCustomer } from '../../commands/customers';
import { createWebhook, requestRedelivery, updateWebhook } from '../../commands/webhooks';
import type { CustomerDetails } from '../../domain/customer';
import type { WebhookEventName } from '../../domain/webhook';
import { silentLogger } from '../../ports/logger';
import { WebhookTransportError, type WebhookRequest, type WebhookResponse, type WebhookTransport } from '../../ports/webhook-transport';
import { getWebhook, listDeliveries } from '../../projections/webhooks/queries';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { ManualTimers } from '../../../test/support/manual-timers';
import { createWebhookDelivery, type WebhookDelivery } from '.';
import { verify } from './signature';

/**
 * Webhook delivery on the whole product (in-memory log, SQLite read models, manual clock and
 * timers): the reactor writes the messages from the log, the dispatcher sends them through a
 * scripted transport. The HTTP proof with a real receiver is src/api/dotmac/admin/webhooks/delivery.api.test.ts.
 */

type Answer = { status: number; retryAfter?: string } | { error: string };

class ScriptedTransport implements WebhookTransport {
  readonly requests: Array<WebhookRequest & { at: string }> = [];
  private readonly script: Answer[] = [];
  constructor(private readonly now: () => Date) {}
  answer(...answers: Answer[]): void {
    this.script.push(...answers);
  }
  async post(req: WebhookRequest): Promise<WebhookResponse> {
    this.requests.push({ ...req, at: this.now().toISOString() });
    const a = this.script.shift() ?? { status: 200 };
    if ('error' in a) throw new WebhookTransportError(a.error);
    return { statusCode: a.status, retryAfter: a.retryAfter ?? null };
  }
}

const SECRET = 'webhook_secret_key';
const details = (n: number): CustomerDetails => ({
  fullName: `Jane Smith ${n}`,
  phone: `+1-555-01${String(n).padStart(2, '0')}`,
  email: `jane${n}@example.com`,
  nationalId: null,
  address: { line: '123 Main St', line2: null, block: null, unit: null, city: 'Anytown', province: 'ST', postalCode: '12345', country: 'US' },
  coordinates: null,
  serviceArea: null,
  servicePackage: null,
  brand: null,
  installationDate: null,
  customerType: 'residential',
});

describe('webhook delivery (reactor and dispatcher)', () => {
  let t: TestApp;
  let timers: ManualTimers;
  let transport: ScriptedTransport;
  let hooks: WebhookDelivery;
  const meta = () => systemMeta(t.app.deps.commands.ids, 'test');

  beforeEach(async () => {
    t = await startTestApp();
    timers = new ManualTimers(t.clock);
    transport = new ScriptedTransport(() => t.clock.now());
    hooks = createWebhookDelivery({
      commands: t.app.deps.commands,
      readStore: t.app.deps.readStore,
      logger: silentLogger,
      transport,
      sync: t.app.deps.sync,
      timers,
      random: () => 0,
      settings: { retry: { maxAttempts: 3, baseMs: 60_000, maxDelayMs: 3_600_000 }, timeoutMs: 1000, disableAfterFailures: 5, pollMs: 30_000, tenantId: 'tenant-1' },
    });
    await hooks.reactor.start();
  });
  afterEach(async () => {
    await hooks.stop();
    await t.stop();
  });

  /** Lets the reactor write what the log asks for, then sends what is due now. */
  async function flush(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const head = await t.eventStore.headPosition();
      await hooks.reactor.reached(head);
      await t.app.deps.sync.waitFor(await t.eventStore.headPosition(), 5000);
      await hooks.dispatcher.tick();
      if ((await t.eventStore.headPosition()) === head) return;
    }
  }
  const later = async (ms: number) => {
    t.clock.advance(ms);
    await flush();
  };
  const subscribe = async (events: WebhookEventName[] = ['customer.created', 'customer.updated']) =>
    (await createWebhook(t.app.deps.commands, { url: 'https://hooks.example.com/dotmac', events, secret: SECRET, active: true, description: null }, meta())).webhookId;
  const customer = (n: number) => registerCustomer(t.app.deps.commands, { details: details(n), createLogin: false }, meta());
  const bodies = () => transport.requests.map((r) => JSON.parse(r.body) as { event: string; data: { customer: { display_name: string } } });

  it('sends each announced event once, signed per Standard Webhooks, in the documented payload', async () => {
    const webhookId = await subscribe();
    const c = await customer(1);
    await flush();
    expect(transport.requests).toHaveLength(1);
    const [req] = transport.requests;
    const headers = req!.headers;
    expect(headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(verify(SECRET, headers, req!.body, Math.floor(t.clock.now().getTime() / 1000))).toBe(true);
    expect(verify('another-secret-key', headers, req!.body, Math.floor(t.clock.now().getTime() / 1000))).toBe(false);
    expect(JSON.parse(req!.body)).toEqual({
      event: 'customer.created',
      timestamp: '2026-01-15T12:00:00Z',
      tenant_id: 'tenant-1',
      data: { customer: { id: c.customerId, customer_number: c.code, portal_id: null, display_name: 'Jane Smith 1', customer_type: 'residential', account_status: 'active' } },
      webhook_id: webhookId,
    });
    // Nothing more: a second round sends nothing.
    await later(120_000);
    expect(transport.requests).toHaveLength(1);
    const log = await listDeliveries(t.app.deps.readStore, { webhookId, skip: 0, limit: 10 });
    expect(log.items[0]).toMatchObject({ status: 'delivered', attempt_count: 1, last_status_code: 200 });
  });

  it('announces only what a webhook subscribed to, only to active webhooks, only events after it was created', async () => {
    await customer(1); // before any webhook: announced to none
    await flush();
    const a = await subscribe(['customer.updated']);
    const inactive = await subscribe(['customer.created']);
    await updateWebhook(t.app.deps.commands, inactive, { active: false }, meta());
    const c = await customer(2);
    await updateCustomer(t.app.deps.commands, c.customerId, { phone: '+1-555-9999' }, meta());
    await flush();
    expect(bodies().map((b) => b.event)).toEqual(['customer.updated']);
    expect(transport.requests[0]!.url).toBe('https://hooks.example.com/dotmac');
    expect(JSON.parse(transport.requests[0]!.body)).toMatchObject({ webhook_id: a, data: { changed_fields: ['phone'] } });
  });

  it('retries failures with exponential back-off, keeps the webhook-id, and holds later events back until the first is through', async () => {
    await subscribe();
    transport.answer({ status: 503 }, { error: 'connect ECONNREFUSED' });
    await customer(1);
    await customer(2);
    await flush();
    expect(bodies().map((b) => b.data.customer.display_name)).toEqual(['Jane Smith 1']);
    await later(59_999); // not yet: the first retry waits the base delay
    expect(transport.requests).toHaveLength(1);
    await later(1);
    expect(transport.requests).toHaveLength(2);
    await later(119_999); // the second retry waits twice as long
    expect(transport.requests).toHaveLength(2);
    await later(1);
    // The third attempt succeeds, and the held-back second event follows at once.
    expect(bodies().map((b) => b.data.customer.display_name)).toEqual(['Jane Smith 1', 'Jane Smith 1', 'Jane Smith 1', 'Jane Smith 2']);
    const ids = transport.requests.map((r) => r.headers['webhook-id']);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
    // Every attempt is signed with its own timestamp.
    expect(transport.requests.map((r) => r.headers['webhook-timestamp'])).toEqual(
      [0, 60, 180, 180].map((s) => String(Math.floor(Date.parse('2026-01-15T12:00:00.000Z') / 1000) + s)),
    );
  });

  it('honours Retry-After, gives up after the last attempt, and redelivers on request', async () => {
    const webhookId = await subscribe();
    transport.answer({ status: 429, retryAfter: '600' }, { status: 500 }, { status: 500 });
    await customer(1);
    await flush();
    await later(60_000);
    expect(transport.requests).toHaveLength(1); // Retry-After asked for ten minutes
    await later(540_000);
    expect(transport.requests).toHaveLength(2);
    await later(120_000);
    expect(transport.requests).toHaveLength(3);
    const [failed] = (await listDeliveries(t.app.deps.readStore, { webhookId, skip: 0, limit: 10 })).items;
    expect(failed).toMatchObject({ status: 'failed', attempt_count: 3, next_attempt_at: null, last_status_code: 500 });
    expect(failed!.attempts.map((a) => a.outcome)).toEqual(['retrying', 'retrying', 'failed']);
    await requestRedelivery(t.app.deps.commands, webhookId, failed!._id, meta());
    await flush();
    expect(transport.requests).toHaveLength(4);
    expect(transport.requests[3]!.headers['webhook-id']).toBe(failed!._id);
    const [again] = (await listDeliveries(t.app.deps.readStore, { webhookId, skip: 0, limit: 10 })).items;
    expect(again).toMatchObject({ status: 'delivered', attempt_count: 4 });
  });

  it('does not retry a redirect or another 4xx', async () => {
    const webhookId = await subscribe();
    transport.answer({ status: 301 }, { status: 404 });
    await customer(1);
    await customer(2);
    await flush();
    await later(3_600_000);
    expect(transport.requests).toHaveLength(2);
    const log = (await listDeliveries(t.app.deps.readStore, { webhookId, skip: 0, limit: 10 })).items;
    expect(log.map((d) => [d.status, d.last_status_code, d.last_error])).toEqual([
      ['failed', 404, 'HTTP 404'],
      ['failed', 301, 'HTTP 301: redirects are not followed'],
    ]);
  });

  it('disables a webhook after a long run of failed attempts, and a 410 at once', async () => {
    const webhookId = await subscribe();
    transport.answer(...Array.from({ length: 5 }, () => ({ status: 500 })));
    await customer(1);
    await customer(2);
    await flush();
    for (let i = 0; i < 6; i++) await later(3_600_000);
    // 3 attempts of the first message, 2 of the second: five in a row, then disabled.
    expect(transport.requests).toHaveLength(5);
    expect(await getWebhook(t.app.deps.readStore, webhookId)).toMatchObject({ active: false, disabled_reason: 'consecutive_failures', consecutive_failures: 5 });
    await customer(3);
    await later(3_600_000);
    expect(transport.requests).toHaveLength(5);

    const gone = await subscribe(['customer.created']);
    transport.answer({ status: 410 });
    await customer(4);
    await flush();
    expect(await getWebhook(t.app.deps.readStore, gone)).toMatchObject({ active: false, disabled_reason: 'gone' });
  });

  it('wakes up by itself: a timer for the next due attempt, set with the injected timers', async () => {
    await subscribe();
    transport.answer({ status: 500 });
    hooks.dispatcher.start();
    await customer(1);
    const head = await t.eventStore.headPosition();
    await hooks.reactor.reached(head);
    // Woken by the scheduling: fires at once.
    timers.advance(0);
    await hooks.dispatcher.idle();
    expect(transport.requests).toHaveLength(1);
    // The retry is due in a minute; the dispatcher never sleeps longer than the poll interval.
    expect(timers.nextIn()).toBe(30_000);
    timers.advance(30_000);
    await hooks.dispatcher.idle();
    expect(transport.requests).toHaveLength(1);
    timers.advance(30_000);
    await hooks.dispatcher.idle();
    expect(transport.requests).toHaveLength(2);
  });
});
