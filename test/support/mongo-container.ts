import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';

/**
 * A throw-away MongoDB 7 server for the Docker-gated suites (read store contract, GridFS file
 * store, projection lease on MongoDB). Standalone is enough: `w: 'majority'` is accepted there
 * and nothing here needs transactions. Use inside `describeWithDocker` (./docker.ts) only.
 */
export interface MongoTestServer {
  url: string;
  stop(): Promise<void>;
}

export const MONGO_IMAGE = 'mongo:7';

export async function startMongoContainer(): Promise<MongoTestServer> {
  const container: StartedTestContainer = await new GenericContainer(MONGO_IMAGE)
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
    .withStartupTimeout(120_000)
    .start();
  return {
    url: `mongodb://${container.getHost()}:${container.getMappedPort(27017)}/?directConnection=true`,
    stop: async () => {
      await container.stop();
    },
  };
}
