import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openEventStoreDbStore } from '../adapters/event-store/eventstoredb';
import { openSqliteEventStore } from '../adapters/event-store/sqlite';
import type { EventStore } from '../ports/event-store';
import { DEFAULT_MAX_APPEND_BYTES, MigrationInterruptedError, migrateEvents, type MigrationProgress, type MigrationResult } from './migrate-events';

/**
 * Command line: copy the embedded SQLite event log into EventStoreDB (or another SQLite file).
 *
 *   npm run migrate:events -- --from ./data/events.db --to "esdb://localhost:2113?tls=false"
 *   node dist/src/cli/migrate-events-cli.js --from /data/events.db --to "$EVENTSTORE_URL"   (in the image)
 *
 * Exit codes: 0 copied and verified, 1 failed or verification found differences, 2 usage,
 * 130 interrupted (Ctrl-C; run the same command again to resume).
 */

export const USAGE = `Usage: npm run migrate:events -- --from <events.db> --to <esdb://host:2113?tls=false | other.db> [options]

Copies every event of the embedded SQLite event store into the target in global order, with the
same stream revisions, metadata and hashes, then verifies the copy. Safe to run again: events the
target already has are skipped, so an interrupted run resumes and a later run copies what is new.

Options:
  --from <file>            the SQLite event store file (DATA_DIR/events.db)
  --to <target>            esdb://, esdb+discover://, kurrentdb:// connection string, or a SQLite file path
  --page-size <n>          events per read and per append at most (default 1000)
  --max-append-bytes <n>   bytes per append at most, as EventStoreDB counts them (default ${DEFAULT_MAX_APPEND_BYTES}:
                           its default MaxAppendSize of 1048576 less a quarter); appends the target
                           refuses as too large anyway are split and sent again
  --progress-every <n>     print progress every n events (default 10000) or every 5 s
  --no-verify              skip the final comparison of source and target
  -h, --help               this text`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface MigrationCliArgs {
  from: string;
  to: string;
  pageSize: number;
  maxAppendBytes: number;
  progressEvery: number;
  verify: boolean;
  help: boolean;
}

const ESDB_URL = /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\//i;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${value}`);
  return n;
}

export function parseMigrationArgs(argv: readonly string[]): MigrationCliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'page-size': { type: 'string' },
        'max-append-bytes': { type: 'string' },
        'progress-every': { type: 'string' },
        'no-verify': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const help = parsed.help === true;
  if (!help && !parsed.from) throw new UsageError('--from is required');
  if (!help && !parsed.to) throw new UsageError('--to is required');
  return {
    from: parsed.from ?? '',
    to: parsed.to ?? '',
    pageSize: positiveInt('page-size', parsed['page-size'], 1000),
    maxAppendBytes: positiveInt('max-append-bytes', parsed['max-append-bytes'], DEFAULT_MAX_APPEND_BYTES),
    progressEvery: positiveInt('progress-every', parsed['progress-every'], 10_000),
    verify: parsed['no-verify'] !== true,
    help,
  };
}

export function isEventStoreDbUrl(target: string): boolean {
  return ESDB_URL.test(target.trim());
}

/** Opens the source (an existing SQLite file) and the target (EventStoreDB or another SQLite file). */
export function openMigrationStores(args: Pick<MigrationCliArgs, 'from' | 'to'>): { source: EventStore; target: EventStore; describe: string } {
  const from = resolve(args.from);
  if (!existsSync(from)) throw new UsageError(`--from ${args.from}: no such file (the SQLite event store is DATA_DIR/events.db)`);
  if (!isEventStoreDbUrl(args.to) && resolve(args.to) === from) throw new UsageError('--to must not be the --from file');
  const source = openSqliteEventStore({ filename: from });
  try {
    const target = isEventStoreDbUrl(args.to)
      ? openEventStoreDbStore({ connectionString: args.to })
      : openSqliteEventStore({ filename: resolve(args.to) });
    const shown = isEventStoreDbUrl(args.to) ? args.to.replace(/\/\/[^@/]*@/, '//***@') : resolve(args.to);
    return { source, target, describe: `${from} -> ${shown}` };
  } catch (error) {
    void source.close();
    throw error;
  }
}

const int = new Intl.NumberFormat('en-US');

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatProgress(p: MigrationProgress): string {
  if (p.phase === 'counting') return 'counting the source events…';
  if (p.phase === 'verifying') return `verifying: ${int.format(p.verifiedStreams)}/${int.format(p.streams)} streams compared`;
  const percent = p.total > 0 ? ((100 * p.processed) / p.total).toFixed(1) : '100.0';
  const parts = [
    `${p.phase === 'done' ? 'done' : 'copying'}: ${int.format(p.processed)}/${int.format(p.total)} events (${percent}%)`,
    `${int.format(p.copied)} copied`,
    `${int.format(p.skipped)} already there`,
    `${int.format(p.streams)} streams`,
    `${int.format(p.eventsPerSecond)} events/s`,
  ];
  if (p.phase === 'copying') parts.push(p.etaMs === null ? 'ETA unknown' : `ETA ${formatDuration(p.etaMs)}`);
  else parts.push(`in ${formatDuration(p.elapsedMs)}`);
  return parts.join(' · ');
}

export function formatResult(result: MigrationResult): string[] {
  const lines = [
    `copied ${int.format(result.copied)} events, ${int.format(result.skipped)} were already there, ` +
      `${int.format(result.streams)} streams, in ${formatDuration(result.elapsedMs)}`,
  ];
  const v = result.verification;
  if (!v) lines.push('verification skipped (--no-verify)');
  else if (v.ok) lines.push(`verified: ${int.format(v.events)} events in ${int.format(v.streams)} streams, same ids, data, metadata and hashes, same global order`);
  else lines.push(`VERIFICATION FAILED: ${v.problemCount} problem(s)`, ...v.problems.map((p) => `  - ${p}`));
  return lines;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  signal?: AbortSignal;
  now?: () => number;
  open?: typeof openMigrationStores;
}

/** Runs the command; returns the exit code. */
export async function runMigrationCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: MigrationCliArgs;
  try {
    args = parseMigrationArgs(argv);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    io.err(USAGE);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  let stores;
  try {
    stores = (io.open ?? openMigrationStores)(args);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return error instanceof UsageError ? 2 : 1;
  }
  const { source, target } = stores;
  io.out(`migrating events: ${stores.describe}`);
  try {
    const result = await migrateEvents({
      source,
      target,
      pageSize: args.pageSize,
      maxAppendBytes: args.maxAppendBytes,
      verify: args.verify,
      progressEveryEvents: args.progressEvery,
      progressEveryMs: 5000,
      signal: io.signal,
      now: io.now,
      onProgress: (p) => io.out(formatProgress(p)),
    });
    for (const line of formatResult(result)) io.out(line);
    return !result.verification || result.verification.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof MigrationInterruptedError) {
      io.err(error.message);
      return 130;
    }
    io.err(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await Promise.allSettled([source.close(), target.close()]);
  }
}

if (require.main === module) {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\nstopping after the append in progress (Ctrl-C again to quit at once)…\n');
    controller.abort();
  });
  runMigrationCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    signal: controller.signal,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
