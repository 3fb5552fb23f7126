import { createHash } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { RouterOsError, RouterOsTrapError } from './errors';
import { commandWords, parseReply, type Reply } from './sentences';
import { encodeSentence, RouterOsProtocolError, SentenceDecoder } from './words';

/**
 * A RouterOS API client (TCP 8728, or API-SSL on 8729): one connection, any number of commands
 * in flight at once, each with its own `.tag` so their replies can interleave. Each command
 * resolves on its `!done` with the `!re` items it got, or rejects with a RouterOsError:
 * `trap` (the router refused it; the `!done` that follows a `!trap` is awaited), `timeout`
 * (no `!done` in time: the command is cancelled with `/cancel`), `fatal` (`!fatal`: the router
 * ends the session), `connection` (refused, reset, closed) or `protocol` (bytes that are not
 * the API). `!empty` (RouterOS 7.18+, a command with no data) is recorded and the `!done`
 * after it awaited. Reply words this client does not know are ignored rather than fatal, so a
 * newer RouterOS adding one does not break it (the way `!empty` broke the npm clients).
 */

export interface RouterOsConnectOptions {
  host: string;
  port: number;
  /** API-SSL. `rejectUnauthorized: false` accepts a router's self-signed certificate. */
  tls?: false | Pick<ConnectionOptions, 'rejectUnauthorized' | 'ca' | 'servername'>;
  /** Connecting (TCP and TLS) and logging in, each. Default 10 s. */
  connectTimeoutMs?: number;
  /** Each command, from sending it to its `!done`. Default 10 s. */
  commandTimeoutMs?: number;
  /** Longest word accepted from the router. Default 16 MiB. */
  maxWordLength?: number;
}

export interface LoginOptions {
  username: string;
  password: string;
}

export interface CommandOptions {
  attributes?: Record<string, string | number | boolean | undefined>;
  query?: Record<string, string>;
  timeoutMs?: number;
}

export interface CommandResult {
  /** The attributes of each `!re`, in order. */
  items: Array<Record<string, string>>;
  /** The attributes of `!done` (`ret`: the id of an added item, a login challenge ...). */
  done: Record<string, string>;
  /** The router said `!empty`: the command has no data. */
  empty: boolean;
}

interface Pending {
  command: string;
  items: Array<Record<string, string>>;
  empty: boolean;
  trap: Reply | null;
  timer: NodeJS.Timeout;
  resolve(result: CommandResult): void;
  reject(error: Error): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function describeSocketError(err: NodeJS.ErrnoException, where: string): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host of ${where} not found`;
    case 'ECONNRESET':
      return `connection to ${where} reset`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable`;
    case 'ETIMEDOUT':
      return `connection to ${where} timed out`;
    default:
      return `connection to ${where} failed (${err.code ?? err.message})`;
  }
}

export class RouterOsClient {
  private readonly pending = new Map<string, Pending>();
  private readonly decoder: SentenceDecoder;
  private nextTag = 1;
  private failure: RouterOsError | null = null;
  private readonly closedPromise: Promise<void>;
  readonly where: string;

  private constructor(
    private readonly socket: Socket,
    private readonly options: RouterOsConnectOptions,
  ) {
    this.where = `${options.host}:${options.port}`;
    this.decoder = new SentenceDecoder(options.maxWordLength);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.fail(new RouterOsError('connection', describeSocketError(err, this.where)));
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.fail(new RouterOsError('connection', `connection to ${this.where} closed by the router`));
        resolve();
      });
    });
  }

  /** Opens the TCP (or TLS) connection; does not log in. */
  static connect(options: RouterOsConnectOptions): Promise<RouterOsClient> {
    const where = `${options.host}:${options.port}`;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const tls = options.tls;
      const socket = tls
        ? tlsConnect({ host: options.host, port: options.port, ...tls })
        : netConnect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RouterOsError('timeout', `could not connect to ${where} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new RouterOsError('connection', describeSocketError(err, where)));
      };
      socket.once('error', onError);
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay(true);
        resolve(new RouterOsClient(socket, options));
      });
    });
  }

  /**
   * Logs in with name and password (RouterOS 6.43 and later). A router older than that answers
   * the plain login with a challenge (`!done =ret=<hex>`) instead; the client then answers it
   * with `00` + md5(0x00, password, challenge) as those versions expect.
   */
  async login({ username, password }: LoginOptions): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const attempt = async (attributes: Record<string, string>) => {
      try {
        return await this.run('/login', { attributes, timeoutMs });
      } catch (err) {
        if (err instanceof RouterOsTrapError) throw new RouterOsError('login', `login to ${this.where} refused: ${err.routerMessage}`);
        if (err instanceof RouterOsError && err.kind === 'fatal') throw new RouterOsError('login', `login to ${this.where} refused: ${err.message}`);
        throw err;
      }
    };
    const first = await attempt({ name: username, password });
    const challenge = first.done.ret;
    if (challenge === undefined) return;
    if (!/^(?:[0-9a-f]{2})+$/i.test(challenge)) throw new RouterOsError('protocol', `login challenge from ${this.where} is not hex`);
    const digest = createHash('md5')
      .update(Buffer.from([0]))
      .update(Buffer.from(password, 'utf8'))
      .update(Buffer.from(challenge, 'hex'))
      .digest('hex');
    await attempt({ name: username, response: `00${digest}` });
  }

  /** Runs one command; resolves on its `!done`. */
  run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    if (this.failure) return Promise.reject(this.failure);
    const tag = String(this.nextTag++);
    const words = commandWords(command, { attributes: options.attributes, query: options.query, tag });
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(tag)) return;
        // Stop the router working on it; its late replies carry a tag nobody waits for.
        this.write(['/cancel', `=tag=${tag}`]);
        reject(new RouterOsError('timeout', `${command} got no answer from ${this.where} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(tag, { command, items: [], empty: false, trap: null, timer, resolve, reject });
      this.write(words);
    });
  }

  /** Ends the connection; commands still in flight reject. */
  async close(): Promise<void> {
    this.fail(new RouterOsError('connection', `connection to ${this.where} closed`));
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 1000);
    await this.closedPromise;
    clearTimeout(timer);
  }

  /** Commands waiting for their `!done`. */
  get inFlight(): number {
    return this.pending.size;
  }

  get isClosed(): boolean {
    return this.failure !== null;
  }

  private write(words: string[]): void {
    if (this.failure || this.socket.destroyed) return;
    this.socket.write(encodeSentence(words));
  }

  private onData(chunk: Buffer): void {
    let sentences: string[][];
    try {
      sentences = this.decoder.push(chunk);
    } catch (err) {
      const message = err instanceof RouterOsProtocolError ? err.message : String(err);
      this.fail(new RouterOsError('protocol', `${this.where} sent data that is not the RouterOS API: ${message}`));
      this.socket.destroy();
      return;
    }
    for (const sentence of sentences) this.onSentence(sentence);
  }

  private onSentence(sentence: string[]): void {
    const reply = parseReply(sentence);
    if (!reply) return; // a reply word this client does not know: ignored (see above)
    if (reply.type === 'fatal') {
      const reason = reply.words[0] ?? reply.attributes.message ?? 'no reason given';
      this.fail(new RouterOsError('fatal', `${this.where} ended the session: ${reason}`));
      this.socket.destroy();
      return;
    }
    if (reply.tag === null) return;
    const p = this.pending.get(reply.tag);
    if (!p) return; // a command that timed out (or was never ours)
    switch (reply.type) {
      case 're':
        p.items.push(reply.attributes);
        return;
      case 'empty':
        p.empty = true;
        return;
      case 'trap':
        p.trap ??= reply;
        return;
      case 'done':
        this.pending.delete(reply.tag);
        clearTimeout(p.timer);
        if (p.trap) {
          const message = p.trap.attributes.message ?? 'no message';
          p.reject(new RouterOsTrapError(p.command, message, p.trap.attributes.category ?? null));
        } else p.resolve({ items: p.items, done: reply.attributes, empty: p.empty });
    }
  }

  /** The connection is unusable from now on: every command in flight rejects with `error`. */
  private fail(error: RouterOsError): void {
    if (!this.failure) this.failure = error;
    for (const [tag, p] of this.pending) {
      this.pending.delete(tag);
      clearTimeout(p.timer);
      p.reject(this.failure);
    }
  }
}

/** Connects and logs in; closes the connection again when the login fails. */
export async function connectAndLogin(options: RouterOsConnectOptions & LoginOptions): Promise<RouterOsClient> {
  const client = await RouterOsClient.connect(options);
  try {
    await client.login(options);
    return client;
  } catch (err) {
    await client.close();
    throw err;
  }
}
