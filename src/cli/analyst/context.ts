import { join, resolve } from 'node:path';
import { openEventStoreDbStore } from '../../adapters/event-store/eventstoredb';
import { openSqliteEventLogReader } from '../../adapters/event-store/sqlite-reader';
import { acquireDataDirLock, dataDirLockHolder, DataDirLockedError, type DataDirLock } from '../../adapters/data-dir-lock';
import { openSqliteReadStore } from '../../adapters/read-store/sqlite/sqlite-read-store';
import type { Config } from '../../config';
import type { EventStore } from '../../ports/event-store';
import type { ReadStore } from '../../ports/read-store';
import { progress, type Progress, type ProgressOutput } from './progress';
import { Remote } from './remote';
import { StateFile } from './state-file';

/** What every verb gets: its arguments, where to write, the interruption signal, and the stores or the server. */

export interface CliArgs {
  verb: string;
  positionals: string[];
  url?: string;
  token?: string;
  email?: string;
  password?: string;
  out?: string;
  revision?: number;
  at?: string;
  restart: boolean;
  pageSize?: number;
  progressEveryMs?: number;
}

export interface CliIo {
  out(text: string): void;
  err(line: string): void;
  /** Where progress goes (stderr), and whether it is a terminal. */
  progressOut: ProgressOutput;
}

/** Exit statuses. */
export const EXIT = { ok: 0, failed: 1, usage: 2, serverRunning: 3, interrupted: 130 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command was asked to stop (Ctrl-C): it saved where it was, running it again resumes. */
export class InterruptedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

export class CliContext {
  private log: EventStore | null = null;
  private lock: DataDirLock | null = null;
  private models: ReadStore | null = null;
  private remoteClient: Promise<Remote> | null = null;
  readonly dataDir: string;

  constructor(
    readonly args: CliArgs,
    readonly io: CliIo,
    readonly config: Config,
    readonly signal: AbortSignal,
  ) {
    this.dataDir = resolve(config.DATA_DIR);
  }

  get isRemote(): boolean {
    return this.args.url !== undefined;
  }

  remote(): Promise<Remote> {
    this.remoteClient ??= Remote.connect(this.args.url!, {
      token: this.args.token ?? process.env.ISP_TOKEN,
      email: this.args.email ?? process.env.ISP_EMAIL,
      password: this.args.password ?? process.env.ISP_PASSWORD,
    });
    return this.remoteClient;
  }

  /** The event log, for reading (no lock needed: readers never block the server). */
  eventLog(): EventStore {
    this.log ??= this.config.EVENTSTORE_URL
      ? openEventStoreDbStore({ connectionString: this.config.EVENTSTORE_URL })
      : openSqliteEventLogReader(join(this.dataDir, 'events.db'));
    return this.log;
  }

  /**
   * The embedded read models, to write: only while no server runs on this data directory (the
   * server's caches would not see the writes), under the data directory's lock. Otherwise
   * `--url` goes through the server.
   */
  readModels(): ReadStore {
    if (this.config.MONGODB_URL || this.config.READ_STORE !== 'sqlite') {
      throw new UsageError('The read models are not in this data directory (MONGODB_URL or READ_STORE=memory): use --url <server> to go through a running server.');
    }
    const holder = dataDirLockHolder(this.dataDir);
    if (holder) throw new DataDirLockedError(join(this.dataDir, '.lock'), holder);
    this.lock ??= acquireDataDirLock(this.dataDir, 'command line');
    this.models ??= openSqliteReadStore({ filename: join(this.dataDir, 'read-models.db') });
    return this.models;
  }

  state<T>(name: string): StateFile<T> {
    return new StateFile<T>(join(this.dataDir, '.cli', `${name}.json`));
  }

  progress(title: string, unit?: string): Progress {
    return progress(this.io.progressOut, title, { unit, everyMs: this.args.progressEveryMs });
  }

  throwIfInterrupted(): void {
    if (this.signal.aborted) throw new InterruptedError();
  }

  async close(): Promise<void> {
    await this.log?.close().catch(() => undefined);
    await this.models?.close().catch(() => undefined);
    this.lock?.release();
  }
}
