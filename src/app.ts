import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Config } from './config';
import { bootstrapAdmin, type BootstrapResult } from './commands/bootstrap';
import type { AuthDeps } from './commands/auth';
import { IdempotencyKeys } from './commands/idempotency';
import { systemEvents } from './commands/system-events';
import { createEventRegistry } from './domain';
import { createScryptPasswordHasher } from './adapters/crypto/scrypt-password-hasher';
import { openEventStoreDbStore } from './adapters/event-store/eventstoredb';
import { openSqliteEventStore } from './adapters/event-store/sqlite';
import { createDiskFileStore } from './adapters/files/disk-file-store';
import { createOutboxMailer } from './adapters/mail/outbox-mailer';
import { createMemoryReadStore } from './adapters/read-store/memory/memory-read-store';
import { TokenService } from './api/auth/tokens';
import type { ApiDeps } from './api/deps';
import { FileUrls } from './api/files/signed-urls';
import { createHttpApp } from './api/http-app';
import { systemClock, type Clock, type IdGenerator } from './ports/clock';
import type { EventStore } from './ports/event-store';
import type { FileStore } from './ports/file-store';
import { silentLogger, type Logger } from './ports/logger';
import type { Mailer } from './ports/mailer';
import type { PasswordHasher } from './ports/password-hasher';
import type { ReadStore } from './ports/read-store';
import { allProjectors } from './projections';
import { RebuildJobs } from './projections/engine/rebuild-jobs';
import type { TicketCommandDeps } from './commands/tickets';
import { createJobScheduler, type JobScheduler } from './jobs';
import { ProjectionRunner } from './projections/engine/runner';

/**
 * The composition root: the only place that picks adapters and wires the product together.
 * Nothing here runs on import; `createApp` builds, `start` listens, `stop` shuts down.
 * Tests pass their own adapters, clock and ids through `overrides`.
 */
export interface AppOverrides {
  logger?: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  eventStore?: EventStore;
  readStore?: ReadStore;
  fileStore?: FileStore;
  mailer?: Mailer;
  passwords?: PasswordHasher;
  /** Skip creating the first super admin (tests create their own users). */
  skipBootstrap?: boolean;
}

export interface App {
  deps: ApiDeps;
  runner: ProjectionRunner;
  /** Scheduled jobs (SLA, ...): started by start() once the read models caught up, when JOBS_ENABLED. */
  jobs: JobScheduler;
  http: ReturnType<typeof createHttpApp>;
  /** Starts the projections, then listens; resolves once listening (readiness follows catch-up). */
  start(): Promise<{ url: string; port: number }>;
  /** Resolves when the read models have caught up and the first admin exists. */
  ready(): Promise<BootstrapResult | null>;
  stop(): Promise<void>;
}

export function describeEventStore(config: Config): string {
  return config.EVENTSTORE_URL ? 'eventstoredb' : 'sqlite';
}

/** JWT_SECRET, or outside production a generated one kept in DATA_DIR so restarts keep sessions. */
function jwtSecret(config: Config, dataDir: string, logger: Logger): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const file = join(dataDir, '.jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600 });
    logger.warn({ file }, `JWT_SECRET is not set; using a generated ${config.NODE_ENV} secret stored in the data directory`);
    return secret;
  }
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? silentLogger;
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? { uuid: randomUUID };
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const eventStore =
    overrides.eventStore ??
    (config.EVENTSTORE_URL
      ? openEventStoreDbStore({ connectionString: config.EVENTSTORE_URL })
      : openSqliteEventStore({ filename: join(dataDir, 'events.db') }));
  const readStore = overrides.readStore ?? createMemoryReadStore();
  const fileStore = overrides.fileStore ?? createDiskFileStore(join(dataDir, 'files'));
  const mailer = overrides.mailer ?? createOutboxMailer({ dir: join(dataDir, 'outbox'), clock, ids, logger });
  const passwords = overrides.passwords ?? createScryptPasswordHasher();
  const registry = createEventRegistry(systemEvents);
  const secret = jwtSecret(config, dataDir, logger);

  const commands: AuthDeps & TicketCommandDeps = {
    eventStore,
    registry,
    clock,
    ids,
    passwords,
    mailer,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT || 8000}`,
    sla: { hours: config.SLA_HOURS, warningPercent: config.SLA_WARNING_PERCENT },
  };
  const runner = new ProjectionRunner({
    eventStore,
    readStore,
    registry,
    projectors: allProjectors,
    logger: logger.child({ component: 'projections' }),
  });
  let bootstrapped = false;
  const deps: ApiDeps = {
    logger,
    commands,
    readStore,
    fileStore,
    tokens: new TokenService({ secret, accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS, clock, ids }),
    idempotency: new IdempotencyKeys(commands),
    sync: {
      waitFor: (position, timeoutMs) => runner.waitFor(position, timeoutMs),
      // Ready once the read models have caught up and the first admin exists.
      ready: () => runner.caughtUp && bootstrapped,
      status: () => runner.status(),
    },
    fileUrls: new FileUrls(secret, clock),
    rebuilds: new RebuildJobs({ eventStore, readStore, runner, logger }),
    settings: {
      corsOrigins: config.CORS_ORIGINS,
      uploadMaxBytes: config.UPLOAD_MAX_BYTES,
      readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
      publicUrl: config.PUBLIC_URL,
    },
    describeStores: async () => ({
      eventStore: { type: overrides.eventStore ? 'injected' : describeEventStore(config), head: await eventStore.headPosition() },
      readStore: { type: overrides.readStore ? 'injected' : 'memory' },
    }),
  };
  const http = createHttpApp(deps);
  const jobs = createJobScheduler({ commands, readStore, logger }, { sla: config.SLA_JOB_SCHEDULE });
  let server: Server | null = null;
  let readyPromise: Promise<BootstrapResult | null> | null = null;

  const ready = () => {
    readyPromise ??= runner.whenCaughtUp().then(async () => {
      if (overrides.skipBootstrap) {
        bootstrapped = true;
        return null;
      }
      const result = await bootstrapAdmin(commands, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
      if (result.generatedPassword) {
        logger.warn(
          { email: result.email },
          `Created the first super admin ${result.email} with the generated password ${result.generatedPassword} ` +
            '(shown only this once; change it after logging in)',
        );
      } else if (result.created) {
        logger.info({ email: result.email }, 'Created the first super admin from ADMIN_EMAIL / ADMIN_PASSWORD');
      }
      bootstrapped = true;
      return result;
    });
    return readyPromise;
  };

  return {
    deps,
    runner,
    jobs,
    http,
    ready,
    async start() {
      await runner.start();
      ready().catch((err: unknown) => logger.error({ err: String(err) }, 'start-up failed'));
      server = createServer(http);
      await new Promise<void>((resolveListen, reject) => {
        server!.once('error', reject);
        server!.listen(config.PORT, config.HOST, () => resolveListen());
      });
      runner.whenCaughtUp().then(() => {
        if (config.JOBS_ENABLED && server) jobs.start();
      }, () => undefined);
      const port = (server.address() as AddressInfo).port;
      const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
      return { url: `http://${host}:${port}`, port };
    },
    async stop() {
      if (server) {
        const s = server;
        server = null;
        // Stop accepting, let requests in flight finish, then close what is left.
        const closed = new Promise<void>((r) => s.close(() => r()));
        s.closeIdleConnections();
        const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), config.SHUTDOWN_TIMEOUT_MS).unref());
        if ((await Promise.race([closed, timeout])) === 'timeout') {
          logger.warn('requests still in flight at the shutdown deadline; closing their connections');
          s.closeAllConnections();
          await closed;
        }
      }
      await jobs.stop();
      await deps.rebuilds.waitAll();
      await runner.stop();
      await eventStore.close();
      await readStore.close();
    },
  };
}
