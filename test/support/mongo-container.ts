import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';

/**
 * A throw-away MongoDB 7 server for the Docker-gated suites (read store contract, GridFS file
 * store, projection lease on MongoDB). Standalone is enough: `w: 'majority'` is accepted there
 * and nothing here needs transactions. (Elections and retryable writes are what a standalone
 * does not have; the replica-set mode of the wire-protocol fake, mongo-wire-fake.ts, models
 * those.) Use inside `describeWithDocker` (./docker.ts) only.
 */
export interface MongoTestServer {
  url: string;
  stop(): Promise<void>;
}

export const MONGO_IMAGE = 'mongo:7';

/**
 * `testCommands`: start mongod with `--setParameter enableTestCommands=1`, so that tests can use
 * the `failCommand` fail point (block a client's next command for a while, fail it with a given
 * error), as the drivers' own test suites do.
 */
export async function startMongoContainer(options: { testCommands?: boolean } = {}): Promise<MongoTestServer> {
  let image = new GenericContainer(MONGO_IMAGE);
  if (options.testCommands) image = image.withCommand(['mongod', '--setParameter', 'enableTestCommands=1']);
  const container: StartedTestContainer = await image
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
