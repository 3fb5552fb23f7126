import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Config } from './config';
import { bootstrapAdmin, type BootstrapResult } from './commands/bootstrap';
import type { AppCommandDeps } from './commands/deps';
import { DEFAULT_INVENTORY_SETTINGS } from './commands/inventory-settings';
import { seedInventoryDemo } from './commands/inventory-seed';
import { IdempotencyKeys } from './commands/idempotency';
import { systemEvents } from './commands/system-events';
import { createEventRegistry } from './domain';
import { createScryptPasswordHasher } from './adapters/crypto/scrypt-password-hasher';
import { createAesSecretBox } from './adapters/crypto/aes-secret-box';
import { createRouterOsProvisioner } from './adapters/routeros/provisioner';
import { openSqliteEventStore } from './adapters/event-store/sqlite';
import { createDiskFileStore } from './adapters/files/disk-file-store';
import { createOutboxMailer } from './adapters/mail/outbox-mailer';
import { openSqliteReadStore } from './adapters/read-store/sqlite/sqlite-read-store';
import { mongoSettingsFromConfig } from './adapters/read-store/mongodb/mapping';
import { createReadStoreRateLimiter } from './adapters/rate-limit/read-store-rate-limiter';
import { LeasedProjections } from './projections/engine/leased-runner';
import { TokenService } from './api/auth/tokens';
import type { ApiDeps } from './api/deps';
import { FileUrls } from './api/files/signed-urls';
import { KeptAnswers } from './api/http/kept-answers';
import { createHttpApp } from './api/http-app';
import { closeIdleUntilClosed, createHttpServer } from './api/http/http-server';
import { createRealtime, type Realtime } from './api/realtime';
import { systemClock, type Clock, type IdGenerator } from './ports/clock';
import type { EventStore } from './ports/event-store';
import type { FileStore } from './ports/file-store';
import { silentLogger, type Logger } from './ports/logger';
import type { Mailer } from './ports/mailer';
import type { PasswordHasher } from './ports/password-hasher';
import type { ReadStore } from './ports/read-store';
import { allProjectors } from './projections';
import { RebuildJobs } from './projections/engine/rebuild-jobs';
import { CompareJobs } from './projections/engine/compare-jobs';
import { projectorLags } from './projections/engine/projector-lag';
import { createMetrics } from './api/metrics/metrics';
import { instrumentEventStore } from './adapters/event-store/instrumented';
import { acquireDataDirLock, type DataDirLock } from './adapters/data-dir-lock';
import { createUuidV7Generator } from './adapters/ids/uuid-v7';
import { createJobScheduler, type JobScheduler } from './jobs';
import { billingApiSettings, billingCommandSettings } from './billing-wiring';
import { dotmacApiSettings, dotmacCommandSettings } from './dotmac-wiring';
import { webhookAdapters, webhookDeliverySettings } from './webhook-wiring';
import { createReactors, reactorEvents, type Reactors } from './reactors';
import { ProjectionRunner } from './projections/engine/runner';
import { AggregateStates } from './commands/aggregate-states';
import { HeldHistories } from './projections/tickets/held-histories';

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
  /** Reactors fed from the event log (Mikrotik provisioning): started and stopped with the jobs. */
  reactors: Reactors;
  http: ReturnType<typeof createHttpApp>;
  /** socket.io (document 000) and the live feed of events it is fed from; attached by start(). */
  realtime: Realtime;
  /** Starts the projections, then listens; resolves once listening (readiness follows catch-up). */
  start(): Promise<{ url: string; port: number }>;
  /** Resolves when the read models have caught up and the first admin exists. */
  ready(): Promise<BootstrapResult | null>;
  stop(): Promise<void>;
}

/** The SQLite read store, saying so when it had to start empty (a machine crash in bulk mode);
 * its WAL checkpoints run on a thread of their own, not in the commits requests wait for. */
function openEmbeddedReadStore(filename: string, logger: Logger): ReadStore {
  const store = openSqliteReadStore({ filename, backgroundCheckpoints: {} });
  if (store.discarded) logger.warn({ filename }, store.discarded);
  return store;
}

export function describeEventStore(config: Config): string {
  return config.EVENTSTORE_URL ? 'eventstoredb' : 'sqlite';
}

/** A configured secret, or outside production a generated one kept in DATA_DIR so restarts
 * keep sessions (JWT_SECRET) and can open what was encrypted (SECRETS_KEY). */
function keptSecret(configured: string | undefined, variable: string, file: string, config: Config, logger: Logger): string {
  if (configured) return configured;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600 });
    logger.warn({ file }, `${variable} is not set; using a generated ${config.NODE_ENV} secret stored in the data directory`);
    return secret;
  }
}


/*
 * The adapters a configuration may not use are required only when it does: the EventStoreDB
 * client (gRPC), the MongoDB driver and the in-memory read store (mingo) took about half of a
 * start's time to load, on the embedded default that needs none of them.
 */
const eventStoreDbAdapter = () => require('./adapters/event-store/eventstoredb') as typeof import('./adapters/event-store/eventstoredb');
const mongoAdapter = () => require('./adapters/read-store/mongodb/mongo-read-store') as typeof import('./adapters/read-store/mongodb/mongo-read-store');
const gridFsAdapter = () => require('./adapters/files/gridfs-file-store') as typeof import('./adapters/files/gridfs-file-store');
const memoryAdapter = () => require('./adapters/read-store/memory/memory-read-store') as typeof import('./adapters/read-store/memory/memory-read-store');
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? silentLogger;
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? createUuidV7Generator();
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  // Prometheus metrics of this application (GET /metrics, METRICS_TOKEN); appends and dropped
  // subscriptions are counted by the event store's wrapper.
  const metrics = createMetrics();
  // The embedded read store is written by one process: this one, while it runs (the CLI checks).
  const embeddedReadStore = !overrides.readStore && !config.MONGODB_URL && config.READ_STORE !== 'memory';
  const dataDirLock: DataDirLock | null = embeddedReadStore ? acquireDataDirLock(dataDir, 'server') : null;
  const eventStore = instrumentEventStore(
    overrides.eventStore ??
      (config.EVENTSTORE_URL
        ? eventStoreDbAdapter().openEventStoreDbStore({ connectionString: config.EVENTSTORE_URL })
        : openSqliteEventStore({ filename: join(dataDir, 'events.db') })),
    {
      appended: (aggregate, count) => metrics.eventsAppended.inc({ aggregate }, count),
      subscriptionDropped: () => metrics.subscriptionReconnects.inc(),
    },
  );
  // MONGODB_URL: read models in MongoDB and uploads in GridFS, shared by every instance (one
  // client for both, closed on stop). Unset: in-memory read models and files on this machine's disk.
  const mongo =
    config.MONGODB_URL && !(overrides.readStore && overrides.fileStore)
      ? await mongoAdapter().connectMongo(mongoSettingsFromConfig({ ...config, MONGODB_URL: config.MONGODB_URL }))
      : null;
  const readStore =
    overrides.readStore ??
    (mongo
      ? mongoAdapter().mongoReadStore(mongo.db)
      : config.READ_STORE === 'memory'
        ? memoryAdapter().createMemoryReadStore()
        : openEmbeddedReadStore(join(dataDir, 'read-models.db'), logger));
  const fileStore =
    overrides.fileStore ??
    (mongo ? gridFsAdapter().createGridFsFileStore(mongo.db, { bucketName: config.MONGODB_GRIDFS_BUCKET }) : createDiskFileStore(join(dataDir, 'files')));
  const mailer = overrides.mailer ?? createOutboxMailer({ dir: join(dataDir, 'outbox'), clock, ids, logger });
  const passwords = overrides.passwords ?? createScryptPasswordHasher();
  const registry = createEventRegistry([...systemEvents, ...reactorEvents]);
  const secret = keptSecret(config.JWT_SECRET, 'JWT_SECRET', join(dataDir, '.jwt-secret'), config, logger);
  const secrets = createAesSecretBox(keptSecret(config.SECRETS_KEY, 'SECRETS_KEY', join(dataDir, '.secrets-key'), config, logger));
  // Document 004's webhooks: where they may go (WEBHOOK_ALLOWED_HOSTS) and how they are sent.
  const webhookIo = webhookAdapters(config);

  const commands: AppCommandDeps = {
    eventStore,
    registry,
    clock,
    ids,
    states: new AggregateStates(),
    passwords,
    mailer,
    secrets,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT || 8000}`,
    sla: { hours: config.SLA_HOURS, warningPercent: config.SLA_WARNING_PERCENT },
    inventory: { timeZone: config.INVENTORY_TIMEZONE, currency: config.INVENTORY_CURRENCY, custodySlotStaleMs: DEFAULT_INVENTORY_SETTINGS.custodySlotStaleMs },
    // Mikrotik servers are reached at whatever host and port they are registered with.
    routers: createRouterOsProvisioner({ timeoutMs: config.MIKROTIK_TIMEOUT_MS, tlsRejectUnauthorized: config.MIKROTIK_TLS_REJECT_UNAUTHORIZED }),
    mikrotik: { suspendedProfile: config.MIKROTIK_SUSPENDED_PROFILE },
    ...billingCommandSettings(config, clock),
    ...dotmacCommandSettings(config),
    webhookTargets: webhookIo.targets,
  };
  // On a shared (MongoDB) read store the projections run on one instance at a time, under a lease
  // (docs/scaling.md); the other instances stand by and answer reads from the stored checkpoints.
  const leased =
    mongo && !overrides.readStore
      ? new LeasedProjections({
          name: 'projections:main',
          owner: config.INSTANCE_ID ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
          readStore,
          eventStore,
          registry,
          projectors: allProjectors,
          logger: logger.child({ component: 'projections' }),
          clock,
          ttlMs: config.PROJECTION_LEASE_TTL_MS,
          renewEveryMs: config.PROJECTION_LEASE_RENEW_MS,
          standbyPollMs: config.PROJECTION_STANDBY_POLL_MS,
          runner: { now: () => clock.now().getTime(), batchSize: config.PROJECTION_BATCH_SIZE },
          quiesce: () => deps.rebuilds.waitAll(),
        })
      : null;
  const runner =
    leased?.runner ??
    new ProjectionRunner({
      eventStore,
      readStore,
      registry,
      projectors: allProjectors,
      logger: logger.child({ component: 'projections' }),
      now: () => clock.now().getTime(),
      batchSize: config.PROJECTION_BATCH_SIZE,
    });
  const caughtUp = () => (leased ? leased.whenReady() : runner.whenCaughtUp());
  const rateLimiter = createReadStoreRateLimiter(readStore, { clock });
  let stopSweeping: (() => void) | null = null;
  let bootstrapped = false;
  const deps: ApiDeps = {
    logger,
    commands,
    readStore,
    fileStore,
    tokens: new TokenService({ secret, accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS, clock, ids }),
    idempotency: new IdempotencyKeys(commands),
    sync: leased
      ? {
          // The local runner while this instance holds the lease, the stored checkpoints otherwise.
          waitFor: (position, timeoutMs) => leased.waitFor(position, timeoutMs),
          ready: () => leased.ready() && bootstrapped,
          status: () => leased.status(),
        }
      : {
          waitFor: (position, timeoutMs) => runner.waitFor(position, timeoutMs),
          // Ready once the read models have caught up and the first admin exists.
          ready: () => runner.caughtUp && bootstrapped,
          status: () => runner.status(),
        },
    ticketHistories: new HeldHistories(config.TICKET_HISTORY_ENTRIES),
    fileUrls: new FileUrls(secret, clock),
    keptAnswers: new KeptAnswers(readStore, config.KEPT_ANSWERS_MB * 1024 * 1024),
    // Rebuilds write through the lease's fence: they run on the instance that holds the lease.
    rebuilds: new RebuildJobs({ eventStore, readStore: leased?.readStore ?? readStore, runner, logger }),
    comparisons: new CompareJobs({ eventStore, readStore: leased?.readStore ?? readStore, registry, runner, logger }),
    metrics,
    rateLimiter,
    settings: {
      corsOrigins: config.CORS_ORIGINS,
      metricsToken: config.METRICS_TOKEN,
      uploadMaxBytes: config.UPLOAD_MAX_BYTES,
      readYourWritesTimeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
      publicUrl: config.PUBLIC_URL,
      loginRateLimit: {
        perEmail: config.LOGIN_RATE_LIMIT_PER_EMAIL,
        perIp: config.LOGIN_RATE_LIMIT_PER_IP,
        windowMs: config.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000,
      },
      // Document 003: 100 requests per minute per user by default.
      inventoryAdminRateLimit: { limit: config.INVENTORY_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
      billing: billingApiSettings(config),
      dotmac: dotmacApiSettings(config),
    },
    describeStores: async () => ({
      eventStore: { type: overrides.eventStore ? 'injected' : describeEventStore(config), head: await eventStore.headPosition() },
      readStore: { type: overrides.readStore ? 'injected' : mongo ? 'mongodb' : config.READ_STORE },
      fileStore: { type: overrides.fileStore ? 'injected' : mongo ? 'gridfs' : 'disk' },
    }),
  };
  metrics.projections(async () => {
    const status = deps.sync.status();
    const lags = await projectorLags(eventStore, status, clock.now().getTime());
    return status.projectors.map((p, i) => ({
      projector: p.name,
      checkpoint: p.checkpoint,
      lagEvents: lags[i]!.events,
      lagSeconds: lags[i]!.seconds,
      faulted: p.faulted !== null,
    }));
  });
  const http = createHttpApp(deps);
  // Behind a load balancer: which X-Forwarded-For hops to believe for req.ip (rate limits, logs).
  http.set('trust proxy', config.TRUST_PROXY);
  const jobs = createJobScheduler(
    { commands, readStore, logger, isLeader: () => !leased || leased.isActive() },
    {
      sla: config.SLA_JOB_SCHEDULE,
      lowStockDigest: config.INVENTORY_DIGEST_SCHEDULE,
      billing: {
        invoices: config.BILLING_INVOICE_JOB_SCHEDULE,
        overdue: config.BILLING_OVERDUE_JOB_SCHEDULE,
        suspension: config.BILLING_SUSPENSION_JOB_SCHEDULE,
        reactivation: config.BILLING_REACTIVATION_JOB_SCHEDULE,
      },
    },
  );
  const reactors = createReactors({
    commands,
    readStore,
    logger,
    sync: deps.sync,
    isLeader: () => !leased || leased.isActive(),
    mikrotik: { attempts: config.MIKROTIK_SYNC_ATTEMPTS, retryDelayMs: config.MIKROTIK_SYNC_RETRY_DELAY_MS },
    webhooks: { transport: webhookIo.transport, settings: { ...webhookDeliverySettings(config), tenantId: config.DOTMAC_TENANT_ID } },
  });
  const realtime = createRealtime({ deps, eventStore, registry });
  let server: Server | null = null;
  let readyPromise: Promise<BootstrapResult | null> | null = null;

  const ready = () => {
    readyPromise ??= caughtUp().then(async () => {
      // Fictional reference data for trying the inventory out, once, when asked for.
      if (config.INVENTORY_DEMO_SEED && (await seedInventoryDemo(commands))) logger.info('Seeded the fictional inventory demo reference data');
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
    reactors,
    realtime,
    http,
    ready,
    async start() {
      await (leased ? leased.start() : runner.start());
      stopSweeping = rateLimiter.startSweeping(60_000, (err) => logger.warn({ err: String(err) }, 'rate limit sweep failed'));
      ready().catch((err: unknown) => logger.error({ err: String(err) }, 'start-up failed'));
      server = createHttpServer(http, {
        headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
        idleTimeoutMs: config.HTTP_IDLE_TIMEOUT_MS,
        keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
        maxHeaderBytes: config.HTTP_MAX_HEADER_BYTES,
      });
      realtime.attach(server);
      await realtime.start();
      await new Promise<void>((resolveListen, reject) => {
        server!.once('error', reject);
        server!.listen(config.PORT, config.HOST, () => resolveListen());
      });
      caughtUp().then(() => {
        if (config.JOBS_ENABLED && server) {
          jobs.start();
          reactors.start().catch((err: unknown) => logger.error({ err: String(err) }, 'reactors failed to start'));
        }
        // A projector whose code declares a new version is rebuilt beside the version that
        // serves, and swapped in when it has caught up (on the instance that runs projections).
        if (leased && !leased.isActive()) return;
        for (const p of runner.staleVersions()) {
          const { version, codeVersion } = runner.status().projectors.find((s) => s.name === p.name)!;
          logger.info({ projector: p.name, from: version, to: codeVersion }, 'projector version changed; rebuilding it beside the one that serves');
          deps.rebuilds.start(p.name);
        }
      }, () => undefined);
      const port = (server.address() as AddressInfo).port;
      const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
      return { url: `http://${host}:${port}`, port };
    },
    async stop() {
      // Real-time clients first: their connections would keep the HTTP server from closing.
      await realtime.close();
      if (server) {
        const s = server;
        server = null;
        // Stop accepting, let requests in flight finish, then close what is left.
        const closed = new Promise<void>((r) => s.close(() => r()));
        // Kept-alive connections are closed as they go idle, not kept for HTTP_KEEP_ALIVE_TIMEOUT_MS.
        const stopClosingIdle = closeIdleUntilClosed(s);
        const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), config.SHUTDOWN_TIMEOUT_MS).unref());
        if ((await Promise.race([closed, timeout])) === 'timeout') {
          logger.warn('requests still in flight at the shutdown deadline; closing their connections');
          s.closeAllConnections();
          await closed;
        }
        stopClosingIdle();
      }
      await reactors.stop();
      await jobs.stop();
      await deps.rebuilds.waitAll();
      await deps.comparisons.waitAll();
      stopSweeping?.();
      await (leased ? leased.stop() : runner.stop());
      await eventStore.close();
      await readStore.close();
      await mongo?.close();
      dataDirLock?.release();
    },
  };
}
