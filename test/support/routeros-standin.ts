import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { encodeSentence, SentenceDecoder } from '../../src/adapters/routeros/words';

/**
 * A RouterOS API stand-in for tests: a TCP (or API-SSL) server on 127.0.0.1 and a free port
 * that speaks the API wire protocol (length-prefixed words, sentences, `.tag`) and keeps PPP
 * secrets, PPP profiles and active PPP sessions in memory, the way a MikroTik router does for
 * the commands the product sends:
 *
 *   /login (=name= =password=; or the pre-6.43 challenge: !done =ret=<hex>, then =response=)
 *   /system/identity/print, /system/resource/print
 *   /ppp/secret/print|add|set|remove, /ppp/profile/print|add, /ppp/active/print|remove
 *   /cancel =tag=, /quit
 *
 * with `?name=value` queries (ANDed), `=.proplist=`, `.tag` on every reply, `!trap` for what a
 * router refuses (duplicate name, unknown profile, no such item) followed by `!done`, and, as
 * RouterOS 7.18 and later do, `!empty` before `!done` when a print finds nothing
 * (`emptyReplies`, on by default; off models older versions, which answer a bare `!done`).
 * A command before login is `!fatal not logged in`, as on a router.
 *
 * It can be told to fail: wrong credentials (any user but the configured one), and for the next
 * matching command `trap` (a `!trap` with a message), `fatal` (`!fatal` and close), `drop`
 * (close the connection without answering), `silence` (never answer), `garbage` (a reserved
 * control byte), `prefix` (an extra reply sentence, such as a reply word from a future version,
 * before the real answer). `delayMs` holds a command's answer back, so answers of concurrent commands
 * come out of order. Every sentence received is kept in `received` for assertions.
 *
 * The TLS certificate (test/support/fixtures/routeros-standin.*) is a self-signed test-only
 * certificate for 127.0.0.1 and localhost.
 */

export type Failure =
  | { kind: 'trap'; message: string; category?: string }
  | { kind: 'fatal'; message: string }
  | { kind: 'drop' }
  | { kind: 'silence' }
  | { kind: 'garbage' }
  /** Send this sentence (tagged like the command) first, then answer the command as usual. */
  | { kind: 'prefix'; sentence: string[] };

type Item = Record<string, string>;

export interface StandInOptions {
  username?: string;
  password?: string;
  /** `plain`: RouterOS 6.43 and later; `challenge`: older versions (md5 challenge-response). */
  login?: 'plain' | 'challenge';
  /** `!empty` before `!done` for a print with no result (RouterOS 7.18 and later). Default true. */
  emptyReplies?: boolean;
  identity?: string;
  version?: string;
  tls?: boolean;
}

export interface ReceivedSentence {
  connection: number;
  words: string[];
}

/**
 * A loopback port nothing listens on, for "connection refused". Not a port freed a moment ago:
 * the kernel may hand that to a server of a test running beside (it happened, and the connection
 * was accepted and closed instead of refused). Port 1 is below the range the kernel hands out
 * for port 0, where every test listens.
 */
export const REFUSED_PORT = 1;

export const STANDIN_CERT_PATH = join(__dirname, 'fixtures', 'routeros-standin.crt');

export class RouterOsStandIn {
  readonly secrets = new Map<string, Item>();
  readonly profiles = new Map<string, Item>();
  readonly active = new Map<string, Item>();
  readonly received: ReceivedSentence[] = [];
  username: string;
  password: string;
  login: 'plain' | 'challenge';
  emptyReplies: boolean;
  identity: string;
  version: string;
  /** Milliseconds to hold back the answer to a command, by command word. */
  readonly delayMs = new Map<string, number>();
  private readonly failures: Array<{ command: string; failure: Failure; times: number }> = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private nextId = 1;
  private connections = 0;
  port = 0;
  readonly host = '127.0.0.1';

  constructor(private readonly options: StandInOptions = {}) {
    this.username = options.username ?? 'api-user';
    this.password = options.password ?? 'api-secret';
    this.login = options.login ?? 'plain';
    this.emptyReplies = options.emptyReplies ?? true;
    this.identity = options.identity ?? 'StandIn-CCR';
    this.version = options.version ?? '7.18.2 (stable)';
    this.addProfile({ name: 'default' });
    this.addProfile({ name: 'default-encryption' });
  }

  static async start(options: StandInOptions = {}): Promise<RouterOsStandIn> {
    const s = new RouterOsStandIn(options);
    await s.listen();
    return s;
  }

  private async listen(): Promise<void> {
    const onSocket = (socket: Socket) => this.accept(socket);
    this.server = this.options.tls
      ? createTlsServer(
          { key: readFileSync(join(__dirname, 'fixtures', 'routeros-standin.key')), cert: readFileSync(STANDIN_CERT_PATH) },
          onSocket,
        )
      : createNetServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, this.host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** Connections currently open. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** The next `times` commands named `command` fail as told. */
  failNext(command: string, failure: Failure, times = 1): void {
    this.failures.push({ command, failure, times });
  }

  /** Commands received (the command word of each sentence), across connections. */
  commands(): string[] {
    return this.received.map((r) => r.words[0]!);
  }

  addProfile(p: { name: string; 'rate-limit'?: string }): Item {
    const item: Item = { '.id': `*${(this.nextId++).toString(16).toUpperCase()}`, name: p.name, ...(p['rate-limit'] ? { 'rate-limit': p['rate-limit'] } : {}) };
    this.profiles.set(item['.id']!, item);
    return item;
  }

  addSecret(s: Omit<Item, '.id'>): Item {
    const item: Item = { '.id': `*${(this.nextId++).toString(16).toUpperCase()}`, service: 'any', profile: 'default', disabled: 'false', ...s };
    this.secrets.set(item['.id']!, item);
    return item;
  }

  /** A live PPPoE session, as /ppp/active shows one. */
  connectSession(name: string, address = '10.0.0.2'): Item {
    const item: Item = { '.id': `*${(this.nextId++).toString(16).toUpperCase()}`, name, service: 'pppoe', address, uptime: '1h' };
    this.active.set(item['.id']!, item);
    return item;
  }

  secretNamed(name: string): Item | undefined {
    return [...this.secrets.values()].find((s) => s.name === name);
  }

  profileNamed(name: string): Item | undefined {
    return [...this.profiles.values()].find((s) => s.name === name);
  }

  sessionsOf(name: string): Item[] {
    return [...this.active.values()].filter((s) => s.name === name);
  }

  private accept(socket: Socket): void {
    const connection = ++this.connections;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new SentenceDecoder(64 * 1024 * 1024);
    const session = { loggedIn: false, challenge: null as string | null };
    socket.on('data', (chunk: Buffer) => {
      let sentences: string[][];
      try {
        sentences = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const words of sentences) {
        this.received.push({ connection, words });
        this.handle(socket, session, words);
      }
    });
  }

  private handle(socket: Socket, session: { loggedIn: boolean; challenge: string | null }, words: string[]): void {
    const command = words[0]!;
    const attrs: Item = {};
    const query: Item = {};
    let tag: string | null = null;
    for (const w of words.slice(1)) {
      if (w.startsWith('.tag=')) tag = w.slice(5);
      else if (w.startsWith('=')) {
        const eq = w.indexOf('=', 1);
        if (eq > 0) attrs[w.slice(1, eq)] = w.slice(eq + 1);
        else attrs[w.slice(1)] = '';
      } else if (w.startsWith('?')) {
        const body = w.startsWith('?=') ? w.slice(2) : w.slice(1);
        const eq = body.indexOf('=');
        if (eq > 0) query[body.slice(0, eq)] = body.slice(eq + 1);
      }
    }
    const send = (sentence: string[]) => {
      if (!socket.destroyed) socket.write(encodeSentence(tag === null ? sentence : [...sentence, `.tag=${tag}`]));
    };
    const reply = (items: Item[], done: Item = {}, options: { print?: boolean } = {}) => {
      const proplist = attrs['.proplist']?.split(',');
      const write = () => {
        for (const item of items) {
          const shown = proplist ? Object.fromEntries(Object.entries(item).filter(([k]) => proplist.includes(k))) : item;
          send(['!re', ...Object.entries(shown).map(([k, v]) => `=${k}=${v}`)]);
        }
        if (options.print && items.length === 0 && this.emptyReplies) send(['!empty']);
        send(['!done', ...Object.entries(done).map(([k, v]) => `=${k}=${v}`)]);
      };
      const delay = this.delayMs.get(command);
      if (delay) setTimeout(write, delay);
      else write();
    };
    const trap = (message: string, category?: string) => {
      send(['!trap', ...(category ? [`=category=${category}`] : []), `=message=${message}`]);
      send(['!done']);
    };
    const fatal = (message: string) => {
      if (!socket.destroyed) socket.write(encodeSentence(['!fatal', message]));
      socket.end();
    };

    if (command === '/cancel' || command === '/quit') {
      if (command === '/quit') return fatal('session terminated on request');
      return reply([]);
    }

    const injected = this.failures.find((f) => f.command === command && f.times > 0);
    if (injected) {
      injected.times--;
      const f = injected.failure;
      switch (f.kind) {
        case 'trap':
          return trap(f.message, f.category);
        case 'fatal':
          return fatal(f.message);
        case 'drop':
          socket.destroy();
          return;
        case 'silence':
          return;
        case 'garbage':
          socket.write(Buffer.from([0xf8, 0x00]));
          return;
        case 'prefix':
          send(f.sentence);
          break;
      }
    }

    if (command === '/login') {
      if (this.login === 'challenge' && attrs.response === undefined) {
        // Pre-6.43: name and password are ignored, a challenge is answered.
        session.challenge = randomBytes(16).toString('hex');
        return reply([], { ret: session.challenge });
      }
      const ok =
        attrs.name === this.username &&
        (this.login === 'plain'
          ? attrs.password === this.password
          : session.challenge !== null && attrs.response === `00${createHash('md5').update(Buffer.from([0])).update(this.password).update(Buffer.from(session.challenge, 'hex')).digest('hex')}`);
      if (!ok) return trap('invalid user name or password (6)');
      session.loggedIn = true;
      return reply([]);
    }
    if (!session.loggedIn) return fatal('not logged in');

    const matches = (item: Item) => Object.entries(query).every(([k, v]) => item[k] === v);
    const byId = (table: Map<string, Item>) => {
      const item = table.get(attrs['.id'] ?? attrs.numbers ?? '');
      if (!item) trap('no such item', '0');
      return item;
    };
    switch (command) {
      case '/system/identity/print':
        return reply([{ name: this.identity }]);
      case '/system/resource/print':
        return reply([{ version: this.version, 'board-name': 'CCR2004-StandIn', uptime: '1w2d' }]);
      case '/ppp/secret/print':
        return reply([...this.secrets.values()].filter(matches), {}, { print: true });
      case '/ppp/profile/print':
        return reply([...this.profiles.values()].filter(matches), {}, { print: true });
      case '/ppp/active/print':
        return reply([...this.active.values()].filter(matches), {}, { print: true });
      case '/ppp/secret/add': {
        if (!attrs.name) return trap('value of name must not be empty', '1');
        if (this.secretNamed(attrs.name)) return trap('failure: secret with the same name already exists', '1');
        if (attrs.profile && !this.profileNamed(attrs.profile)) return trap('input does not match any value of profile', '1');
        const { '.proplist': _p, ...fields } = attrs;
        const item = this.addSecret({ ...fields, disabled: toBool(fields.disabled ?? 'no') });
        return reply([], { ret: item['.id']! });
      }
      case '/ppp/secret/set': {
        const item = byId(this.secrets);
        if (!item) return;
        if (attrs.profile && !this.profileNamed(attrs.profile)) return trap('input does not match any value of profile', '1');
        const { '.id': _id, numbers: _n, ...fields } = attrs;
        Object.assign(item, fields, fields.disabled !== undefined ? { disabled: toBool(fields.disabled) } : {});
        return reply([]);
      }
      case '/ppp/secret/remove': {
        const item = byId(this.secrets);
        if (!item) return;
        this.secrets.delete(item['.id']!);
        return reply([]);
      }
      case '/ppp/profile/add': {
        if (!attrs.name) return trap('value of name must not be empty', '1');
        if (this.profileNamed(attrs.name)) return trap('failure: profile with the same name already exists', '1');
        const item = this.addProfile({ name: attrs.name, 'rate-limit': attrs['rate-limit'] });
        return reply([], { ret: item['.id']! });
      }
      case '/ppp/active/remove': {
        const item = byId(this.active);
        if (!item) return;
        this.active.delete(item['.id']!);
        return reply([]);
      }
      default:
        return trap('no such command', '0');
    }
  }
}

const toBool = (v: string): string => (v === 'yes' || v === 'true' ? 'true' : 'false');
