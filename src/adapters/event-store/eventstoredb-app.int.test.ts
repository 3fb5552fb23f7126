import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp, type App } from '../../app';
import { loadConfig } from '../../config';
import { createScryptPasswordHasher } from '../crypto/scrypt-password-hasher';
import { startFakeEventStoreDb, type FakeEventStoreDb } from '../../../test/support/eventstoredb-fake-server';

/**
 * The whole product with EVENTSTORE_URL set: the composition root picks the EventStoreDB adapter
 * (here against the in-memory fake server, through the real client over gRPC), and the commands,
 * projections, read-your-writes and a restart work on it.
 */

let fake: FakeEventStoreDb;
let dataDir: string;
const apps: App[] = [];

beforeEach(async () => {
  fake = await startFakeEventStoreDb();
  dataDir = mkdtempSync(join(tmpdir(), 'isp-esdb-app-'));
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<{ app: App; http: ReturnType<typeof request> }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: 'e'.repeat(40),
    EVENTSTORE_URL: fake.connectionString,
    ADMIN_EMAIL: 'admin@example.com',
    ADMIN_PASSWORD: 'admin-secret-1',
    ...env,
  });
  const app = await createApp(config, { passwords: createScryptPasswordHasher({ cost: 2 ** 10 }) });
  apps.push(app);
  await app.runner.start();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      app.ready(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('the product did not become ready within 10 s')), 10_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return { app, http: request(app.http) };
}

async function login(http: ReturnType<typeof request>, email: string, password: string): Promise<string> {
  const res = await http.post('/api/auth/login').send({ email, password });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

describe('the product on EventStoreDB (EVENTSTORE_URL)', () => {
  it("becomes ready on a fresh single node with projections off, whose first subscription checkpoint is the server's (-1, -1)", async () => {
    // EventStoreDB's defaults: projections off, so the log holds nothing but the node's epoch record.
    const fresh = await startFakeEventStoreDb({ systemProjections: false });
    try {
      const { http } = await start({ EVENTSTORE_URL: fresh.connectionString });
      // The projections' catch-up from the start met no event it handles and ended within its
      // first checkpoint interval: the server's checkpoint was (-1, -1), sent as 2^64 − 1.
      expect(fresh.calls.checkpoints[0]).toEqual({ commit: -1, prepare: -1 });
      expect((await http.get('/health')).status).toBe(200);
      // The first admin was created once caught up, and can log in.
      expect(await login(http, 'admin@example.com', 'admin-secret-1')).toEqual(expect.any(String));
      expect(fresh.log.records.some((r) => r.type === 'UserRegistered')).toBe(true);
      // No subscription was ended and opened again.
      const subscribed = fresh.calls.subscribe;
      await new Promise((r) => setTimeout(r, 300));
      expect(fresh.calls.subscribe).toBe(subscribed);
    } finally {
      for (const app of apps.splice(0)) await app.stop();
      await fresh.stop();
    }
  });

  it('bootstraps, serves commands with read-your-writes, and keeps everything across a restart', async () => {
    const first = await start();
    const health = await first.http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body.stores.eventStore).toMatchObject({ type: 'eventstoredb' });
    expect(health.body.stores.eventStore.head).toBeGreaterThan(0);
    // Nothing went to the embedded store.
    expect(existsSync(join(dataDir, 'events.db'))).toBe(false);

    const admin = await login(first.http, 'admin@example.com', 'admin-secret-1');
    const created = await first.http
      .post('/api/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ email: 'mia@example.com', password: 'mia-secret-22', role: 'manager', profile: { full_name: 'Mia Manager', phone: '081234567890' } });
    expect(created.status).toBe(201);
    // Read-your-writes: the list answered right after the create already has the new user.
    const listed = await first.http.get('/api/users').set('Authorization', `Bearer ${admin}`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.users.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining(['admin@example.com', 'mia@example.com']));
    // The user's events are on the server, hash-chained, with correlation ids where EventStoreDB's projections read them.
    const userStream = fake.log.records.find((r) => r.streamName.includes(created.body.data.user.id));
    expect(userStream).toBeDefined();
    expect(JSON.parse(Buffer.from(userStream!.metadata).toString('utf8'))).toHaveProperty('hash');

    await apps.splice(0)[0]!.stop();
    const second = await start();
    const mia = await login(second.http, 'mia@example.com', 'mia-secret-22');
    expect(mia).toEqual(expect.any(String));
    const again = await second.http.get('/api/users').set('Authorization', `Bearer ${await login(second.http, 'admin@example.com', 'admin-secret-1')}`);
    expect(again.body.data.users.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining(['admin@example.com', 'mia@example.com']));
  });

  it('answers a request that waits for the log head right away when the head is an event no read model handles', async () => {
    // Long enough that waiting it out would fail the test (jest's limit here is 20 s).
    const { http } = await start({ READ_YOUR_WRITES_TIMEOUT_MS: '30000' });
    const admin = await login(http, 'admin@example.com', 'admin-secret-1');
    const created = await http
      .post('/api/users')
      .set('Authorization', `Bearer ${admin}`)
      .set('Idempotency-Key', 'create-nia-1')
      .send({ email: 'nia@example.com', password: 'nia-secret-22', role: 'manager', profile: { full_name: 'Nia Manager', phone: '081234567891' } });
    expect(created.status).toBe(201);
    // The last event of the log is the stored idempotent response, which no projector handles:
    // EventStoreDB's type filter keeps it from the projections' subscription without a checkpoint.
    const userEvents = fake.log.records.filter((r) => !r.type.startsWith('$'));
    expect(userEvents[userEvents.length - 1]!.type).toBe('IdempotentResponseRecorded');

    // Marking everything read first waits until the read models hold the log head.
    const started = Date.now();
    const marked = await http.put('/api/notifications/mark-all-read').set('Authorization', `Bearer ${admin}`);
    expect(marked.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
