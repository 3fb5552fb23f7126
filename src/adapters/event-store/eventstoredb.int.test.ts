import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, eventTypeFilter, START, type Position } from '@eventstore/db-client';
import { ServerFeaturesClient } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import type { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { credentials } from '@grpc/grpc-js';
import request from 'supertest';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { createApp, type App } from '../../app';
import { migrateEvents } from '../../cli/migrate-events';
import { loadConfig } from '../../config';
import { AppendTooLargeError, type NewEvent, type RecordedEvent } from '../../ports/event-store';
import { eventStoreContract } from '../../ports/event-store.contract';
import { verifyChain } from '../../ports/hash-chain';
import { describeWithDocker } from '../../../test/support/docker';
import { createScryptPasswordHasher } from '../crypto/scrypt-password-hasher';
import { openEventStoreDbStore } from './eventstoredb';
import { NO_POSITION } from './eventstoredb-mapping';
import { createMemoryEventStore } from './memory';

/**
 * The port contract on a real EventStoreDB (single node, insecure, projections on) started by
 * testcontainers, and the cases the fake server models from the server's source
 * (eventstoredb-fake.int.test.ts): appends through BatchAppend, the append size limit, and a
 * fresh node with projections off (EventStoreDB's default) whose first subscription checkpoint
 * is (-1, -1). Where no Docker engine is reachable the suite is skipped with one printed line;
 * the fake runs the same cases through the real client on every machine.
 *
 * Not reproducible against one real node on demand, and so proven only on the fake: BatchAppend's
 * Timeout answers (a commit that misses its deadline, a server clock ahead of the client's).
 */

const IMAGE = process.env.EVENTSTORE_TEST_IMAGE ?? 'eventstore/eventstore:24.10';

async function startNode(projections: boolean): Promise<{ container: StartedTestContainer; connectionString: string }> {
  const container = await new GenericContainer(IMAGE)
    .withEnvironment({
      EVENTSTORE_INSECURE: 'true',
      EVENTSTORE_RUN_PROJECTIONS: projections ? 'All' : 'None',
      EVENTSTORE_START_STANDARD_PROJECTIONS: projections ? 'true' : 'false',
      EVENTSTORE_CLUSTER_SIZE: '1',
      EVENTSTORE_MEM_DB: 'true',
    })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((code) => code >= 200 && code < 300))
    .withStartupTimeout(180_000)
    .start();
  return { container, connectionString: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false` };
}

const newEvent = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { actor: { userId: randomUUID(), role: 'admin' }, requestId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(), timestamp: new Date().toISOString(), schemaVersion: 1 },
});

describeWithDocker('EventStoreDB contract suite', () => {
  let container: StartedTestContainer | undefined;
  let connectionString = '';

  beforeAll(async () => {
    ({ container, connectionString } = await startNode(true));
  }, 240_000);

  afterAll(async () => {
    await container?.stop();
  }, 60_000);

  eventStoreContract(`eventstoredb (${IMAGE})`, async () => {
    const store = openEventStoreDbStore({ connectionString });
    return { store, teardown: () => store.close() };
  });

  describe('on the real server', () => {
    it('lists Streams.BatchAppend, so client 6.2.1 appended through it in the contract above', async () => {
      // What the client asks before its first append (ServerFeatures.GetSupportedMethods).
      const features = new ServerFeaturesClient(`${container!.getHost()}:${container!.getMappedPort(2113)}`, credentials.createInsecure());
      try {
        const supported = await new Promise<SupportedMethods>((resolve, reject) =>
          features.getSupportedMethods(new Empty(), (error, response) => (error ? reject(error) : resolve(response))),
        );
        const paths = supported.getMethodsList().map((m) => `/${m.getServiceName()}/${m.getMethodName()}`);
        expect(paths).toContain(StreamsService.batchAppend.path.toLowerCase());
        expect(supported.getEventStoreServerVersion()).toMatch(/^24\.10\./);
      } finally {
        features.close();
      }
    });

    it('refuses an append over its MaxAppendSize as a whole (AppendTooLargeError, nothing written)', async () => {
      const store = openEventStoreDbStore({ connectionString });
      try {
        const stream = `big-${randomUUID()}`;
        const events = Array.from({ length: 1100 }, (_, i) => newEvent('Big', { i, text: 'x'.repeat(1000) }));
        const error = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppendTooLargeError);
        expect(error).toMatchObject({ maxAppendBytes: 1_048_576 });
        expect(await store.readStream(stream)).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('takes a migration page of one stream over the limit (1,000 events of ~1 KB) in several appends, verified', async () => {
      const source = createMemoryEventStore();
      const target = openEventStoreDbStore({ connectionString });
      try {
        const stream = `migrated-${randomUUID()}`;
        for (let i = 0; i < 1000; i += 100) {
          await source.appendToStream(
            stream,
            Array.from({ length: 100 }, (_, k) => newEvent('Noted', { i: i + k, note: 'n'.repeat(1000) })),
            { expectedRevision: i === 0 ? 'no_stream' : i - 1 },
          );
        }
        const result = await migrateEvents({ source, target });
        expect(result).toMatchObject({ total: 1000, copied: 1000 });
        expect(result.verification?.ok).toBe(true);
        expect(verifyChain(stream, await target.readStream(stream)).valid).toBe(true);
      } finally {
        await Promise.all([source.close(), target.close()]);
      }
    });

    it('stores $correlationId and $causationId where its system projections read them, and the chain verifies', async () => {
      const store = openEventStoreDbStore({ connectionString });
      const client = EventStoreDBClient.connectionString(connectionString);
      try {
        const stream = `corr-${randomUUID()}`;
        const metadata = { correlationId: 'corr-1', causationId: 'cause-1', timestamp: new Date().toISOString(), schemaVersion: 1 };
        await store.appendToStream(stream, [{ id: randomUUID(), type: 'Opened', data: { n: 1 }, metadata }]);
        const raw = [];
        for await (const resolved of client.readStream(stream)) raw.push(resolved.event?.metadata);
        expect(raw[0]).toMatchObject({ $correlationId: 'corr-1', $causationId: 'cause-1' });
        expect(verifyChain(stream, await store.readStream(stream)).valid).toBe(true);
      } finally {
        await client.dispose();
        await store.close();
      }
    });

    it("numbers positions 2 × the server's commit position + 1, for every event of a multi-event append", async () => {
      const store = openEventStoreDbStore({ connectionString });
      const client = EventStoreDBClient.connectionString(connectionString);
      try {
        const stream = `pos-${randomUUID()}`;
        const ev = () => ({ id: randomUUID(), type: 'Tick', data: {}, metadata: { timestamp: new Date().toISOString(), schemaVersion: 1 } });
        const result = await store.appendToStream(stream, [ev(), ev(), ev()]);
        const commits = [];
        for await (const resolved of client.readStream(stream)) commits.push(resolved.event!.position!);
        expect(result.events.map((e) => e.position)).toEqual(commits.map((p) => 2 * Number(p.commit) + 1));
        // Every event of the append is committed on its own: distinct commit positions, prepare = commit.
        expect(new Set(commits.map((p) => p.commit)).size).toBe(3);
        expect(commits.every((p) => p.prepare === p.commit)).toBe(true);
      } finally {
        await client.dispose();
        await store.close();
      }
    });
  });
});

describeWithDocker('EventStoreDB: a fresh single node with projections off (its defaults)', () => {
  let container: StartedTestContainer | undefined;
  let connectionString = '';

  beforeAll(async () => {
    ({ container, connectionString } = await startNode(false));
  }, 240_000);

  afterAll(async () => {
    await container?.stop();
  }, 60_000);

  it('sends (-1, -1), as 2^64 − 1, as the first checkpoint of a filtered subscription from the start; the adapter goes live on it', async () => {
    const client = EventStoreDBClient.connectionString(connectionString);
    const store = openEventStoreDbStore({ connectionString });
    try {
      // What the server sends, seen through the client alone.
      const checkpoints: Position[] = [];
      const raw = client.subscribeToAll({
        fromPosition: START,
        filter: eventTypeFilter({ prefixes: ['NoSuchType'], checkpointReached: (_s, p) => void checkpoints.push(p) }),
      });
      await new Promise<void>((resolve) => raw.once('caughtUp', () => resolve()));
      await raw.unsubscribe();
      expect(checkpoints[0]).toEqual({ commit: NO_POSITION, prepare: NO_POSITION });

      // The adapter's subscription: caught up at 0, no error, then live.
      const type = `Fresh_${randomUUID().slice(0, 8)}`;
      const seen: RecordedEvent[] = [];
      const errors: Error[] = [];
      let caughtUp: number | undefined;
      const sub = store.subscribeToAll(
        { fromPosition: 0, eventTypes: [type] },
        { onEvents: (e) => void seen.push(...e), onCaughtUp: (p) => (caughtUp = p), onError: (e) => void errors.push(e) },
      );
      const deadline = Date.now() + 10_000;
      while (caughtUp === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(caughtUp).toBe(0);
      const first = await store.appendToStream(`fresh-${randomUUID()}`, [newEvent(type)]);
      while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await sub.stop();
      expect(seen.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
      expect(errors).toEqual([]);
    } finally {
      await store.close();
      await client.dispose();
    }
  });

  it('runs the product: a fresh install becomes ready and creates its first admin', async () => {
    // Its own node: the product must find the log as a fresh install does (the test above wrote to the other one's).
    const node = await startNode(false);
    const dataDir = mkdtempSync(join(tmpdir(), 'isp-esdb-real-'));
    let app: App | undefined;
    try {
      const config = loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        JWT_SECRET: 'r'.repeat(40),
        EVENTSTORE_URL: node.connectionString,
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'admin-secret-1',
      });
      app = await createApp(config, { passwords: createScryptPasswordHasher({ cost: 2 ** 10 }) });
      await app.runner.start();
      await Promise.race([
        app.ready(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('the product did not become ready within 30 s')), 30_000).unref()),
      ]);
      const http = request(app.http);
      expect((await http.get('/health')).status).toBe(200);
      const login = await http.post('/api/auth/login').send({ email: 'admin@example.com', password: 'admin-secret-1' });
      expect(login.status).toBe(200);
    } finally {
      await app?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await node.container.stop();
    }
  }, 240_000);
});
