import pino from 'pino';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';

/**
 * The process entry point: read and validate the configuration, build the app on the adapters
 * it names (the embedded SQLite + in-memory stores by default), listen, and shut down cleanly
 * on SIGTERM or SIGINT.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  // Asynchronous stdout: writes are batched while one is in flight instead of one syscall per
  // line; flushed on shutdown (a crash can lose the last few lines, never an event).
  const destination = pino.destination({ dest: 1, sync: false });
  const logger = pino(
    {
      level: config.LOG_LEVEL,
      base: { service: 'isp-ops' },
      redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'], remove: true },
    },
    destination,
  );
  const app = await createApp(config, { logger });
  const { url } = await app.start();
  logger.info({ url, dataDir: config.DATA_DIR }, `listening on ${url}`);
  app
    .ready()
    .then((boot) => {
      if (boot && !boot.generatedPassword) {
        logger.info({ email: boot.email }, `ready: log in with POST ${url}/api/auth/login as ${boot.email}`);
      } else if (boot) {
        logger.info({ email: boot.email }, `ready: log in with POST ${url}/api/auth/login with the password above`);
      }
    })
    .catch(() => undefined);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => {
        logger.info('stopped');
        destination.flushSync();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err: String(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err: String(err) }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
