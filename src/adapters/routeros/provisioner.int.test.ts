import { REFUSED_PORT, RouterOsStandIn } from '../../../test/support/routeros-standin';
import { RouterUnavailableError, type RouterSession, type RouterTarget } from '../../ports/router-provisioner';
import { createRouterOsProvisioner } from './provisioner';

/** The RouterProvisioner port over the RouterOS client, against the stand-in router. */

let router: RouterOsStandIn;
let session: RouterSession | null = null;
const provisioner = createRouterOsProvisioner({ timeoutMs: 1000, tlsRejectUnauthorized: false });
const target = (): RouterTarget => ({ host: router.host, port: router.port, username: router.username, password: router.password, tls: false });

const rejection = async (p: Promise<unknown>): Promise<RouterUnavailableError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof RouterUnavailableError) return err;
    throw err;
  }
  throw new Error('expected a RouterUnavailableError');
};

beforeEach(async () => {
  router = await RouterOsStandIn.start();
});
afterEach(async () => {
  await session?.close();
  session = null;
  await router.stop();
});

it('identifies the router (identity and resource asked at once, on two tags)', async () => {
  session = await provisioner.open(target());
  expect(await session.identify()).toEqual({ identity: 'StandIn-CCR', version: '7.18.2 (stable)', boardName: 'CCR2004-StandIn' });
  const asked = router.received.slice(1).map((r) => r.words);
  expect(asked.map((w) => w[0]).sort()).toEqual(['/system/identity/print', '/system/resource/print']);
  expect(asked[0]!.at(-1)).not.toEqual(asked[1]!.at(-1));
});

it('finds nothing on a router that answers !empty, then adds, finds and updates a PPPoE secret', async () => {
  session = await provisioner.open(target());
  expect(await session.findPppSecret('pel-7')).toBeNull();
  expect(router.commands()).toContain('/ppp/secret/print');
  const id = await session.addPppSecret('pel-7', { password: 's3cret', profile: 'default', disabled: false, remoteAddress: '10.20.0.7', comment: 'Budi' });
  expect(router.received.at(-1)!.words.slice(0, -1)).toEqual([
    '/ppp/secret/add',
    '=name=pel-7',
    '=service=pppoe',
    '=password=s3cret',
    '=profile=default',
    '=disabled=no',
    '=remote-address=10.20.0.7',
    '=comment=Budi',
  ]);
  expect(await session.findPppSecret('pel-7')).toEqual({
    id,
    name: 'pel-7',
    profile: 'default',
    service: 'pppoe',
    disabled: false,
    remoteAddress: '10.20.0.7',
    comment: 'Budi',
    password: 's3cret',
  });
  await session.updatePppSecret(id, { disabled: true, profile: 'default-encryption', remoteAddress: null });
  expect(router.secretNamed('pel-7')).toEqual(expect.objectContaining({ disabled: 'true', profile: 'default-encryption', 'remote-address': '' }));
});

it('ensures a profile: created once with its rate limit, found afterwards', async () => {
  session = await provisioner.open(target());
  expect(await session.ensurePppProfile('50M', { rateLimit: '50M/50M' })).toBe('created');
  expect(router.profileNamed('50M')).toEqual(expect.objectContaining({ 'rate-limit': '50M/50M' }));
  expect(await session.ensurePppProfile('50M', { rateLimit: '60M/60M' })).toBe('exists');
  expect(router.profileNamed('50M')!['rate-limit']).toBe('50M/50M');
});

it('removes every live session of a user and only those', async () => {
  router.connectSession('pel-7', '10.20.0.7');
  router.connectSession('pel-7', '10.20.0.8');
  router.connectSession('pel-8', '10.20.0.9');
  session = await provisioner.open(target());
  expect(await session.removeActiveSessions('pel-7')).toBe(2);
  expect(router.sessionsOf('pel-7')).toEqual([]);
  expect(router.sessionsOf('pel-8')).toHaveLength(1);
  expect(await session.removeActiveSessions('pel-7')).toBe(0);
});

it('works the same on a router older than 7.18 (no !empty) with the challenge login', async () => {
  router.emptyReplies = false;
  router.login = 'challenge';
  session = await provisioner.open(target());
  expect(await session.findPppSecret('nobody')).toBeNull();
  expect(await session.removeActiveSessions('nobody')).toBe(0);
});

describe('failures become RouterUnavailableError with a message safe to record', () => {
  it('connection refused', async () => {
    const port = REFUSED_PORT;
    const err = await rejection(provisioner.open({ ...target(), port }));
    expect([err.kind, err.message]).toEqual(['connection', `connection refused by 127.0.0.1:${port}`]);
  });

  it('login refused, without the password in the message', async () => {
    const err = await rejection(provisioner.open({ ...target(), password: 'hunter2' }));
    expect(err.kind).toBe('login');
    expect(err.message).not.toContain('hunter2');
  });

  it('a command the router refuses (!trap)', async () => {
    session = await provisioner.open(target());
    const err = await rejection(session.addPppSecret('x', { password: 'p', profile: 'no-such-profile', disabled: false }));
    expect([err.kind, err.message]).toEqual(['refused', '/ppp/secret/add failed: input does not match any value of profile']);
  });

  it('a router that stops answering', async () => {
    session = await provisioner.open(target());
    router.failNext('/ppp/secret/print', { kind: 'silence' });
    expect((await rejection(session.findPppSecret('x'))).kind).toBe('timeout');
  });

  it('a dropped connection and a !fatal', async () => {
    session = await provisioner.open(target());
    router.failNext('/ppp/active/print', { kind: 'drop' });
    expect((await rejection(session.removeActiveSessions('x'))).kind).toBe('connection');
    await session.close();
    session = await provisioner.open(target());
    router.failNext('/ppp/profile/print', { kind: 'fatal', message: 'out of memory' });
    const err = await rejection(session.ensurePppProfile('p'));
    expect([err.kind, err.message]).toEqual(['connection', `127.0.0.1:${router.port} ended the session: out of memory`]);
  });
});
