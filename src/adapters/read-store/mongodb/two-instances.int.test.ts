import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { createApp, type App } from '../../../app';
import { loadConfig } from '../../../config';
import { registerUser } from '../../../commands/users';
import { systemMeta } from '../../../commands/context';
import { createMemoryEventStore } from '../../event-store/memory';
import { createScryptPasswordHasher } from '../../crypto/scrypt-password-hasher';
import type { EventStore } from '../../../ports/event-store';
import { startFakeMongo, type FakeMongo } from '../../../../test/support/mongo-wire-fake';

/**
 * Two app instances built by the composition root with MONGODB_URL (the real driver against the
 * wire-protocol fake) and one shared event log: one runs the projections, the other stands by;
 * reads, read-your-writes, login rate limits and files work on either; stopping the active one
 * hands the projections over.
 */
describe('two instances on one MongoDB (composition root, wire-protocol fake)', () => {
  let fake: FakeMongo;
  let events: EventStore;
  const dirs: string[] = [];
  const apps: App[] = [];

  beforeAll(async () => {
    // As production runs MongoDB: a replica set (of one), so writes are retryable and the
    // projection lease's fenced writes are bounded as they would be there.
    fake = await startFakeMongo({ replicaSet: 'rs0' });
    events = createMemoryEventStore();
  });
  afterAll(async () => {
    for (const app of apps) await app.stop().catch(() => undefined);
    await fake.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const instance = async (id: string): Promise<App> => {
    const dir = mkdtempSync(join(tmpdir(), `isp-${id}-`));
    dirs.push(dir);
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      JWT_SECRET: 'z'.repeat(40),
      MONGODB_URL: fake.url.replace('/?', '/isp_two?'),
      INSTANCE_ID: id,
      PROJECTION_LEASE_TTL_MS: '1500',
      PROJECTION_LEASE_RENEW_MS: '300',
      PROJECTION_STANDBY_POLL_MS: '100',
      LOGIN_RATE_LIMIT_PER_EMAIL: '3',
      JOBS_ENABLED: 'false',
    });
    // Each instance has its own connection to the one log (closing it leaves the log to the others).
    const connection: EventStore = {
      skippedEventCheckpoints: events.skippedEventCheckpoints,
      appendToStream: (...args) => events.appendToStream(...args),
      readStream: (...args) => events.readStream(...args),
      readAll: (...args) => events.readAll(...args),
      subscribeToAll: (...args) => events.subscribeToAll(...args),
      headPosition: () => events.headPosition(),
      close: async () => undefined,
    };
    const app = await createApp(config, { eventStore: connection, passwords: createScryptPasswordHasher({ cost: 2 ** 10 }), skipBootstrap: true });
    apps.push(app);
    await app.start();
    await app.ready();
    return app;
  };

  const register = async (app: App, email: string) =>
    registerUser(app.deps.commands, { email, password: 'right-password', role: 'technician', profile: { full_name: email } }, systemMeta(app.deps.commands.ids, 'test'));
  const login = (app: App, email: string, password = 'right-password') => request(app.http).post('/api/auth/login').send({ email, password });

  it('runs the projections on one instance and serves every request on both', async () => {
    const a = await instance('A');
    const b = await instance('B');
    const health = async (app: App) => (await request(app.http).get('/health')).body;
    expect((await health(a)).projections.lease).toMatchObject({ owner: 'A', role: 'active', holder: 'A' });
    expect((await health(b)).projections.lease).toMatchObject({ owner: 'B', role: 'standby', holder: 'A' });
    expect((await health(b)).stores).toMatchObject({ readStore: { type: 'mongodb' }, fileStore: { type: 'gridfs' } });
    expect((await request(b.http).get('/health')).status).toBe(200);

    // Written through A, read through B once B's stored checkpoints pass the write.
    const { position } = await register(a, 'ana@example.com');
    expect(await b.deps.sync.waitFor(position, 5000)).toBe(true);
    expect((await login(b, 'ana@example.com')).status).toBe(200);

    // The login limit is counted in MongoDB: attempts on both instances add up.
    expect((await login(a, 'ana@example.com', 'wrong')).status).toBe(401);
    expect((await login(b, 'ana@example.com', 'wrong')).status).toBe(401);
    expect((await login(a, 'ana@example.com', 'wrong')).status).toBe(401);
    const limited = await login(b, 'ana@example.com', 'wrong');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMIT_EXCEEDED');

    // A file uploaded on A is served by B (GridFS).
    const id = '0f0f0f0f-1111-4222-8333-444455556666';
    await a.deps.fileStore.save({ id, filename: 'photo.jpg', contentType: 'image/jpeg', content: Readable.from([Buffer.from('jpeg bytes')]), maxBytes: 1000, createdAt: '2026-01-15T12:00:00.000Z' });
    const served = await request(b.http).get(b.deps.fileUrls.path(id)).buffer(true).parse((res, done) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => done(null, Buffer.concat(parts)));
    });
    expect(served.status).toBe(200);
    expect((served.body as Buffer).toString()).toBe('jpeg bytes');

    // A stops (releasing the lease); B takes the projections over and applies new writes.
    await a.stop();
    const deadline = Date.now() + 5000;
    while (b.deps.sync.status() && (b.deps.sync.status() as { lease?: { role: string } }).lease?.role !== 'active' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await health(b)).projections.lease).toMatchObject({ role: 'active', holder: 'B' });
    const second = await register(b, 'budi@example.com');
    expect(await b.deps.sync.waitFor(second.position, 5000)).toBe(true);
    expect((await login(b, 'budi@example.com')).status).toBe(200);
  });
});
