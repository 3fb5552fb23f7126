import { spawnSync } from 'node:child_process';

/**
 * Gate for the test suites that need a container engine (the EventStoreDB and MongoDB contract
 * suites run their server through testcontainers). Where no engine is reachable, the suite is
 * skipped and ONE line says why; everywhere else it runs as written.
 *
 * Jest collects `describe` blocks synchronously, so the check runs synchronously: a short child
 * process asks testcontainers itself (`getContainerRuntimeClient()`, the same strategies it uses to
 * start containers: DOCKER_HOST, ~/.testcontainers.properties, the Docker and Podman sockets) and
 * reports the answer. The result is cached for the rest of the test process.
 *
 *   describeWithDocker('EventStoreDB contract suite', () => {
 *     eventStoreContract('eventstoredb', setup);
 *   });
 */

export interface DockerStatus {
  available: boolean;
  /** What was found (runtime and version), or why no engine is reachable. */
  reason: string;
}

const PROBE_TIMEOUT_MS = 20_000;

const PROBE = `
const { getContainerRuntimeClient } = require(process.argv[1]);
getContainerRuntimeClient().then(
  (client) => {
    const info = client.info.containerRuntime;
    process.stdout.write(JSON.stringify({ available: true, reason: [info.host, info.remoteSocketPath].filter(Boolean).join(' ') || 'container runtime found' }));
    process.exit(0);
  },
  (error) => {
    process.stdout.write(JSON.stringify({ available: false, reason: String(error && error.message ? error.message : error) }));
    process.exit(0);
  },
);
`;

let cached: DockerStatus | undefined;

/** Whether a container engine is reachable (synchronous, cached per process). */
export function dockerStatus(): DockerStatus {
  if (cached) return cached;
  if (process.env.SKIP_DOCKER_TESTS === '1' || process.env.SKIP_DOCKER_TESTS === 'true') {
    cached = { available: false, reason: 'SKIP_DOCKER_TESTS is set' };
    return cached;
  }
  let testcontainers: string;
  try {
    testcontainers = require.resolve('testcontainers');
  } catch {
    cached = { available: false, reason: 'the testcontainers package is not installed' };
    return cached;
  }
  const probe = spawnSync(process.execPath, ['-e', PROBE, testcontainers], {
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
    env: { ...process.env, DEBUG: '' },
  });
  cached = parseProbe(probe.stdout, probe.error);
  return cached;
}

export function parseProbe(stdout: string | null | undefined, error?: Error): DockerStatus {
  if (error) return { available: false, reason: `the container runtime probe failed: ${error.message}` };
  try {
    const parsed = JSON.parse(stdout ?? '') as Partial<DockerStatus>;
    if (typeof parsed.available === 'boolean' && typeof parsed.reason === 'string') {
      return { available: parsed.available, reason: parsed.reason };
    }
  } catch {
    // fall through
  }
  return { available: false, reason: 'the container runtime probe gave no answer' };
}

/**
 * `describe(name, fn)` when a container engine is reachable; otherwise prints one line to stderr
 * ("skipping <name>: no Docker engine reachable (<reason>)") and registers the block with
 * `describe.skip`, so its hooks never run and nothing tries to start a container.
 */
export function describeWithDocker(name: string, fn: () => void): void {
  const status = dockerStatus();
  if (status.available) {
    describe(name, fn);
    return;
  }
  // Straight to stderr: jest does not show the buffered console output of a suite whose tests
  // are all skipped when it runs several test files.
  process.stderr.write(`skipping ${name}: no Docker engine reachable (${status.reason})\n`);
  describe.skip(name, fn);
}
