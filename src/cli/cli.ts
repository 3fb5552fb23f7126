import { parseArgs } from 'node:util';
import { DataDirLockedError } from '../adapters/data-dir-lock';
import { ConfigError, loadConfig } from '../config';
import { NotFoundError, ValidationError } from '../domain/shared/errors';
import { CliContext, EXIT, InterruptedError, UsageError, type CliArgs, type CliIo } from './analyst/context';
import { RemoteError } from './analyst/remote';
import { compare } from './analyst/verbs/compare';
import { exportEvents } from './analyst/verbs/export';
import { projections } from './analyst/verbs/projections';
import { rebuild } from './analyst/verbs/rebuild';
import { replay } from './analyst/verbs/replay';
import { verify } from './analyst/verbs/verify';

/**
 * The auditors' and analysts' command line: `npm run cli -- <verb> [options]`, on the data
 * directory and servers the product is configured with (the same environment: DATA_DIR,
 * EVENTSTORE_URL, MONGODB_URL). docs/operations.md is its manual.
 */
export const USAGE = `Usage: npm run cli -- <verb> [arguments] [options]

Verbs:
  projections                 every projector with its checkpoint and lag
  rebuild [name]              rebuild one projector (or all) beside the live one, then swap it in
  compare [name]              check that a rebuild equals the live read model (exit 1 when not)
  replay <stream>             a stream's events and the aggregate's state folded from them
  verify [stream]             check the hash chain of a stream or of the whole store (exit 1 when broken)
  export <stream|customer:id> JSON Lines with the hashes (to stdout, or --out <file>)

Where:
  without --url               on the files of DATA_DIR (or the configured EventStoreDB): reading the
                              log works while a server runs; projections, rebuild and compare write
                              or read the read models and need the server stopped (exit 3 otherwise)
  --url <http://host:port>    through a running server: /api/v1/ops (super admin) and
                              /api/v1/audit (super admin or auditor), signed in with --token
                              <access token> or --email and --password (or ISP_TOKEN, ISP_EMAIL,
                              ISP_PASSWORD)

Options:
  --revision <n>, --at <ISO time>   replay: fold up to this revision or time
  --out <file>                export: write to this file (an interrupted export resumes in it)
  --restart                   verify, rebuild: start over instead of resuming an interrupted run
  --page-size <n>             events per read (default 2000)
  --progress-every-ms <n>     without a terminal, a progress line at most this often (default 2000)
  -h, --help                  this text

Long commands show a progress bar (rate and time left) on a terminal, progress lines otherwise.
Ctrl-C stops them where they are (exit 130); the same command resumes.
Exit status: 0 done, 1 failed (broken chain, a difference, a failed rebuild), 2 usage,
3 the data directory is in use by a running server (use --url), 130 interrupted.`;

const VERBS: Record<string, (ctx: CliContext) => Promise<number>> = { projections, rebuild, compare, replay, verify, export: exportEvents };

function nonNegativeInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

export function parseCliArgs(argv: readonly string[]): CliArgs & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        out: { type: 'string' },
        revision: { type: 'string' },
        at: { type: 'string' },
        restart: { type: 'boolean', default: false },
        'page-size': { type: 'string' },
        'progress-every-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [verb = '', ...rest] = positionals;
  const help = values.help === true;
  if (!help && !VERBS[verb]) throw new UsageError(verb ? `unknown verb ${verb}` : 'a verb is needed');
  if (values.at !== undefined && Number.isNaN(Date.parse(values.at))) throw new UsageError(`--at must be an ISO-8601 time, got ${values.at}`);
  const pageSize = nonNegativeInt('page-size', values['page-size']);
  if (pageSize === 0) throw new UsageError('--page-size must be at least 1');
  return {
    verb,
    positionals: rest,
    url: values.url,
    token: values.token,
    email: values.email,
    password: values.password,
    out: values.out,
    revision: nonNegativeInt('revision', values.revision),
    at: values.at,
    restart: values.restart === true,
    pageSize,
    progressEveryMs: nonNegativeInt('progress-every-ms', values['progress-every-ms']),
    help,
  };
}

/** Runs one command; returns the exit status. */
export async function runCli(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    io.err(USAGE);
    return EXIT.usage;
  }
  if (args.help) {
    io.out(`${USAGE}\n`);
    return EXIT.ok;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    io.err(error instanceof ConfigError ? error.message : String(error));
    return EXIT.usage;
  }
  const ctx = new CliContext(args, io, config, signal);
  try {
    return await VERBS[args.verb]!(ctx);
  } catch (error) {
    if (error instanceof InterruptedError) {
      io.err(error.message);
      return EXIT.interrupted;
    }
    if (error instanceof DataDirLockedError) {
      io.err(`${error.message}.\nA running server owns the read models of ${ctx.dataDir}: stop it, or go through it with --url <server> (and --token, or --email and --password).`);
      return EXIT.serverRunning;
    }
    if (error instanceof UsageError) {
      io.err(error.message);
      return EXIT.usage;
    }
    if (error instanceof NotFoundError || error instanceof ValidationError || error instanceof RemoteError) {
      io.err(error instanceof ValidationError ? `${error.message}: ${JSON.stringify(error.fields)}` : error.message);
      return EXIT.failed;
    }
    io.err(`${args.verb} failed: ${error instanceof Error ? (env.CLI_DEBUG ? (error.stack ?? error.message) : error.message) : String(error)}`);
    return EXIT.failed;
  } finally {
    await ctx.close();
  }
}

if (require.main === module) {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write('\nstopping where it is and saving its place (Ctrl-C again to quit at once)…\n');
    controller.abort();
  });
  runCli(
    process.argv.slice(2),
    {
      out: (text) => process.stdout.write(text),
      err: (line) => process.stderr.write(`${line}\n`),
      progressOut: { write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY === true },
    },
    process.env,
    controller.signal,
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
