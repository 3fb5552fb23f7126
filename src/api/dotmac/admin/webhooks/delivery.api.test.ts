import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth, startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import { verify } from '../../../../reactors/webhooks/signature';

/**
 * The webhook proof of issue 14: a receiver on loopback (allowed through WEBHOOK_ALLOWED_HOSTS)
 * verifies every signature, fails the first attempts of every message, and still gets each
 * event exactly once (deduplicated by `webhook-id`), in the order of the events; the delivery
 * log and the redeliver action through the API. The product's own wiring sends (the reactor and
 * dispatcher src/app.ts builds, its HTTP transport), driven by the manual clock.
 */

const SECRET = 'receiver_secret_value';
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  valid: boolean;
}

describe('Webhook delivery to a local receiver', () => {
  let t: TestApp;
  let admin: TestUser;
  let cs: TestUser;
  let receiver: Server;
  let url: string;
  const received: Received[] = [];
  const attemptsById = new Map<string, number>();
  /** Failed answers each message gets before it is accepted. */
  const FAIL_FIRST = 2;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const headers = req.headers;
        const id = String(headers['webhook-id']);
        const valid = verify(SECRET, headers as Record<string, string>, body, Math.floor(t.clock.now().getTime() / 1000));
        received.push({ headers, body, valid });
        const n = (attemptsById.get(id) ?? 0) + 1;
        attemptsById.set(id, n);
        if (n <= FAIL_FIRST) {
          // The first: an outage; the second: too many requests, come back in 3 seconds.
          if (n === 1) res.writeHead(503).end();
          else res.writeHead(429, { 'retry-after': '3' }).end();
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/dotmac`;
    t = await startTestApp({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_BASE_MS: '1000', WEBHOOK_MAX_ATTEMPTS: '5', DOTMAC_TENANT_ID: 'tenant-42' });
    admin = await t.user('manager');
    cs = await t.user('customer_service');
  });
  afterAll(async () => {
    await t.stop();
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const delivery = () => t.app.reactors.webhooks!;

  /** The reactor writes the messages of the log; the dispatcher sends what is due; the clock moves on until nothing waits. */
  async function deliverAll(): Promise<void> {
    await delivery().reactor.start();
    for (let round = 0; round < 30; round++) {
      const head = await t.eventStore.headPosition();
      await delivery().reactor.reached(head);
      await t.app.deps.sync.waitFor(await t.eventStore.headPosition(), 5000);
      await delivery().dispatcher.tick();
      const pending = await t.http.get(`/api/v1/webhooks/${webhookId}/deliveries?status=pending`).set(auth(admin));
      if (pending.body.pagination.total === 0 && (await t.eventStore.headPosition()) === head) return;
      t.clock.advance(2_000);
    }
    throw new Error('deliveries did not finish');
  }

  let webhookId: string;

  it('delivers every event exactly once despite failures, signed, in the order of the events', async () => {
    const created = await t.http
      .post('/api/v1/webhooks')
      .set(auth(admin))
      .send({ url, events: ['customer.created', 'customer.updated', 'ticket.created'], secret: SECRET });
    expect(created.status).toBe(201);
    webhookId = created.body.data.webhook.id;

    // Three events through document 000's API: a customer created, changed, and a ticket for it.
    const customer = await t.http
      .post('/api/customers')
      .set(auth(cs))
      .send({ full_name: 'Jane Smith', phone: '+15550124', email: 'jane@example.com', address: '123 Main St', coordinates: { lat: 40.7, lng: -74 }, service_area: 'Anytown' });
    expect(customer.status).toBe(201);
    const customerId = customer.body.data.customer.id;
    expect((await t.http.put(`/api/customers/${customerId}`).set(auth(cs)).send({ phone: '+15550199' })).status).toBe(200);
    const ticket = await t.http
      .post('/api/tickets')
      .set(auth(cs))
      .send({ customer_id: customerId, type: 'repair', priority: 'high', title: 'No internet', description: 'Since this morning', location: { lat: 40.7, lng: -74 } });
    expect(ticket.status).toBe(201);

    await deliverAll();

    // Every attempt carried a valid signature; each message was attempted three times.
    expect(received.length).toBe(9);
    expect(received.every((r) => r.valid)).toBe(true);
    expect([...attemptsById.values()]).toEqual([3, 3, 3]);
    // Deduplicated by webhook-id: each event exactly once, in the order of the events.
    const unique = new Map<string, { event: string; data: Record<string, unknown>; tenant_id: string; webhook_id: string }>();
    for (const r of received) if (!unique.has(String(r.headers['webhook-id']))) unique.set(String(r.headers['webhook-id']), JSON.parse(r.body));
    const events = [...unique.values()];
    expect(events.map((e) => e.event)).toEqual(['customer.created', 'customer.updated', 'ticket.created']);
    expect(events.every((e) => e.tenant_id === 'tenant-42' && e.webhook_id === webhookId)).toBe(true);
    expect(events[0]!.data).toEqual({
      customer: { id: customerId, customer_number: 'CUST-000001', portal_id: null, display_name: 'Jane Smith', customer_type: 'residential', account_status: 'active' },
    });
    expect(events[2]!.data.ticket).toMatchObject({ id: ticket.body.data.ticket.id, subject: 'No internet', status: 'open', priority: 'high', category: 'technical', customer_id: customerId });
    // The same message keeps its id and body on every attempt; only the timestamp moves.
    const first = received.filter((r) => r.headers['webhook-id'] === received[0]!.headers['webhook-id']);
    expect(new Set(first.map((r) => r.body)).size).toBe(1);
    expect(new Set(first.map((r) => r.headers['webhook-timestamp'])).size).toBe(3);
  });

  it('shows the delivery log with every attempt, and redelivers on request (the same webhook-id)', async () => {
    const log = await t.http.get(`/api/v1/webhooks/${webhookId}/deliveries`).set(auth(admin));
    expect(log.status).toBe(200);
    expect(log.body.pagination.total).toBe(3);
    expect(log.body.data.deliveries.map((d: { event: string }) => d.event)).toEqual(['ticket.created', 'customer.updated', 'customer.created']);
    expect(log.body.data.deliveries.every((d: { status: string; attempts: number; last_status_code: number }) => d.status === 'delivered' && d.attempts === 3 && d.last_status_code === 204)).toBe(true);
    const target = log.body.data.deliveries[2];
    const detail = await t.http.get(`/api/v1/webhooks/${webhookId}/deliveries/${target.id}`).set(auth(admin));
    expect(detail.status).toBe(200);
    expect(detail.body.data.delivery.attempt_log.map((a: { outcome: string; status_code: number }) => [a.outcome, a.status_code])).toEqual([
      ['retrying', 503],
      ['retrying', 429],
      ['delivered', 204],
    ]);
    expect(detail.body.data.delivery.payload.event).toBe('customer.created');
    expect((await t.http.get(`/api/v1/webhooks/${webhookId}/deliveries?status=failed`).set(auth(admin))).body.pagination.total).toBe(0);

    const before = received.length;
    const again = await t.http.post(`/api/v1/webhooks/${webhookId}/deliveries/${target.id}/redeliver`).set(auth(admin));
    expect(again.status).toBe(200);
    expect(again.body.data.delivery).toMatchObject({ id: target.id, status: 'pending' });
    await deliverAll();
    expect(received.length).toBe(before + 1);
    expect(received[received.length - 1]!.headers['webhook-id']).toBe(target.id);
    expect(received[received.length - 1]!.valid).toBe(true);
    const after = await t.http.get(`/api/v1/webhooks/${webhookId}/deliveries/${target.id}`).set(auth(admin));
    expect(after.body.data.delivery).toMatchObject({ status: 'delivered', attempts: 4 });

    expect((await t.http.post(`/api/v1/webhooks/${webhookId}/deliveries/7d0c3c53-0000-4000-8000-000000000000/redeliver`).set(auth(admin))).status).toBe(404);
    expect((await t.http.get(`/api/v1/webhooks/7d0c3c53-0000-4000-8000-000000000000/deliveries`).set(auth(admin))).status).toBe(404);
    expect((await t.http.get(`/api/v1/webhooks/${webhookId}/deliveries?status=lost`).set(auth(admin))).status).toBe(422);
  });
});
