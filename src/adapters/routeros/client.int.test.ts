import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { REFUSED_PORT, RouterOsStandIn, STANDIN_CERT_PATH } from '../../../test/support/routeros-standin';
import { connectAndLogin, RouterOsClient } from './client';
import { RouterOsError, RouterOsTrapError } from './errors';

/** The client against the RouterOS API stand-in on loopback (test/support/routeros-standin.ts). */

let router: RouterOsStandIn;
const clients: RouterOsClient[] = [];

const open = async (overrides: Partial<Parameters<typeof connectAndLogin>[0]> = {}) => {
  const c = await connectAndLogin({
    host: router.host,
    port: router.port,
    username: router.username,
    password: router.password,
    connectTimeoutMs: 2000,
    commandTimeoutMs: 2000,
    ...overrides,
  });
  clients.push(c);
  return c;
};

const failure = async (p: Promise<unknown>): Promise<RouterOsError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof RouterOsError) return err;
    throw err;
  }
  throw new Error('expected the promise to reject');
};

beforeEach(async () => {
  router = await RouterOsStandIn.start();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await router.stop();
});

describe('login', () => {
  it('logs in with name and password (RouterOS 6.43 and later)', async () => {
    const c = await open();
    expect(router.received[0]!.words).toEqual(['/login', `=name=${router.username}`, `=password=${router.password}`, '.tag=1']);
    const r = await c.run('/system/identity/print');
    expect(r.items).toEqual([{ name: 'StandIn-CCR' }]);
  });

  it('answers the md5 challenge of routers older than 6.43', async () => {
    router.login = 'challenge';
    const c = await open();
    const logins = router.received.filter((r) => r.words[0] === '/login').map((r) => r.words.find((w) => w.startsWith('=response='))?.length ?? 0);
    expect(logins).toEqual([0, '=response=00'.length + 32]);
    expect((await c.run('/system/identity/print')).items).toHaveLength(1);
  });

  it('refuses wrong credentials with a login error naming the router, and closes the connection', async () => {
    const err = await failure(open({ password: 'wrong' }));
    expect(err.kind).toBe('login');
    expect(err.message).toBe(`login to 127.0.0.1:${router.port} refused: invalid user name or password (6)`);
    expect(err.message).not.toContain('wrong');
    await new Promise((r) => setTimeout(r, 50));
    expect(router.openConnections).toBe(0);
  });

  it('refuses a wrong challenge response', async () => {
    router.login = 'challenge';
    expect((await failure(open({ password: 'wrong' }))).kind).toBe('login');
  });

  it('a command before login ends the session (!fatal not logged in)', async () => {
    const c = await RouterOsClient.connect({ host: router.host, port: router.port });
    clients.push(c);
    const err = await failure(c.run('/ppp/secret/print'));
    expect(err.kind).toBe('fatal');
    expect(err.message).toContain('not logged in');
    expect(c.isClosed).toBe(true);
  });

  it('a login that gets no answer times out', async () => {
    router.failNext('/login', { kind: 'silence' });
    const err = await failure(open({ connectTimeoutMs: 200 }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/\/login got no answer .* within 200 ms/);
  });
});

describe('connection errors', () => {
  it('a refused connection is a connection error naming the address', async () => {
    const port = REFUSED_PORT;
    const err = await failure(RouterOsClient.connect({ host: '127.0.0.1', port }));
    expect(err.kind).toBe('connection');
    expect(err.message).toBe(`connection refused by 127.0.0.1:${port}`);
  });

  it('a connection that never completes its handshake times out', async () => {
    // A plain TCP listener that never answers the TLS handshake.
    const accepted: Socket[] = [];
    const silent = createServer((socket) => void accepted.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (silent.address() as AddressInfo).port;
      const err = await failure(RouterOsClient.connect({ host: '127.0.0.1', port, tls: { rejectUnauthorized: false }, connectTimeoutMs: 150 }));
      expect(err.kind).toBe('timeout');
      expect(err.message).toBe(`could not connect to 127.0.0.1:${port} within 150 ms`);
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe('commands', () => {
  it('returns the !re items and the !done attributes', async () => {
    const c = await open();
    const added = await c.run('/ppp/secret/add', { attributes: { name: 'pel-001', password: 'p', profile: 'default', service: 'pppoe' } });
    expect(added.items).toEqual([]);
    expect(added.done.ret).toMatch(/^\*[0-9A-F]+$/);
    const printed = await c.run('/ppp/secret/print', { query: { name: 'pel-001' } });
    expect(printed.empty).toBe(false);
    expect(printed.items).toEqual([expect.objectContaining({ '.id': added.done.ret, name: 'pel-001', profile: 'default', service: 'pppoe', disabled: 'false' })]);
  });

  it('sends attributes, queries and .proplist as words', async () => {
    const c = await open();
    router.addSecret({ name: 'a', profile: 'default', password: 'x' });
    const r = await c.run('/ppp/secret/print', { attributes: { '.proplist': 'name,profile' }, query: { name: 'a' } });
    expect(r.items).toEqual([{ name: 'a', profile: 'default' }]);
    expect(router.received.at(-1)!.words).toEqual(['/ppp/secret/print', '=.proplist=name,profile', '?name=a', '.tag=2']);
  });

  it('handles !empty (RouterOS 7.18+): no items, then the !done that follows', async () => {
    const c = await open();
    const r = await c.run('/ppp/secret/print', { query: { name: 'nobody' } });
    expect(r).toEqual({ items: [], done: {}, empty: true });
    // ... and older routers, which answer a bare !done.
    router.emptyReplies = false;
    expect(await c.run('/ppp/active/print', { query: { name: 'nobody' } })).toEqual({ items: [], done: {}, empty: false });
  });

  it('multiplexes concurrent commands by .tag, whatever order the answers come in', async () => {
    const c = await open();
    router.addSecret({ name: 'x', password: 'p' });
    router.delayMs.set('/system/identity/print', 80);
    router.delayMs.set('/system/resource/print', 40);
    const order: string[] = [];
    const track = <T,>(name: string, p: Promise<T>) => p.then((v) => (order.push(name), v));
    const [identity, resource, secrets, none] = await Promise.all([
      track('identity', c.run('/system/identity/print')),
      track('resource', c.run('/system/resource/print')),
      track('secrets', c.run('/ppp/secret/print')),
      track('none', c.run('/ppp/active/print')),
    ]);
    expect(order).toEqual(['secrets', 'none', 'resource', 'identity']);
    expect(identity.items[0]!.name).toBe('StandIn-CCR');
    expect(resource.items[0]!.version).toBe('7.18.2 (stable)');
    expect(secrets.items.map((s) => s.name)).toEqual(['x']);
    expect(none.empty).toBe(true);
    const tags = router.received.slice(1).map((r) => r.words.at(-1));
    expect(new Set(tags).size).toBe(4);
    expect(c.inFlight).toBe(0);
  });

  it('a !trap rejects that command with the router’s message and category; the connection goes on', async () => {
    const c = await open();
    router.addSecret({ name: 'dup', password: 'p' });
    const err = await failure(c.run('/ppp/secret/add', { attributes: { name: 'dup', password: 'q' } }));
    expect(err).toBeInstanceOf(RouterOsTrapError);
    expect(err.kind).toBe('trap');
    expect((err as RouterOsTrapError).routerMessage).toBe('failure: secret with the same name already exists');
    expect((err as RouterOsTrapError).category).toBe('1');
    expect(err.message).toBe('/ppp/secret/add failed: failure: secret with the same name already exists');
    expect((await c.run('/ppp/secret/print')).items).toHaveLength(1);
  });

  it('a !trap told to the stand-in reaches only the command it answers', async () => {
    const c = await open();
    router.failNext('/ppp/profile/print', { kind: 'trap', message: 'not enough permissions (9)', category: '4' });
    const [trapped, fine] = await Promise.allSettled([c.run('/ppp/profile/print'), c.run('/ppp/secret/print')]);
    expect(trapped.status).toBe('rejected');
    expect((trapped as PromiseRejectedResult).reason.message).toBe('/ppp/profile/print failed: not enough permissions (9)');
    expect(fine.status).toBe('fulfilled');
  });

  it('a !fatal rejects every command in flight and closes the connection', async () => {
    const c = await open();
    router.delayMs.set('/ppp/secret/print', 200);
    const slow = c.run('/ppp/secret/print');
    router.failNext('/ppp/profile/print', { kind: 'fatal', message: 'session terminated on request' });
    const fatal = c.run('/ppp/profile/print');
    for (const p of [slow, fatal]) {
      const err = await failure(p);
      expect(err.kind).toBe('fatal');
      expect(err.message).toBe(`127.0.0.1:${router.port} ended the session: session terminated on request`);
    }
    expect(c.isClosed).toBe(true);
    expect((await failure(c.run('/system/identity/print'))).kind).toBe('fatal');
  });

  it('a dropped connection rejects the commands in flight with a connection error', async () => {
    const c = await open();
    router.failNext('/ppp/secret/add', { kind: 'drop' });
    const err = await failure(c.run('/ppp/secret/add', { attributes: { name: 'n', password: 'p' } }));
    expect(err.kind).toBe('connection');
    expect(err.message).toBe(`connection to 127.0.0.1:${router.port} closed by the router`);
    expect((await failure(c.run('/system/identity/print'))).kind).toBe('connection');
  });

  it('a command with no answer times out, is cancelled on the router, and the connection goes on', async () => {
    const c = await open();
    router.failNext('/ppp/active/print', { kind: 'silence' });
    const err = await failure(c.run('/ppp/active/print', { timeoutMs: 100 }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`/ppp/active/print got no answer from 127.0.0.1:${router.port} within 100 ms`);
    expect((await c.run('/system/identity/print')).items).toHaveLength(1);
    expect(router.received.map((r) => r.words)).toContainEqual(['/cancel', '=tag=2']);
  });

  it('bytes that are not the API (a reserved control byte) are a protocol error', async () => {
    const c = await open();
    router.failNext('/system/resource/print', { kind: 'garbage' });
    const err = await failure(c.run('/system/resource/print'));
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain('reserved control byte 0xf8');
  });

  it('ignores a reply word it does not know (a newer RouterOS) instead of failing', async () => {
    const c = await open();
    router.failNext('/system/identity/print', { kind: 'prefix', sentence: ['!future', '=x=1'] });
    expect((await c.run('/system/identity/print')).items).toEqual([{ name: 'StandIn-CCR' }]);
  });

  it('carries words longer than 0x1FFFFF bytes (4-byte lengths) both ways', async () => {
    const c = await open();
    const comment = 'k'.repeat(0x200000 + 17);
    await c.run('/ppp/secret/add', { attributes: { name: 'big', password: 'p', comment } });
    const r = await c.run('/ppp/secret/print', { query: { name: 'big' } });
    expect(r.items[0]!.comment).toBe(comment);
  });

  it('close() rejects what is in flight and closes the socket', async () => {
    const c = await open();
    router.failNext('/ppp/secret/print', { kind: 'silence' });
    const pending = c.run('/ppp/secret/print');
    await c.close();
    expect((await failure(pending)).message).toBe(`connection to 127.0.0.1:${router.port} closed`);
    await new Promise((r) => setTimeout(r, 50));
    expect(router.openConnections).toBe(0);
  });
});

describe('API-SSL', () => {
  let tlsRouter: RouterOsStandIn;
  beforeEach(async () => {
    tlsRouter = await RouterOsStandIn.start({ tls: true });
  });
  afterEach(async () => {
    await tlsRouter.stop();
  });

  it('speaks the API over TLS, trusting the router’s certificate', async () => {
    const c = await connectAndLogin({
      host: tlsRouter.host,
      port: tlsRouter.port,
      username: tlsRouter.username,
      password: tlsRouter.password,
      tls: { ca: readFileSync(STANDIN_CERT_PATH), rejectUnauthorized: true },
    });
    clients.push(c);
    expect((await c.run('/system/identity/print')).items[0]!.name).toBe('StandIn-CCR');
  });

  it('refuses a self-signed certificate unless told to accept it', async () => {
    const target = { host: tlsRouter.host, port: tlsRouter.port, username: tlsRouter.username, password: tlsRouter.password };
    const err = await failure(connectAndLogin({ ...target, tls: { rejectUnauthorized: true } }));
    expect(err.kind).toBe('connection');
    expect(err.message).toMatch(/SELF_SIGNED|self.signed/i);
    const c = await connectAndLogin({ ...target, tls: { rejectUnauthorized: false } });
    clients.push(c);
    expect((await c.run('/system/resource/print')).items).toHaveLength(1);
  });
});
