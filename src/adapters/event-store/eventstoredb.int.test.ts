import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { eventStoreContract } from '../../ports/event-store.contract';
import { verifyChain } from '../../ports/hash-chain';
import { describeWithDocker } from '../../../test/support/docker';
import { openEventStoreDbStore } from './eventstoredb';

/**
 * The port contract on a real EventStoreDB (single node, insecure, projections on) started by
 * testcontainers. Where no Docker engine is reachable the suite is skipped with one printed line;
 * eventstoredb-fake.int.test.ts runs the same contract through the real client against an
 * in-memory fake server on every machine.
 */

const IMAGE = process.env.EVENTSTORE_TEST_IMAGE ?? 'eventstore/eventstore:24.10';

describeWithDocker('EventStoreDB contract suite', () => {
  let container: StartedTestContainer | undefined;
  let connectionString = '';

  beforeAll(async () => {
    container = await new GenericContainer(IMAGE)
      .withEnvironment({
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_RUN_PROJECTIONS: 'All',
        EVENTSTORE_START_STANDARD_PROJECTIONS: 'true',
        EVENTSTORE_CLUSTER_SIZE: '1',
        EVENTSTORE_MEM_DB: 'true',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((code) => code >= 200 && code < 300))
      .withStartupTimeout(180_000)
      .start();
    connectionString = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
  }, 240_000);

  afterAll(async () => {
    await container?.stop();
  }, 60_000);

  eventStoreContract(`eventstoredb (${IMAGE})`, async () => {
    const store = openEventStoreDbStore({ connectionString });
    return { store, teardown: () => store.close() };
  });

  describe('on the real server', () => {
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
